//! `tanhshrink(x) = x - tanh(x)` on f64 lanes.
//!
//! **Method.** On `a = |x|`, the sign restored at the end (exactly odd, `-0 → -0`):
//! * `a < 1.032`: `a³/3 + a⁵·H(a²)`, where `H` (degree 16) approximates
//!   `h(u) = (tanhshrink(√u) - u^1.5/3)/u^2.5`: a Chebyshev fit,
//!   `mpmath.chebyfit(h, [0, 1.032²], 17)` at 60 digits (script: `tools/fit_tanhshrink64.py`; relative error of `a³/3 + a⁵·H(a²)` with the coefficients rounded to f64:
//!   2^-56.7 at 400 points). As in the f32 version, `a²`, `a³`, `a⁵`, `a³/3` and `c₀·a⁵` are
//!   double words (FMA splits, `1/3` as head + tail) added by Fast2Sum, so the partial
//!   cancellation near `a = 1` (0.33 - 0.13) costs nothing; only `a⁷·R(a²)`, under 0.04 of the
//!   result, is rounded before the final addition.
//! * otherwise `(a - 1) + 2/(e^{2a} + 1)`: both terms non-negative, `a - 1` exact for `a < 2`
//!   (Sterbenz), the second term at most 0.23 of a result at least 0.25; `a` is clamped to 20
//!   first (beyond it the term is below half an ULP of `a - 1`).
//!
//! (The textbook `x - tanh(x)` loses every digit near 0.) **Domain.** All f64;
//! `tanhshrink(±inf) = ±inf`, NaN gives NaN. **Measured** against MPFR: see
//! tests/math64_composites.rs.

use super::exp;
use crate::math::{V64, horner64};
use pulp::Simd;

/// `H(u)`'s coefficients, ascending (`H(0) ≈ -2/15`).
const H: [f64; 17] = [
    f64::from_bits(0xBFC1111111111111), // -0.13333333333333333
    f64::from_bits(0x3FABA1BA1BA1B9FC), // 0.05396825396825375
    f64::from_bits(0xBF9664F4882BFAC7), // -0.021869488536135486
    f64::from_bits(0x3F8226E355E08715), // 0.008863235529193806
    f64::from_bits(0xBF6D6D3D0C3C9E83), // -0.003592128023132636
    f64::from_bits(0x3F57DA361A7BE26F), // 0.0014558342317611236
    f64::from_bits(0xBF43557FBAA1B21A), // -0.0005900262524512507
    f64::from_bits(0x3F2F57A0D58E8EE2), // 0.00023912275608239166
    f64::from_bits(0xBF19663A1969CDDF), // -9.689073190504532e-05
    f64::from_bits(0x3F048E537251BEF7), // 3.920738371554309e-05
    f64::from_bits(0xBEF087D858A62523), // -1.576485150559416e-05
    f64::from_bits(0x3ED9FDB09CAAD5C9), // 6.196731599563415e-06
    f64::from_bits(0xBEC338B109089FD4), // -2.291375558866724e-06
    f64::from_bits(0x3EA8F956CB742B56), // 7.442826221182952e-07
    f64::from_bits(0xBE89BBC1ACE93F4B), // -1.9172894956614873e-07
    f64::from_bits(0x3E620687BB37858E), // 3.357512614786469e-08
    f64::from_bits(0xBE290902E1628100), // -2.9144808884661094e-09
];
/// `H` without its constant term, divided by `u`.
const R: [f64; 16] = {
    let mut r = [0.0; 16];
    let mut i = 0;
    while i < 16 {
        r[i] = H[i + 1];
        i += 1;
    }
    r
};
/// `1/3` rounded to f64, and the rest.
const THIRD_HI: f64 = f64::from_bits(0x3FD5555555555555);
const THIRD_LO: f64 = f64::from_bits(0x3C75555555555555);
/// Where the series hands over to `(a - 1) + 2/(e^{2a} + 1)`.
const SPLIT: f64 = 1.032;

/// `x - tanh(x)` on f64 lanes. See the module docs.
///
/// ```
/// use activation_kernels::{math::V64, math64::tanhshrink, pulp::Scalar};
/// let t = |x: f64| tanhshrink(V64::splat(Scalar, x)).v;
/// assert_eq!(t(0.0), 0.0);
/// // Near 0 it follows the series x³/3 - 2x⁵/15 + 17x⁷/315 - ... (no cancellation).
/// let x = 1e-3f64;
/// let series = x.powi(3) / 3.0 - 2.0 * x.powi(5) / 15.0 + 17.0 * x.powi(7) / 315.0;
/// assert!((t(x) - series).abs() < 1e-24);
/// assert_eq!(t(f64::INFINITY), f64::INFINITY);
/// ```
#[inline(always)]
pub fn tanhshrink<S: Simd>(x: V64<S>) -> V64<S> {
    let sign = x.sign();
    let a = x.abs();
    let a2 = a * a;
    let a2_lo = a.mul_add(a, -a2);
    let a3 = a2 * a;
    let a3_lo = a2_lo.mul_add(a, a2.mul_add(a, -a3));
    let a5 = a3 * a2;
    let a5_lo = a3.mul_add(a2_lo, a3_lo.mul_add(a2, a3.mul_add(a2, -a5)));
    let m = a3 * x.k(THIRD_HI);
    let m_lo = a3.mul_add(x.k(THIRD_HI), -m);
    let corr = a3_lo.mul_add(x.k(THIRD_HI), a3.mul_add(x.k(THIRD_LO), m_lo));
    let c0 = x.k(H[0]);
    let t = a5 * c0;
    let t_lo = a5_lo.mul_add(c0, a5.mul_add(c0, -t));
    let rest = a5 * (a2 * horner64(a2, &R));
    let s = m + t;
    let s_err = t - (s - m);
    let small = s + (s_err + ((corr + t_lo) + rest));
    let ac = a.clamp_above(20.0);
    let e = exp(ac + ac);
    let large = (a - 1.0) + x.k(2.0) / (e + 1.0);
    a.lt(x.k(SPLIT)).select(small, large).xor_sign(sign)
}
