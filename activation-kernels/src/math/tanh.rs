//! `tanh(x)`.
//!
//! **Method.** On `a = |x|`, with the sign restored at the end (so `tanh` is exactly odd and
//! `tanh(-0) = -0`):
//! * `a < 0.5493` (where `tanh < 1/2`): `a + a³·P(a²)`, `P` degree 5 ([`coeffs::TANH`], Sollya
//!   fpminimax, relative error 2^-32.7), evaluated as `fma(a, a²·P, a)`;
//! * otherwise `1 - 2/(e^{2a} + 1)`: here `2/(e^{2a}+1) ≤ 1/2`, so its relative error costs at
//!   most half as much in the result; `e^{2a}` uses the shared exp reduction (`2a` is exact).
//!   `a` is clamped to 9.1 first (`tanh(9.1)` rounds to 1), which also maps `inf` to 1.
//!
//! **Domain.** All f32; the result is always in [-1, 1]. NaN gives NaN.
//!
//! **Measured** (all 2^32 inputs, every ISA, see `accuracy.rs`): max error ≤ 2 ULP.

use super::coeffs;
use super::exp::{exp_poly, reduce, scale_normal};
use super::vec::{V, horner};
use pulp::Simd;

/// Hyperbolic tangent. See the module docs.
///
/// Operations per vector (counted in the source): the small form 8, the large form 24 and a
/// division, 5 for the sign and the choice. A vector whose lanes all take one form computes only that one (the other
/// lanes' bits do not change with it, since each lane's result is one form or the other).
#[inline(always)]
pub fn tanh<S: Simd>(x: V<S>) -> V<S> {
    let sign = x.sign();
    let a = x.abs();
    let is_small = a.lt(x.k(0.549_3));
    if is_small.all() {
        return tanh_small(a).xor_sign(sign);
    }
    let large = tanh_large(a);
    if !is_small.any() {
        return large.xor_sign(sign);
    }
    is_small.select(tanh_small(a), large).xor_sign(sign)
}

/// `a + a³·P(a²)`, for `0 ≤ a < 0.5493`.
#[inline(always)]
fn tanh_small<S: Simd>(a: V<S>) -> V<S> {
    let a2 = a * a;
    let p = horner(a2, &coeffs::TANH);
    a.mul_add(a2 * p, a)
}

/// `1 - 2/(e^{2a} + 1)`, for `a ≥ 0.5493` (and `inf`, NaN).
#[inline(always)]
fn tanh_large<S: Simd>(a: V<S>) -> V<S> {
    let ac = a.clamp_above(9.1);
    let two_a = ac + ac;
    let red = reduce(two_a, a.k(0.0));
    let e = scale_normal(exp_poly(&red), &red);
    a.k(1.0) - a.k(2.0) / (e + 1.0)
}
