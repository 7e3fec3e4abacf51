//! `tanhshrink(x) = x - tanh(x)`.
//!
//! **Method.** On `a = |x|`, with the sign restored at the end (exactly odd,
//! `tanhshrink(-0) = -0`):
//! * `a < 1.032`: the series `a³/3 + a⁵·(c5 + a²·R(a²))` ([`coeffs::TANHSHRINK`], Sollya
//!   fpminimax with the `x³/3` term kept exact, relative error 2^-30.2). The two leading terms
//!   partly cancel near `a = 1` (0.34 - 0.10), so both are formed as double-f32 products
//!   (`a²`, `a³`, `a⁵` split exactly by FMA, `1/3` as a double-f32 constant) and added exactly
//!   (Fast2Sum); only `a⁵·a²·R`, under 0.04 of the result, is rounded before the final
//!   addition. (Rounding the whole `a⁵` tail first measured 2.17 ULP near `a = 1.004`.) Tiny
//!   `a` give `a³/3` in the subnormal range, rounded with an absolute error below one
//!   subnormal ULP.
//! * otherwise `(a - 1) + 2/(e^{2a} + 1)`: both terms are non-negative (no cancellation),
//!   `a - 1` is exact for `a < 2` (Sterbenz) and the second term is at most 0.23 while the result
//!   is at least 0.25, so its error costs less than one ULP. `e^{2a}` uses the shared exp
//!   reduction on `min(a, 9.1)` (beyond it the term is below half an ULP of `a - 1`).
//!
//! (The textbook `x - tanh(x)` loses every digit near 0: at `x = 1e-3` it is wrong by 10^4 ULP,
//! and below 2^-12 it returns 0.)
//!
//! **Domain.** All f32. `tanhshrink(±inf) = ±inf`, NaN gives NaN. Derivative: `tanh²(x)`.
//!
//! **Measured** (all 2^32 inputs, every ISA): see [`crate::accuracy`] / ACCURACY.md (≤ 2 ULP).

use super::coeffs;
use super::exp::{exp_poly, reduce, scale_normal};
use super::vec::{V, horner};
use pulp::Simd;

/// `1/3` rounded to f32.
const THIRD_HI: f32 = f32::from_bits(0x3EAA_AAAB);
/// `1/3 - THIRD_HI` rounded to f32.
const THIRD_LO: f32 = f32::from_bits(0xB22A_AAAB); // -9.934108e-9

/// The series' coefficients after `c5` (`R(t) = c7 + c9·t + ...`).
const R: [f32; 7] = {
    let c = coeffs::TANHSHRINK;
    [c[1], c[2], c[3], c[4], c[5], c[6], c[7]]
};

/// Where the series hands over to `(a - 1) + 2/(e^{2a} + 1)`.
const SPLIT: f32 = 1.032;

/// `x - tanh(x)`. See the module docs.
#[inline(always)]
pub fn tanhshrink<S: Simd>(x: V<S>) -> V<S> {
    let sign = x.sign();
    let a = x.abs();
    // Series: a^3/3 + a^5 (c5 + a^2 R(a^2)), with a^3, a^5, a^3/3 and c5·a^5 as double-f32.
    let a2 = a * a;
    let a2_lo = a.mul_add(a, -a2);
    let a3 = a2 * a;
    let a3_lo = a2_lo.mul_add(a, a2.mul_add(a, -a3));
    let a5 = a3 * a2;
    let a5_lo = a3.mul_add(a2_lo, a3_lo.mul_add(a2, a3.mul_add(a2, -a5)));
    let m = a3 * x.k(THIRD_HI);
    let m_lo = a3.mul_add(x.k(THIRD_HI), -m);
    let corr = a3_lo.mul_add(x.k(THIRD_HI), a3.mul_add(x.k(THIRD_LO), m_lo));
    let c5 = x.k(coeffs::TANHSHRINK[0]);
    let t = a5 * c5;
    let t_lo = a5_lo.mul_add(c5, a5.mul_add(c5, -t));
    let rest = a5 * (a2 * horner(a2, &R));
    // m + t exactly (Fast2Sum: |t| < m for a < 1.58); everything else is small.
    let s = m + t;
    let s_err = t - (s - m);
    let small = s + (s_err + ((corr + t_lo) + rest));
    // Large: (a - 1) + 2 / (e^{2a} + 1).
    let ac = a.clamp_above(9.1);
    let two_a = ac + ac;
    let red = reduce(two_a, x.k(0.0));
    let e = scale_normal(exp_poly(&red), &red);
    let large = (a - 1.0) + x.k(2.0) / (e + 1.0);
    a.lt(x.k(SPLIT)).select(small, large).xor_sign(sign)
}
