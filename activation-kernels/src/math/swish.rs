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

use super::exp::{exp_poly2, reduce, scale, scale_normal};
use super::vec::{M, V};
use pulp::Simd;

/// `(t, red, e_hi, e_lo)` for `e = e^{-|t + tl|}`: shared front end.
#[inline(always)]
fn front<S: Simd>(t: V<S>, tl: V<S>) -> (V<S>, super::exp::Reduced<S>, V<S>, V<S>) {
    // -|b·x| = -|t| - sign(t)·tl, clamped where e underflows far below anything that matters.
    let (mt, mtl) = neg_abs_dw(t, tl);
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
    let t = b * x;
    sig_mul(x, t, b.mul_add(x, -t))
}

/// Where every lane has `|t| ≤ FAST_T` (NaN fails the test), the kernels take a fast path: no
/// clamps and no far-tail selects, and `2^n` (`n ≥ -126`) is a normal number, so one multiply
/// scales. Scaling rounds `p·2^n` once either way, so the fast path gives exactly the bits
/// the full path gives for those lanes (results never depend on their neighbours).
const FAST_T: f32 = 87.0;

/// `-|t + tl|` as a double word, for the exp reduction.
#[inline(always)]
fn neg_abs_dw<S: Simd>(t: V<S>, tl: V<S>) -> (V<S>, V<S>) {
    let neg = t.lt(t.k(0.0));
    (-t.abs(), neg.select(tl, -tl))
}

/// `m·sigmoid(t + tl)` for a double-word argument, with the same care as [`swish`].
///
/// Operations per vector on the fast path (counted in the source): range test 2, `-|t|` 5,
/// exp reduction 5, polynomial 10, scaling of `e` 4 and of `x·e` 3, quotient with its
/// correction step 9: about 38 and one division (`swish` adds 2 for `b·x`).
#[inline(always)]
pub(crate) fn sig_mul<S: Simd>(x: V<S>, t: V<S>, tl: V<S>) -> V<S> {
    if t.abs().le(t.k(FAST_T)).all() {
        let (mt, mtl) = neg_abs_dw(t, tl);
        let red = reduce(mt, mtl);
        let (p_hi, p_lo) = exp_poly2(&red);
        let e = scale_normal(p_hi + p_lo, &red);
        // x·e with a single rounding (subnormal-correct).
        let xe = scale_normal(x.mul_add(p_hi, x * p_lo), &red);
        // For 20 < t ≤ FAST_T the quotient is x itself (see the full path), so no select.
        return sig_quotient(x, t.lt(x.k(0.0)), e, xe);
    }
    let (t, red, p_hi, p_lo) = front(t, tl);
    let e = scale(p_hi + p_lo, &red);
    // x·e with a single rounding (subnormal-correct).
    let xe = scale(x.mul_add(p_hi, x * p_lo), &red);
    let res = sig_quotient(x, t.lt(x.k(0.0)), e, xe);
    // Beyond t = 20, sigmoid(t) rounds to 1 and swish is x: the quotient gives x for finite
    // x (its correction is below half an ULP), and the select maps +inf to +inf.
    let res = t.gt(x.k(20.0)).select(x, res);
    // Far left (t < -130): |x·e^t| < 2^-149 / 2 unless |x| > 4e11, i.e. unless |b| < 1e-9.
    // Return zero with the sign of x (x·sigmoid(t) has the sign of x).
    t.lt(x.k(-130.0)).select(x.sign(), res)
}

/// `x·sigmoid(t)` from `e = e^{-|t|}` and `xe = x·e` (both rounded once): `x/(1 + e)` for
/// `t ≥ 0` (`neg` false), `x·e/(1 + e)` for `t < 0`, with one exact-residual correction step.
#[inline(always)]
fn sig_quotient<S: Simd>(x: V<S>, neg: M<S>, e: V<S>, xe: V<S>) -> V<S> {
    let one = x.k(1.0);
    let num = neg.select(xe, x);
    let d = one + e;
    let d_err = (one - d) + e;
    let q = num / d;
    let resid = q.neg_mul_add(d_err, q.neg_mul_add(d, num));
    // 1/d on [1, 2] to ~6%: enough for a correction below one ULP.
    let w = d.mul_add(x.k(-0.5), x.k(1.457));
    resid.mul_add(w, q)
}

/// `d/dx x·sigmoid(b·x) = sigmoid(t)·(1 + t·sigmoid(-t))`, `t = b·x`. See the module docs.
#[inline(always)]
pub fn swish_grad<S: Simd>(x: V<S>, b: V<S>) -> V<S> {
    let t = b * x;
    sig_grad(t, b.mul_add(x, -t), t)
}

/// `sigmoid(t)·(1 + s·sigmoid(-t))` for a double-word `t` (the derivative of `x·sigmoid(t(x))`
/// with `s = x·t'(x)`).
///
/// Operations per vector on the fast path (every `|t| ≤ 80`; counted in the source): range
/// test 2, `-|t|` 5, exp 19, the two sigmoids and the product 7: about 33 and one division.
#[inline(always)]
pub(crate) fn sig_grad<S: Simd>(t: V<S>, tl: V<S>, s: V<S>) -> V<S> {
    // Fast path: the left-tail form (t < -80) and the far limits are not needed, and 2^n is
    // normal: the same bits as the full path's `mid` there.
    if t.abs().le(t.k(80.0)).all() {
        let (mt, mtl) = neg_abs_dw(t, tl);
        let red = reduce(mt, mtl);
        let (p_hi, p_lo) = exp_poly2(&red);
        let e = scale_normal(p_hi + p_lo, &red);
        return sig_grad_mid(t.lt(t.k(0.0)), e, s);
    }
    let x = t;
    let (t, red, p_hi, p_lo) = front(t, tl);
    let one = x.k(1.0);
    let e = scale(p_hi + p_lo, &red);
    let mid = sig_grad_mid(t.lt(x.k(0.0)), e, s);
    // Left tail: e^t·(1 + s) (sigmoid(-t) = 1, 1 + e = 1), scaled once.
    let tail = scale((one + s) * (p_hi + p_lo), &red);
    let res = t.lt(x.k(-80.0)).select(tail, mid);
    // Right: sigmoid(t) = 1 and t·sigmoid(-t) → 0.
    let res = t.gt(x.k(100.0)).select(one, res);
    t.lt(x.k(-130.0)).select(x.k(-0.0), res)
}

/// `sigmoid(t)·(1 + s·sigmoid(-t))` from `e = e^{-|t|}`; `neg` marks `t < 0`.
#[inline(always)]
fn sig_grad_mid<S: Simd>(neg: M<S>, e: V<S>, s: V<S>) -> V<S> {
    let one = e.k(1.0);
    let d = one + e;
    let s_big = one / d; // sigmoid(|t|)
    let s_small = e * s_big; // sigmoid(-|t|)
    let s_t = neg.select(s_small, s_big);
    let s_mt = neg.select(s_big, s_small);
    s_t * s.mul_add(s_mt, one)
}

/// `2·sqrt(2/pi)` as f32 head + tail.
const K_HI: f32 = f32::from_bits(0x3FCC_422A);
const K_LO: f32 = f32::from_bits(0xB342_BC9B);
/// `0.044715` as f32 head + tail.
const C_HI: f32 = f32::from_bits(0x3D37_2713);
const C_LO: f32 = f32::from_bits(0x30D4_801F);

/// `t = 2·sqrt(2/pi)·(x + 0.044715·x³)` as a double word: the tail of `gelu_tanh` multiplies
/// a relative error of `t` by `|t|` (≈ 100), so every product is split (FMA) and both constants
/// carry their f32 rounding error.
#[inline(always)]
fn gelu_tanh_arg<S: Simd>(x: V<S>) -> (V<S>, V<S>) {
    let one = x.k(1.0);
    let x2 = x * x;
    let x2l = x.mul_add(x, -x2);
    // c·x² (+ its error), then w = 1 + c·x² (TwoSum, 1 >= c·x² or not).
    let cx2 = x2 * C_HI;
    let cx2l = x2.mul_add(x.k(C_HI), -cx2) + x2.mul_add(x.k(C_LO), x2l * C_HI);
    let w = one + cx2;
    let bp = w - cx2;
    let wl = ((one - bp) + (cx2 - (w - bp))) + cx2l;
    // x·w, then k·(x·w).
    let xw = x * w;
    let xwl = x.mul_add(w, -xw) + x * wl;
    let t = xw * K_HI;
    let tl = xw.mul_add(x.k(K_HI), -t) + xw.mul_add(x.k(K_LO), xwl * K_HI);
    (t, tl)
}

/// GPT-2's GELU, `0.5·x·(1 + tanh(sqrt(2/pi)·(x + 0.044715·x³)))` = `x·sigmoid(t)`. See
/// `gelu_tanh_arg` and the module docs.
#[inline(always)]
pub fn gelu_tanh<S: Simd>(x: V<S>) -> V<S> {
    let (t, tl) = gelu_tanh_arg(x);
    let r = sig_mul(x, t, tl);
    // x³ overflows beyond ~7e12 (t = ±inf): the limits are x and -0.
    let r = x.gt(x.k(1e6)).select(x, r);
    x.lt(x.k(-1e6)).select(x.k(-0.0), r)
}

/// The derivative of [`gelu_tanh`]: `sigmoid(t)·(1 + x·t'·sigmoid(-t))`,
/// `t' = 2·sqrt(2/pi)·(1 + 3·0.044715·x²)`.
#[inline(always)]
pub fn gelu_tanh_grad<S: Simd>(x: V<S>) -> V<S> {
    let (t, tl) = gelu_tanh_arg(x);
    let dt = x.mul_add(x * (3.0 * C_HI), x.k(1.0)) * K_HI;
    let r = sig_grad(t, tl, x * dt);
    let r = x.gt(x.k(1e6)).select(x.k(1.0), r);
    x.lt(x.k(-1e6)).select(x.k(-0.0), r)
}
