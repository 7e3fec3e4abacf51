//! `sigmoid(x) = 1 / (1 + e^-x)`.
//!
//! **Method.** With `e = e^{-|x|} ∈ [0, 1]` (the shared exp, subnormal-correct):
//! `sigmoid(x) = 1/(1 + e)` for `x ≥ 0` and `e/(1 + e)` for `x < 0`, the quotient refined by
//! one exact-residual correction step against the unrounded `1 + e`. Both forms are
//! well-conditioned (no `1 - sigmoid` cancellation in the left tail, which is computed as a
//! small quotient, correct down to the subnormal range), and both are quotients of a value by
//! a larger one, so the result never leaves [0, 1].
//!
//! **Domain.** All f32. `sigmoid(-inf) = 0`, `sigmoid(inf) = 1`, NaN gives NaN.
//!
//! **Measured** (all 2^32 inputs, every ISA, see `accuracy.rs`): max error ≤ 2 ULP.

use super::exp::{exp, exp_poly, product_dw, reduce, scale, scale_normal};
use super::vec::{M, V};
use pulp::Simd;

/// The logistic function. See the module docs.
#[inline(always)]
pub fn sigmoid<S: Simd>(x: V<S>) -> V<S> {
    let e = exp(-x.abs());
    from_exp(x.lt(x.k(0.0)), e)
}

/// `(sigmoid(x), sigmoid(-x))` from one exponential (`e^{-|x|}` is the same for both), with
/// exactly the bits of two [`sigmoid`] calls: the derivative `sigmoid(x)·sigmoid(-x)` costs
/// one exponential and two quotients instead of two of each.
///
/// ```
/// use activation_kernels::{math::{V, sigmoid, sigmoid_pair}, pulp::Scalar};
/// for x in [-3.5f32, -0.0, 0.0, 1e-3, 20.0, f32::INFINITY] {
///     let (p, n) = sigmoid_pair(V::splat(Scalar, x));
///     assert_eq!(p.v.to_bits(), sigmoid(V::splat(Scalar, x)).v.to_bits());
///     assert_eq!(n.v.to_bits(), sigmoid(V::splat(Scalar, -x)).v.to_bits());
/// }
/// ```
#[inline(always)]
pub fn sigmoid_pair<S: Simd>(x: V<S>) -> (V<S>, V<S>) {
    let e = exp(-x.abs());
    // -x < 0 exactly where x > 0 (both false for ±0 and NaN).
    (from_exp(x.lt(x.k(0.0)), e), from_exp(x.gt(x.k(0.0)), e))
}

/// `sigmoid(b·x)` without rounding `b·x` (the derivative of
/// [`softplus_beta`](super::softplus_beta)): rounding the product would cost up to `|b·x|/2`
/// ULP in the left tail, where `sigmoid(t) ≈ e^t`. `t + tl = b·x` is split exactly (FMA) and
/// `e = e^{-|t + tl|}` comes from the shared exp reduction with the low word; the quotient is
/// then formed as in [`sigmoid`]. At `b = 1` it is [`sigmoid`] (same bits). Measured: see
/// [`softplus_beta`](super::softplus_beta) (≤ 1.48 ULP for `b` from 1.2e-38 to 3e38).
#[inline(always)]
pub fn sigmoid_beta<S: Simd>(x: V<S>, b: V<S>) -> V<S> {
    if b.eq(b.k(1.0)).all() {
        return sigmoid(x);
    }
    let (t, tl) = product_dw(b, x);
    let neg = t.lt(t.k(0.0));
    // -|t + tl|, clamped at -104 where e^ underflows to 0 (the low word dropped there).
    let a = -t.abs();
    let far = a.lt(t.k(-104.0));
    let al = far.select(t.k(0.0), neg.select(tl, -tl));
    let red = reduce(far.select(t.k(-104.0), a), al);
    let p = exp_poly(&red);
    // As in `exp`: where every lane has |t| ≤ 87, 2^n is normal and one multiply scales (the
    // same bits as the two-step scaling).
    let e = if a.ge(t.k(-87.0)).all() {
        scale_normal(p, &red)
    } else {
        far.select(t.k(0.0), scale(p, &red))
    };
    from_exp(neg, e)
}

/// `sigmoid` from `e = e^{-|t|}` (see the module docs); `neg` marks `t < 0`.
#[inline(always)]
fn from_exp<S: Simd>(neg: M<S>, e: V<S>) -> V<S> {
    let one = e.k(1.0);
    let num = neg.select(e, one);
    // d + d_err == 1 + e exactly (Fast2Sum, e <= 1).
    let d = one + e;
    let d_err = (one - d) + e;
    let q = num / d;
    // One correction step towards num / (d + d_err): the residual is computed exactly by FMA,
    // and 1/(1+e) is q itself (t >= 0) or 1 - q (t < 0), so no second division is needed.
    let resid = q.neg_mul_add(d_err, q.neg_mul_add(d, num));
    let w = neg.select(one - q, q);
    // Inf/NaN inputs: e is 0 or NaN and the correction is exactly 0 or NaN; nothing to fix.
    resid.mul_add(w, q)
}
