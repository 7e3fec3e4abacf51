//! `gelu(x) = x·Φ(x) = x·erfc(-x/√2)/2` (the exact, erf-based GELU) and its derivative
//! `gelu'(x) = Φ(x) + x·φ(x)` on f64 lanes, accurate in both tails.
//!
//! **Method.** As the f32 versions ([`math::gelu`](crate::math::gelu)): `u = x/√2` is carried
//! as a double word (`1/√2` as head + tail, products split by FMA), because `erfc(|u|)`
//! amplifies a relative error `δ` of its argument by `2u²` (up to 1500 at the left end); the
//! shared erfc parts take `a = |u|` with its low word, so `G = erfcx(a + a_lo)` (a double word)
//! and `e^{-(a + a_lo)²}` are right to the last bit of `x`; `mul_exp_dd` multiplies a
//! double-word factor by `e^{-(a + a_lo)²}` with one rounding (subnormal results included).
//! * `gelu`, `x < -0.674` (`a > 0.4765625`): `((x/2)·G)·e^{-a²}`, `(x/2)·G` as a double word.
//! * `gelu`, `|x| ≤ 0.674`: `x·(1 + erf(u))/2` with `erf(u + u_lo) = u + u·P(u²) + erf'(u)·u_lo`
//!   (erf's polynomial) and `1 + erf` as a double word (Fast2Sum), one final rounding.
//! * `gelu`, `x > 0.674`: `x - ((x/2)·G)·e^{-a²}` (the subtracted term is below `x/4`).
//! * `gelu'` uses the tail form on the whole line: `t = (G/2 + x/√(2π))·e^{-u²}` for `x < 0` and
//!   `1 + t` with `t = (x/√(2π) - G/2)·e^{-u²}` for `x ≥ 0` (`|t| ≤ 1/2`), with `G/2 ± x/√(2π)`
//!   summed exactly from double words (TwoSum), so the cancellation between `Φ` and `x·φ`
//!   happens without loss.
//!
//! `gelu'` vanishes at `x ≈ -0.7517915`: near it the error is small in absolute terms
//! (the inputs' error, ~2^-57 of `G`), not in ULP.
//!
//! **Domain.** All f64. `gelu(-inf) = -0` (and `-0` below `x = -38.58`, where the true value is
//! below half the smallest subnormal), `gelu(inf) = inf`, `gelu(-0) = -0`; `gelu'(-inf) = -0`,
//! `gelu'(inf) = 1`, `gelu'(0) = 1/2`. NaN gives NaN.
//!
//! **Measured** against MPFR-based references (tests/math64_erf.rs, 1,018,066 inputs: random
//! bit patterns with `|x| < 64` including subnormals, uniform samples over `[-39.5, 10]`,
//! `[-2, 2]`, `[-0.8, -0.7]` and `[-39, -36]`, every switch and underflow threshold with 200
//! neighbours each side; every ISA bit-identical): gelu max 0.629 ULP (bound 1); gelu' max
//! 0.776 ULP (bound 1.5) outside `|x + 0.7517915| < 0.01`, and within that band absolute error
//! ≤ 5.7e-19 (bound 2^-58 ≈ 3.5e-18; the f32 contract's 1e-7 is about one f32 ε, this is 1/64
//! of an f64 ε).

use super::erf::{A_MAX, ERFC_SMALL_END, FRAC_2_SQRT_PI, erf_p, erfc_parts, erfcx_dd, square_dd};
use super::mul_exp_dd;
use crate::math::V64;
use pulp::Simd;

/// `1/√2` rounded, and the rest.
const C_HI: f64 = core::f64::consts::FRAC_1_SQRT_2;
const C_LO: f64 = -4.833646656726457e-17;
/// `1/√(2π)` rounded, and the rest.
const K_HI: f64 = 0.3989422804014327;
const K_LO: f64 = -2.49232720227773e-17;
/// Beyond `|x| = 39` both functions are saturated: `gelu = x` or `-0`, `gelu' = 1` or `-0`.
const X_MAX: f64 = 39.0;

/// `(hi, lo)` with `hi + lo = x/√2` to ~2^-104 relative.
#[inline(always)]
fn half_sqrt2<S: Simd>(x: V64<S>) -> (V64<S>, V64<S>) {
    let hi = x * C_HI;
    (hi, x.mul_add(x.k(C_HI), -hi) + x * C_LO)
}

/// The argument: `x` clamped to `[-X_MAX, X_MAX]` (NaN stays NaN), `u = x/√2` as `u + u_lo`,
/// and `a + a_lo = |u + u_lo|`.
#[derive(Copy, Clone)]
struct Arg<S: Simd> {
    xc: V64<S>,
    u: V64<S>,
    u_lo: V64<S>,
    a: V64<S>,
    a_lo: V64<S>,
}

#[inline(always)]
fn arg<S: Simd>(x: V64<S>) -> Arg<S> {
    let xc = x.clamp_below(-X_MAX).clamp_above(X_MAX);
    let (u, u_lo) = half_sqrt2(xc);
    let a_lo = u.lt(x.k(0.0)).select(-u_lo, u_lo);
    Arg {
        xc,
        u,
        u_lo,
        a: u.abs(),
        a_lo,
    }
}

/// The exact GELU `x·Φ(x) = x·erfc(-x/√2)/2`, within 1 ULP (measured 0.629 against MPFR) down
/// to the subnormal range of the left tail (`-0` below `x = -38.58`); `gelu(inf) = inf`,
/// `gelu(-inf) = -0`, `gelu(-0) = -0`, NaN gives NaN.
///
/// ```
/// use activation_kernels::{math::V64, math64, pulp::Scalar};
///
/// let gelu = |x: f64| math64::gelu(V64::splat(Scalar, x)).v;
/// assert!((gelu(1.0) - 0.8413447460685429).abs() <= f64::EPSILON); // Φ(1)
/// let tail = -7.619853024160526e-23; // gelu(-10)
/// assert!((gelu(-10.0) - tail).abs() <= 2.0 * tail.abs() * f64::EPSILON);
/// assert_eq!((gelu(0.0), gelu(f64::NEG_INFINITY)), (0.0, 0.0));
/// ```
#[inline(always)]
pub fn gelu<S: Simd>(x: V64<S>) -> V64<S> {
    let Arg {
        xc,
        u,
        u_lo,
        a,
        a_lo,
    } = arg(x);
    let one = x.k(1.0);
    // Tails: t = (x/2)·G·e^{-a²}, rounded once.
    let parts = erfc_parts(a, a_lo);
    let t = parts.times(xc * 0.5, x.k(0.0));
    let tail = xc.lt(x.k(0.0)).select(t, xc - t);
    // Middle: x·(1 + erf(u + u_lo))/2, erf(u + u_lo) = e_hi + e_lo.
    let uu = u * u;
    let derf = uu.neg_mul_add(x.k(FRAC_2_SQRT_PI), x.k(FRAC_2_SQRT_PI)); // erf'(u) to O(u⁴)
    let m = u.mul_add(erf_p(uu), derf * u_lo);
    let e_hi = u + m;
    let e_lo = (u - e_hi) + m;
    let s = one + e_hi;
    let err = (one - s) + e_hi;
    let mid = xc.mul_add(s * 0.5, xc * ((err + e_lo) * 0.5));
    let res = a.lt(x.k(ERFC_SMALL_END)).select(mid, tail);
    let res = x.gt(x.k(X_MAX)).select(x, res);
    x.lt(x.k(-X_MAX)).select(x.k(-0.0), res)
}

/// The GELU's derivative `Φ(x) + x·φ(x)`, within 1.5 ULP (measured 0.776 against MPFR) except
/// within 0.01 of its zero `x ≈ -0.7517915`, where the error is below 2^-58 absolutely
/// (measured 5.7e-19); right in the left tail down to the subnormal range. `gelu'(inf) = 1`,
/// `gelu'(-inf) = -0`, `gelu'(0) = 1/2`, NaN gives NaN.
///
/// ```
/// use activation_kernels::{math::V64, math64, pulp::Scalar};
///
/// let d = |x: f64| math64::gelu_grad(V64::splat(Scalar, x)).v;
/// assert_eq!(d(0.0), 0.5);
/// assert!((d(1.0) - 1.0833154705876864).abs() <= 2.0 * f64::EPSILON);
/// let tail = -7.618400096464814e-22; // gelu'(-10)
/// assert!((d(-10.0) - tail).abs() <= 4.0 * tail.abs() * f64::EPSILON);
/// ```
#[inline(always)]
pub fn gelu_grad<S: Simd>(x: V64<S>) -> V64<S> {
    let Arg { xc, a, a_lo, .. } = arg(x);
    let one = x.k(1.0);
    let neg = xc.lt(x.k(0.0));
    let clamped = a.gt(a.k(A_MAX));
    let a = clamped.select(a.k(A_MAX), a);
    let a_lo = clamped.select(a.k(0.0), a_lo);
    let (g_hi, g_lo) = erfcx_dd(a, a_lo);
    let (q_hi, q_lo) = square_dd(a, a_lo);
    // inner = ±G/2 + x/√(2π) (+ for x < 0) as a double word, by TwoSum.
    let gs_hi = neg.select(g_hi * 0.5, g_hi * -0.5);
    let gs_lo = neg.select(g_lo * 0.5, g_lo * -0.5);
    let xk_hi = xc * K_HI;
    let xk_lo = xc.mul_add(x.k(K_HI), -xk_hi) + xc * K_LO;
    let i_hi = gs_hi + xk_hi;
    let ib = i_hi - gs_hi;
    let i_lo = ((gs_hi - (i_hi - ib)) + (xk_hi - ib)) + (gs_lo + xk_lo);
    // Renormalised (near the zero of gelu', i_lo need not be below ulp(i_hi)).
    let (i_hi, i_lo) = {
        let s = i_hi + i_lo;
        let sb = s - i_hi;
        (s, (i_hi - (s - sb)) + (i_lo - sb))
    };
    // e·inner, rounded once; x ≥ 0: 1 + e·inner (|e·inner| ≤ 1/2).
    let t = mul_exp_dd(i_hi, i_lo, -q_hi, -q_lo);
    let res = neg.select(t, one + t);
    let res = x.gt(x.k(X_MAX)).select(one, res);
    x.lt(x.k(-X_MAX)).select(x.k(-0.0), res)
}
