//! `softsign(x) = x / (1 + |x|)` on f64 lanes, monotone at the ULP level.
//!
//! **Method.** The f32 method ([`math::softsign`](crate::math::softsign)) on f64, with
//! `a = |x|`, `d = fl(1 + a)`, `r = fl(1/d)`: for `a ≥ 1`, `1 - r` (each step a monotone,
//! correctly rounded operation, so the result is monotone by construction, within ~1.25 ULP);
//! below 1 the quotient with the rounding error of `1 + a` (Fast2Sum) and its residual folded
//! back in (near-correctly rounded). Sign of `x` restored (`-0 → -0`), `±inf → ±1`, NaN
//! propagates.
//!
//! **Measured** against MPFR: see tests/math64_composites.rs (≤ 2 ULP asserted).

use crate::math::V64;
use pulp::Simd;

/// `x / (1 + |x|)` on f64 lanes. See the module docs.
///
/// ```
/// use activation_kernels::{math::V64, math64::softsign, pulp::Scalar};
/// let s = |x: f64| softsign(V64::splat(Scalar, x)).v;
/// assert_eq!(s(1.0), 0.5);
/// assert_eq!(s(-3.0), -0.75);
/// assert_eq!(s(f64::INFINITY), 1.0);
/// ```
#[inline(always)]
pub fn softsign<S: Simd>(x: V64<S>) -> V64<S> {
    let sign = x.sign();
    let a = x.abs();
    let one = x.k(1.0);
    let d = one + a;
    let r = one / d;
    let big = one - r;
    let e = (one - d) + a;
    let q = a * r;
    let t = q.neg_mul_add(d, a);
    let t2 = q.neg_mul_add(e, t);
    let small = t2.mul_add(r, q);
    a.lt(one).select(small, big).xor_sign(sign)
}
