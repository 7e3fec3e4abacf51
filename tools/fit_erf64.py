#!/usr/bin/env python3
"""Coefficients of activation-kernels' f64 erf/erfc (src/math64/erf.rs).

Run: python3 tools/fit_erf64.py   (mpmath 1.3; prints the Rust constants and the fit errors)

Every polynomial is the Chebyshev interpolant of degree n at the n+1 Chebyshev nodes (first
kind) of its interval, computed with 60 significant digits and converted to monomials about
the point the kernel expands around. Interpolation is within a few bits of minimax here, and it
is reproducible without a Remez loop. Coefficients are rounded to nearest f64; the leading
ones of erfcx (k = 0, 1, 2) are also kept as a second f64 (the rest of the exact value), because
the kernel evaluates those three Horner steps in double-double. The printed error is the max
relative error of the rounded-coefficient polynomial (evaluated exactly) on 2000 points.
"""
import mpmath as mp

mp.mp.dps = 60
DEG_ERF = 11          # erf(x)/x - 1 = P(x^2), x in [0, ERF_END]
ERF_END = mp.mpf("0.84375")
DEG_G = 18            # erfcx pieces
# (name, lo, hi, expansion point) in a; the last piece is in t = 1/a^2 on [0, 1/FAR^2].
NEAR = [("I0", mp.mpf(0), mp.mpf(1), mp.mpf("0.5")),
        ("I1", mp.mpf(1), mp.mpf("2.25"), mp.mpf("1.625")),
        ("I2", mp.mpf("2.25"), mp.mpf("3.75"), mp.mpf(3))]
FAR = mp.mpf("3.75")


def erfcx(a):
    return mp.erfc(a) * mp.exp(a * a)


def far_h(t):
    """a*erfcx(a) with a = 1/sqrt(t); 1/sqrt(pi) at t = 0."""
    if t == 0:
        return 1 / mp.sqrt(mp.pi)
    a = 1 / mp.sqrt(t)
    return a * erfcx(a)


def erf_p(s):
    if s == 0:
        return 2 / mp.sqrt(mp.pi) - 1
    x = mp.sqrt(s)
    return mp.erf(x) / x - 1


def cheb_monomials(f, lo, hi, n, about):
    """Chebyshev interpolant of degree n of f on [lo, hi], as monomials in (x - about)."""
    c, r = (lo + hi) / 2, (hi - lo) / 2
    m = n + 1
    th = [mp.pi * (k + mp.mpf(1) / 2) / m for k in range(m)]
    ys = [f(c + r * mp.cos(t)) for t in th]
    cs = [2 * mp.fsum(ys[k] * mp.cos(j * th[k]) for k in range(m)) / m for j in range(m)]
    cs[0] /= 2
    # sum_j cs[j] T_j(y), y = (x - c)/r = (w + about - c)/r with w = x - about
    d, e = 1 / r, (about - c) / r  # y = d*w + e
    t_prev, t_cur = [mp.mpf(1)], [e, d]  # T_0, T_1 as polynomials in w
    out = [cs[0]] + [mp.mpf(0)] * n
    for j in range(1, m):
        for i, v in enumerate(t_cur):
            out[i] += cs[j] * v
        if j + 1 < m:
            nxt = [mp.mpf(0)] * (len(t_cur) + 1)
            for i, v in enumerate(t_cur):
                nxt[i] += 2 * e * v
                nxt[i + 1] += 2 * d * v
            for i, v in enumerate(t_prev):
                nxt[i] -= v
            t_prev, t_cur = t_cur, nxt
    return out


def f64(v):
    return float(v)  # round to nearest (mpmath rounds correctly)


def split(v):
    hi = f64(v)
    return hi, f64(v - mp.mpf(hi))


def max_rel(f, lo, hi, coeffs, about, weight=None, npts=2000):
    worst = mp.mpf(0)
    for k in range(npts + 1):
        x = lo + (hi - lo) * k / npts
        p = mp.polyval(coeffs[::-1], x - about)
        ref = f(x)
        den = weight(x) if weight else ref
        worst = max(worst, abs((p - ref) / den))
    return worst


def lit(v):
    s = repr(v)
    return s if ("e" in s or "." in s) else s + ".0"


def main():
    print("// erf: P(s) = erf(x)/x - 1, s = x^2 in [0, %s^2], degree %d" % (ERF_END, DEG_ERF))
    p = cheb_monomials(erf_p, mp.mpf(0), ERF_END**2, DEG_ERF, mp.mpf(0))
    pr = [mp.mpf(f64(v)) for v in p]
    err = max_rel(erf_p, mp.mpf(0), ERF_END**2, pr, mp.mpf(0), weight=lambda s: 1 + erf_p(s))
    print("// max |x*(P~ - P)| / erf = 2^%.2f" % float(mp.log(err, 2)))
    print("const ERF_P: [f64; %d] = [%s];" % (DEG_ERF + 1, ", ".join(lit(f64(v)) for v in p)))

    his, los = [], []
    for name, lo, hi, about in NEAR:
        co = cheb_monomials(erfcx, lo, hi, DEG_G, about)
        rounded = [mp.mpf(split(v)[0]) + mp.mpf(split(v)[1]) if k < 3 else mp.mpf(f64(v))
                   for k, v in enumerate(co)]
        err = max_rel(erfcx, lo, hi, rounded, about)
        print("// %s: erfcx(a) on [%s, %s] about %s: 2^%.2f" % (name, lo, hi, about,
                                                                float(mp.log(err, 2))))
        his.append([f64(v) for v in co])
        los.append([split(v)[1] for v in co[:3]])
    tmax = 1 / FAR**2
    co = cheb_monomials(far_h, mp.mpf(0), tmax, DEG_G, mp.mpf(0))
    rounded = [mp.mpf(split(v)[0]) + mp.mpf(split(v)[1]) if k < 3 else mp.mpf(f64(v))
               for k, v in enumerate(co)]
    err = max_rel(far_h, mp.mpf(0), tmax, rounded, mp.mpf(0))
    print("// FAR: a*erfcx(a) in t = 1/a^2 on [0, 1/%s^2]: 2^%.2f" % (FAR, float(mp.log(err, 2))))
    his.append([f64(v) for v in co])
    los.append([split(v)[1] for v in co[:3]])
    print("const G_HI: [[f64; %d]; 4] = [" % (DEG_G + 1))
    for row in his:
        print("    [%s]," % ", ".join(lit(v) for v in row))
    print("];")
    print("const G_LO: [[f64; 3]; 4] = [")
    for row in los:
        print("    [%s]," % ", ".join(lit(v) for v in row))
    print("];")


if __name__ == "__main__":
    main()
