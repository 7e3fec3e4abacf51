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
//!
//! [`softplus_beta`]`(x, b) = softplus(b·x)/b` carries `b·x` as a double word (`t + tl`, one
//! FMA), as the f32 version does: `ln1p(e^(t+tl))/b` for `-40 ≤ t ≤ 36` (with `e^(t+tl)` as a
//! double word, so only `ln1p`'s own error and the division remain), `x + ln1p(e^-(t+tl))/b`
//! above, and for `t < -40` (where `ln1p(e) = e` to 2^-58) `(1/b)·e^(t+tl)` with `1/b` as a
//! double word, rounded once by `mul_exp_dd`. At `b = 1` it is [`softplus`]. Domain: all f64 and
//! `2^-500 ≤ b ≤ 2^500`. Measured against MPFR (`tests/f64_activations.rs`): 1.202 ULP at
//! `b = 2.5` and 1.329 at `b = 0.3` (it was 448 ULP at `b = 2.5` with `b·x` rounded).

use super::{exp, exp_dd, exp_dw, ln1p, ln1p_dw, mul_exp_dd};
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

/// `softplus(b·x)/b` on f64 lanes without rounding `b·x`. See the module docs.
///
/// ```
/// use activation_kernels::{math::V64, math64::softplus_beta, pulp::Scalar};
/// let s = |x: f64, b: f64| softplus_beta(V64::splat(Scalar, x), V64::splat(Scalar, b)).v;
/// assert!((s(0.0, 2.0) - 2f64.ln() / 2.0).abs() <= 1e-16);
/// assert_eq!(s(1000.0, 2.5), 1000.0);
/// // Deep in the left tail the result is e^(2.5·x)/2.5, formed with a single rounding.
/// let want = (-500.0f64).exp() / 2.5;
/// assert!((s(-200.0, 2.5) - want).abs() <= want * 1e-15);
/// ```
#[inline(always)]
pub fn softplus_beta<S: Simd>(x: V64<S>, b: V64<S>) -> V64<S> {
    if b.eq(b.k(1.0)).all() {
        return softplus(x);
    }
    let t = b * x;
    let tl = super::swish::low(b, x, t);
    let big = t.gt(t.k(36.0));
    // -40 ≤ t ≤ 36: e^(t+tl) as a double word into ln1p (other lanes clamped, not selected).
    let (e, el) = exp_dw(t.clamp_below(-41.0).clamp_above(37.0), tl);
    let mid = ln1p_dw(e, el) / b;
    // t > 36: e^-(t+tl) is below 2^-51, its rounding does not matter.
    let right = x + ln1p(exp_dd(-t, -tl)) / b;
    // 1/b as a double word: m_hi + m_lo = 1/b to ~2^-104.
    let one = x.k(1.0);
    let m_hi = one / b;
    let m_lo = m_hi.neg_mul_add(b, one) / b;
    let left = mul_exp_dd(m_hi, m_lo, t, tl);
    let res = t.lt(t.k(-40.0)).select(left, mid);
    big.select(right, res)
}
