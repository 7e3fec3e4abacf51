//! `tanh(x)` on f64 lanes.
//!
//! **Method.** On `a = |x|` (the sign restored at the end, so `tanh` is exactly odd and
//! `tanh(-0) = -0`): with `E = expm1(2a)` (`2a` is exact), `tanh(a) = E/(E + 2)`. The
//! denominator is kept with its exact rounding error (TwoSum) and the quotient gets one
//! exact-residual correction step, so the only error besides the final rounding is `expm1`'s,
//! damped by the factor `2/(E + 2) ≤ 1`. There is no cancellation anywhere (near 0, `E ≈ 2a`
//! is accurate relatively). `a` is clamped to 20 first (`tanh(20)` rounds to 1), which also
//! maps `inf` to 1.
//!
//! **Domain.** All f64; the result is in [-1, 1]. NaN gives NaN.
//!
//! **Measured** against MPFR: see tests/math64_composites.rs (≤ 2 ULP asserted).

use super::expm1;
use crate::math::V64;
use pulp::Simd;

/// Hyperbolic tangent on f64 lanes. See the module docs.
///
/// ```
/// use activation_kernels::{math::V64, math64::tanh, pulp::Scalar};
/// let t = |x: f64| tanh(V64::splat(Scalar, x)).v;
/// assert_eq!(t(0.0), 0.0);
/// assert_eq!(t(f64::INFINITY), 1.0);
/// assert!((t(0.5) - 0.5f64.tanh()).abs() <= 1e-16);
/// ```
#[inline(always)]
pub fn tanh<S: Simd>(x: V64<S>) -> V64<S> {
    let sign = x.sign();
    let a = x.abs().clamp_above(20.0);
    let e = expm1(a + a);
    let two = x.k(2.0);
    let (d, d_err) = two_sum(e, two);
    let q = e / d;
    let resid = q.neg_mul_add(d_err, q.neg_mul_add(d, e));
    (q + resid / d).xor_sign(sign)
}

/// `(s, err)` with `s + err = a + b` exactly (Knuth's TwoSum: no ordering needed).
#[inline(always)]
pub(crate) fn two_sum<S: Simd>(a: V64<S>, b: V64<S>) -> (V64<S>, V64<S>) {
    let s = a + b;
    let bp = s - a;
    let ap = s - bp;
    (s, (a - ap) + (b - bp))
}
