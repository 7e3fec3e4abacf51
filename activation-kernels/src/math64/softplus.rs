//! `softplus(x) = ln(1 + e^x)` on f64 lanes, without overflow.
//!
//! **Method.** As the f32 version ([`math::softplus`](crate::math::softplus)): `ln1p(e^x)` for
//! `x ≤ 36` (two increasing functions composed: monotone as long as `exp` and `ln1p` are), and
//! `x + ln1p(e^-x)` above, where `ln1p(e^-x) < ulp(x)/2` so the sum rounds to `x` or still
//! increases. Nothing overflows (`e^x ≤ e^36`); the left tail is `ln1p` of a tiny number, right
//! into the subnormal range.
//!
//! **Domain.** All f64. `softplus(-inf) = 0`, `softplus(inf) = inf`, NaN gives NaN.
//!
//! **Measured** against MPFR: see tests/math64_composites.rs (≤ 2 ULP asserted).

use super::{exp, ln1p};
use crate::math::V64;
use pulp::Simd;

/// `ln(1 + e^x)` on f64 lanes. See the module docs.
///
/// ```
/// use activation_kernels::{math::V64, math64::softplus, pulp::Scalar};
/// let s = |x: f64| softplus(V64::splat(Scalar, x)).v;
/// assert!((s(0.0) - 2f64.ln()).abs() <= 1e-16);
/// assert_eq!(s(1000.0), 1000.0);
/// assert_eq!(s(f64::NEG_INFINITY), 0.0);
/// ```
#[inline(always)]
pub fn softplus<S: Simd>(x: V64<S>) -> V64<S> {
    let big = x.gt(x.k(36.0));
    let l = ln1p(exp(big.select(-x, x)));
    big.select(x + l, l)
}
