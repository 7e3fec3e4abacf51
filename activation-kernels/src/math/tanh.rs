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
#[inline(always)]
pub fn tanh<S: Simd>(x: V<S>) -> V<S> {
    let sign = x.sign();
    let a = x.abs();
    // Small: a + a^3 P(a^2).
    let a2 = a * a;
    let p = horner(a2, &coeffs::TANH);
    let small = a.mul_add(a2 * p, a);
    // Large: 1 - 2 / (e^{2a} + 1).
    let ac = a.clamp_above(9.1);
    let two_a = ac + ac;
    let red = reduce(two_a, x.k(0.0));
    let e = scale_normal(exp_poly(&red), &red);
    let large = x.k(1.0) - x.k(2.0) / (e + 1.0);
    let res = a.lt(x.k(0.549_3)).select(small, large);
    res.xor_sign(sign)
}
