//! `swish(x, b) = x·sigmoid(b·x)` and its derivative, accurate for every `b` and every `x`.
//!
//! **Method.** `t = b·x` is split exactly (`t + tl = b·x`, one FMA) and `e = e^{-|t|}` comes
//! from the shared exp reduction of the double-word argument, so `b` costs no accuracy. With
//! `d = 1 + e` (kept with its exact rounding error `d_err`):
//! * `t ≥ 0`: `swish = x / d`;
//! * `t < 0`: `swish = x·e / d`, where `x·e` is formed from exp's unrounded `p_hi + p_lo` and
//!   scaled by `2^n` once, so the left tail is right down to the subnormal range (where
//!   `x·sigmoid(x)` computed naively loses everything);
//! * the quotient gets one exact-residual correction step towards `num / (d + d_err)`, with
//!   `1/d` estimated linearly (it only scales a sub-ULP correction).
//!
//! `swish_grad(x, b) = d/dx swish = sigmoid(t)·(1 + t·sigmoid(-t))`, with both sigmoids from the
//! same `e`; in the left tail (`t < -80`) it is `e^t·(1 + t)`, formed before the final scaling.
//! Its zero near `t = -1.2785` is a cancellation: there the error is small in absolute terms
//! (≤ 1e-7), not in ULP.
//!
//! **Domain.** All f32 and all finite `b` with `|b| ≥ 1e-9` (below, the far-left tail
//! `t < -130` of huge `|x|` returns ±0 instead of a tiny value). `swish(-inf) = -0` (for `b > 0`), `swish(inf) = inf`,
//! NaN gives NaN.

use super::exp::{exp_poly2, reduce, scale};
use super::vec::V;
use pulp::Simd;

/// `(t, tl, e_hi, e_lo, red)`: shared front end.
#[inline(always)]
fn front<S: Simd>(x: V<S>, b: V<S>) -> (V<S>, super::exp::Reduced<S>, V<S>, V<S>) {
    let t = b * x;
    let tl = b.mul_add(x, -t);
    // -|b·x| = -|t| - sign(t)·tl, clamped where e underflows far below anything that matters.
    let neg = t.lt(t.k(0.0));
    let mt = -t.abs();
    let mtl = neg.select(tl, -tl);
    let far = mt.lt(t.k(-130.0));
    let mtc = far.select(t.k(-130.0), mt);
    let mtl = far.select(t.k(0.0), mtl);
    let red = reduce(mtc, mtl);
    let (p_hi, p_lo) = exp_poly2(&red);
    (t, red, p_hi, p_lo)
}

/// `x·sigmoid(b·x)`. See the module docs.
#[inline(always)]
pub fn swish<S: Simd>(x: V<S>, b: V<S>) -> V<S> {
    let (t, red, p_hi, p_lo) = front(x, b);
    let one = x.k(1.0);
    let e = scale(p_hi + p_lo, &red);
    let neg = t.lt(x.k(0.0));
    // x·e with a single rounding (subnormal-correct).
    let xe = scale(x.mul_add(p_hi, x * p_lo), &red);
    let num = neg.select(xe, x);
    let d = one + e;
    let d_err = (one - d) + e;
    let q = num / d;
    let resid = q.neg_mul_add(d_err, q.neg_mul_add(d, num));
    // 1/d on [1, 2] to ~6%: enough for a correction below one ULP.
    let w = d.mul_add(x.k(-0.5), x.k(1.457));
    let res = resid.mul_add(w, q);
    // Beyond t = 20, sigmoid(t) rounds to 1 and swish is x (also maps +inf to +inf).
    let res = t.gt(x.k(20.0)).select(x, res);
    // Far left (t < -130): |x·e^t| < 2^-149 / 2 unless |x| > 4e11, i.e. unless |b| < 1e-9.
    // Return zero with the sign of x (x·sigmoid(t) has the sign of x).
    t.lt(x.k(-130.0)).select(x.sign(), res)
}

/// `d/dx x·sigmoid(b·x) = sigmoid(t)·(1 + t·sigmoid(-t))`, `t = b·x`. See the module docs.
#[inline(always)]
pub fn swish_grad<S: Simd>(x: V<S>, b: V<S>) -> V<S> {
    let (t, red, p_hi, p_lo) = front(x, b);
    let one = x.k(1.0);
    let e = scale(p_hi + p_lo, &red);
    let neg = t.lt(x.k(0.0));
    let d = one + e;
    let s_big = one / d; // sigmoid(|t|)
    let s_small = e * s_big; // sigmoid(-|t|)
    let s_t = neg.select(s_small, s_big);
    let s_mt = neg.select(s_big, s_small);
    let mid = s_t * t.mul_add(s_mt, one);
    // Left tail: e^t·(1 + t) (sigmoid(-t) = 1, 1 + e = 1), scaled once.
    let tail = scale((one + t) * (p_hi + p_lo), &red);
    let res = t.lt(x.k(-80.0)).select(tail, mid);
    // Right: sigmoid(t) = 1 and t·sigmoid(-t) → 0.
    let res = t.gt(x.k(100.0)).select(one, res);
    t.lt(x.k(-130.0)).select(x.k(-0.0), res)
}
