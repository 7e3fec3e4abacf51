# Fit h(u) = (tanhshrink(sqrt u) - u^1.5/3) / u^2.5 on [0, U] (U = 1.032^2) with a Chebyshev
# approximation (mpmath.chebyfit), degree N, at 60 digits; print f64 coefficients and the
# relative error of a^5 h(a^2) + a^3/3 vs tanhshrink(a) with the rounded coefficients.
import mpmath as mp
mp.mp.dps = 60
U = mp.mpf('1.032')**2
def h(u):
    if u == 0: return mp.mpf(-2)/15
    a = mp.sqrt(u)
    return (a - mp.tanh(a) - a**3/3) / a**5
for N in (15,16,17,18):
    c, err = mp.chebyfit(h, [0, U], N, error=True)
    c = c[::-1]  # ascending
    cf = [float(ci) for ci in c]
    worst = 0
    for i in range(1, 400):
        a = mp.mpf(i)/400*mp.mpf('1.032')
        u = a*a
        p = mp.mpf(0)
        for ci in reversed(cf): p = p*u + mp.mpf(ci)
        approx = a**3/3 + a**5*p
        exact = a - mp.tanh(a)
        worst = max(worst, abs(approx/exact - 1))
    print(N, mp.nstr(err, 5), mp.nstr(worst,5), mp.nstr(mp.log(worst,2),5))
    if N == 17:
        print([x.hex() for x in cf])
