//! `sigmoid(x) = 1 / (1 + e^-x)` on f64 lanes.
//!
//! **Method.** The f32 method ([`math::sigmoid`](crate::math::sigmoid)) on f64: with
//! `e = e^{-|x|} ∈ [0, 1]`, `1/(1 + e)` for `x ≥ 0` and `e/(1 + e)` for `x < 0`, the quotient
//! refined by one exact-residual step against the unrounded `1 + e` (Fast2Sum). No `1 - σ`
//! cancellation in the left tail; both forms are quotients of a value by a larger one, so the
//! result never leaves [0, 1].
//!
//! **Domain.** All f64. `sigmoid(-inf) = 0`, `sigmoid(inf) = 1`, NaN gives NaN.
//!
//! **Measured** against MPFR: see tests/math64_composites.rs (≤ 2 ULP asserted).

use super::exp;
use crate::math::{M64, V64};
use pulp::Simd;

/// The logistic function on f64 lanes. See the module docs.
///
/// ```
/// use activation_kernels::{math::V64, math64::sigmoid, pulp::Scalar};
/// let s = |x: f64| sigmoid(V64::splat(Scalar, x)).v;
/// assert_eq!(s(0.0), 0.5);
/// assert_eq!(s(f64::INFINITY), 1.0);
/// assert_eq!(s(f64::NEG_INFINITY), 0.0);
/// ```
#[inline(always)]
pub fn sigmoid<S: Simd>(x: V64<S>) -> V64<S> {
    from_exp(x.lt(x.k(0.0)), exp(-x.abs()))
}

/// `(sigmoid(x), sigmoid(-x))` from one exponential, with exactly the bits of two [`sigmoid`]
/// calls (as [`crate::math::sigmoid_pair`]).
///
/// ```
/// use activation_kernels::{math::V64, math64::{sigmoid, sigmoid_pair}, pulp::Scalar};
/// for x in [-3.5f64, -0.0, 0.0, 1e-3, 40.0, f64::INFINITY] {
///     let (p, n) = sigmoid_pair(V64::splat(Scalar, x));
///     assert_eq!(p.v.to_bits(), sigmoid(V64::splat(Scalar, x)).v.to_bits());
///     assert_eq!(n.v.to_bits(), sigmoid(V64::splat(Scalar, -x)).v.to_bits());
/// }
/// ```
#[inline(always)]
pub fn sigmoid_pair<S: Simd>(x: V64<S>) -> (V64<S>, V64<S>) {
    let e = exp(-x.abs());
    (from_exp(x.lt(x.k(0.0)), e), from_exp(x.gt(x.k(0.0)), e))
}

/// `sigmoid` from `e = e^{-|x|}`; `neg` marks `x < 0`.
#[inline(always)]
fn from_exp<S: Simd>(neg: M64<S>, e: V64<S>) -> V64<S> {
    let one = e.k(1.0);
    let num = neg.select(e, one);
    let d = one + e;
    let d_err = (one - d) + e;
    let q = num / d;
    let resid = q.neg_mul_add(d_err, q.neg_mul_add(d, num));
    let w = neg.select(one - q, q);
    resid.mul_add(w, q)
}
