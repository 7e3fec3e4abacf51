#!/usr/bin/env python3
"""Coefficients of the f64 exp/expm1 and ln/ln1p polynomials (activation-kernels/src/math64/exp.rs, ln.rs).

Chebyshev fits with mpmath 1.3 (`mpmath.chebyfit`, 200-bit working precision), then each
coefficient rounded to the nearest f64; the printed error is the max over 4000 points of the
*rounded* polynomial, weighted as it enters the result:

* EXP_Q (degree 9): Q(r) ~ (e^r - 1 - r - r^2/2) / r^3 on |r| <= ln2/2 (x 1.0001 margin);
  error of r^3 Q(r) relative to e^r.
* LN_P (degree 7): P(z) ~ (2 atanh(s) - 2s) / (s z), z = s^2, on z in [0, ((sqrt2-1)/(sqrt2+1))^2]
  (x 1.0001 margin); error of s z P(z) relative to 2s ~ ln(1+f).

Run: python3 tools/fit_exp_ln64.py
"""
from mpmath import mp, mpf, log, expm1, exp, sqrt, chebyfit, atanh, linspace, polyval

mp.prec = 200


def fit(fn, a, b, deg, weight):
    c, _ = chebyfit(fn, [a, b], deg + 1, error=True)
    cr = [mpf(float(x)) for x in c]
    err = max(abs(polyval(cr, t) - fn(t)) * weight(t) for t in linspace(a, b, 4000))
    return [float(x) for x in reversed(cr)], err


def q_exp(r):
    if abs(r) < mpf(10) ** -30:
        return mpf(1) / 6 + r / 24
    return (expm1(r) - r - r**2 / 2) / r**3


def p_ln(z):
    if z < mpf(10) ** -30:
        return mpf(2) / 3 + 2 * z / 5
    s = sqrt(z)
    return (2 * atanh(s) - 2 * s) / (s * z)


rmax = log(2) / 2 * mpf("1.0001")
zmax = ((sqrt(2) - 1) / (sqrt(2) + 1)) ** 2 * mpf("1.0001")
for name, (c, err) in [
    ("EXP_Q", fit(q_exp, -rmax, rmax, 9, lambda t: abs(t) ** 3 / exp(t))),
    ("LN_P", fit(p_ln, mpf(0), zmax, 7, lambda z: z / 2)),
]:
    print(f"// max weighted error 2^{float(log(err, 2)):.1f}")
    print(f"const {name}: [f64; {len(c)}] = [")
    for x in c:
        print(f"    {x!r},")
    print("];")
