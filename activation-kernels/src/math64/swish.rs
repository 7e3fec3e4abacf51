//! `swish(x, b) = x·sigmoid(b·x)`, GPT-2's `gelu_tanh` and their derivatives, on f64 lanes.
//!
//! **Method.** As the f32 versions ([`math::swish`](crate::math::swish)): `t = b·x` is carried
//! as a double word (`t + tl = b·x` exactly, one FMA) and `e = e^{-|t + tl|}` comes from
//! `exp_dd`, so `b` costs no accuracy. With `d = 1 + e` and its exact rounding error:
//! * `t ≥ 0`: `swish = x/d`; `t < 0`: `swish = x·e/d`, with `x·e` as a double word;
//! * the quotient gets one exact-residual correction step (`1/d` estimated linearly: it only
//!   scales a sub-ULP correction);
//! * `t < -40` (where `e < 5e-18`): `x·e^{t+tl}`, formed by `mul_exp(x·(1 + tl), t)` so the
//!   result is right down to the subnormal range; `t > 40`: `x`; `t < -1460` (no representable
//!   product left): `±0` with the sign of `x`.
//!
//! `swish_grad = sigmoid(t)·(1 + t·sigmoid(-t))` from the same `e`, `e^{t}·(1 + t)` for
//! `t < -40`. Its zero near `t = -1.2785` is a cancellation: the error there is small in
//! absolute terms, not in ULP.
//!
//! `gelu_tanh(x) = x·sigmoid(t)` with `t = 2·sqrt(2/π)·(x + 0.044715·x³)` formed as a double
//! word (every product split by FMA, both constants as head + tail: the tail of `gelu_tanh`
//! multiplies a relative error of `t` by `|t|`).
//!
//! **Measured** against MPFR: see tests/math64_composites.rs.

use super::{exp_dd, mul_exp};
use crate::math::V64;
use pulp::Simd;

/// `e^{-|t + tl|}` (0 for non-finite `t`'s NaN tail handled by the callers' selects).
#[inline(always)]
fn exp_neg_abs<S: Simd>(t: V64<S>, tl: V64<S>) -> V64<S> {
    let neg = t.lt(t.k(0.0));
    exp_dd(-t.abs(), neg.select(tl, -tl))
}

/// The low part of `b·x` (0 where `b·x` is not finite, so it cannot turn a limit into NaN).
#[inline(always)]
pub(super) fn low<S: Simd>(b: V64<S>, x: V64<S>, t: V64<S>) -> V64<S> {
    let tl = b.mul_add(x, -t);
    t.abs().lt(t.k(f64::INFINITY)).select(tl, t.k(0.0))
}

/// `x·sigmoid(b·x)` on f64 lanes. See the module docs.
///
/// ```
/// use activation_kernels::{math::V64, math64::swish, pulp::Scalar};
/// let s = |x: f64| swish(V64::splat(Scalar, x), V64::splat(Scalar, 1.0)).v;
/// assert_eq!(s(0.0), 0.0);
/// assert_eq!(s(100.0), 100.0);
/// assert!((s(1.0) - 1.0 / (1.0 + (-1.0f64).exp())).abs() <= 2e-16);
/// ```
#[inline(always)]
pub fn swish<S: Simd>(x: V64<S>, b: V64<S>) -> V64<S> {
    let t = b * x;
    sig_mul(x, t, low(b, x, t))
}

/// `m·sigmoid(t + tl)` for a double-word argument.
#[inline(always)]
fn sig_mul<S: Simd>(x: V64<S>, t: V64<S>, tl: V64<S>) -> V64<S> {
    let one = x.k(1.0);
    let e = exp_neg_abs(t, tl);
    let neg = t.lt(x.k(0.0));
    let xe = x * e;
    let xe_lo = x.mul_add(e, -xe);
    let num = neg.select(xe, x);
    let num_lo = neg.select(xe_lo, x.k(0.0));
    let d = one + e;
    let d_err = (one - d) + e;
    let q = num / d;
    let resid = q.neg_mul_add(d_err, q.neg_mul_add(d, num) + num_lo);
    // 1/d on [1, 2] to ~6%: enough for a sub-ULP correction.
    let w = d.mul_add(x.k(-0.5), x.k(1.457));
    let res = resid.mul_add(w, q);
    let tail = mul_exp(x.mul_add(tl, x), t);
    let res = t.lt(x.k(-40.0)).select(tail, res);
    let res = t.gt(x.k(40.0)).select(x, res);
    t.lt(x.k(-1460.0)).select(x.sign(), res)
}

/// `sigmoid(b·x)` on f64 lanes without rounding `b·x` (the derivative of
/// [`softplus_beta`](super::softplus_beta)), as [`swish`] with a unit multiplier. At `b = 1` it
/// is [`sigmoid`](super::sigmoid).
///
/// ```
/// use activation_kernels::{math::V64, math64::sigmoid_beta, pulp::Scalar};
/// let s = |x: f64, b: f64| sigmoid_beta(V64::splat(Scalar, x), V64::splat(Scalar, b)).v;
/// assert_eq!(s(0.0, 2.5), 0.5);
/// assert_eq!(s(100.0, 2.5), 1.0);
/// let want = (-500.0f64).exp();
/// assert!((s(-200.0, 2.5) - want).abs() <= want * 1e-15);
/// ```
#[inline(always)]
pub fn sigmoid_beta<S: Simd>(x: V64<S>, b: V64<S>) -> V64<S> {
    if b.eq(b.k(1.0)).all() {
        return super::sigmoid(x);
    }
    let t = b * x;
    sig_mul(x.k(1.0), t, low(b, x, t))
}

/// `d/dx x·sigmoid(b·x)` on f64 lanes. See the module docs.
///
/// ```
/// use activation_kernels::{math::V64, math64::swish_grad, pulp::Scalar};
/// let g = |x: f64| swish_grad(V64::splat(Scalar, x), V64::splat(Scalar, 1.0)).v;
/// assert_eq!(g(0.0), 0.5);
/// assert_eq!(g(1000.0), 1.0);
/// ```
#[inline(always)]
pub fn swish_grad<S: Simd>(x: V64<S>, b: V64<S>) -> V64<S> {
    let t = b * x;
    sig_grad(t, low(b, x, t), t)
}

/// `sigmoid(t)·(1 + s·sigmoid(-t))` for a double-word `t`.
#[inline(always)]
fn sig_grad<S: Simd>(t: V64<S>, tl: V64<S>, s: V64<S>) -> V64<S> {
    let one = t.k(1.0);
    let e = exp_neg_abs(t, tl);
    let neg = t.lt(t.k(0.0));
    let d = one + e;
    let s_big = one / d;
    let s_small = e * s_big;
    let s_t = neg.select(s_small, s_big);
    let s_mt = neg.select(s_big, s_small);
    let mid = s_t * s.mul_add(s_mt, one);
    let m = one + s;
    let tail = mul_exp(m.mul_add(tl, m), t);
    let res = t.lt(t.k(-40.0)).select(tail, mid);
    let res = t.gt(t.k(745.0)).select(one, res);
    t.lt(t.k(-1460.0)).select(t.k(-0.0), res)
}

/// `2·sqrt(2/π)` as f64 head + tail.
const K_HI: f64 = f64::from_bits(0x3FF9_8845_33D4_3651);
const K_LO: f64 = f64::from_bits(0xBC9C_BC0D_30EB_FD15);
/// `0.044715` as f64 head + tail.
const C_HI: f64 = f64::from_bits(0x3FA6_E4E2_6D48_01F7);
const C_LO: f64 = f64::from_bits(0x3C44_4135_5475_A31A);

/// `t = 2·sqrt(2/π)·(x + 0.044715·x³)` as a double word.
#[inline(always)]
fn gelu_tanh_arg<S: Simd>(x: V64<S>) -> (V64<S>, V64<S>) {
    let one = x.k(1.0);
    let x2 = x * x;
    let x2l = x.mul_add(x, -x2);
    let cx2 = x2 * C_HI;
    let cx2l = x2.mul_add(x.k(C_HI), -cx2) + x2.mul_add(x.k(C_LO), x2l * C_HI);
    let w = one + cx2;
    let bp = w - cx2;
    let wl = ((one - bp) + (cx2 - (w - bp))) + cx2l;
    let xw = x * w;
    let xwl = x.mul_add(w, -xw) + x * wl;
    let t = xw * K_HI;
    let tl = xw.mul_add(x.k(K_HI), -t) + xw.mul_add(x.k(K_LO), xwl * K_HI);
    (t, tl)
}

/// GPT-2's GELU on f64 lanes, `x·sigmoid(2·sqrt(2/π)·(x + 0.044715·x³))`.
///
/// ```
/// use activation_kernels::{math::V64, math64::gelu_tanh, pulp::Scalar};
/// let g = |x: f64| gelu_tanh(V64::splat(Scalar, x)).v;
/// assert_eq!(g(0.0), 0.0);
/// assert_eq!(g(50.0), 50.0);
/// ```
#[inline(always)]
pub fn gelu_tanh<S: Simd>(x: V64<S>) -> V64<S> {
    let (t, tl) = gelu_tanh_arg(x);
    let r = sig_mul(x, t, tl);
    let r = x.gt(x.k(1e6)).select(x, r);
    x.lt(x.k(-1e6)).select(x.k(-0.0), r)
}

/// The derivative of [`gelu_tanh`] on f64 lanes.
///
/// ```
/// use activation_kernels::{math::V64, math64::gelu_tanh_grad, pulp::Scalar};
/// let g = |x: f64| gelu_tanh_grad(V64::splat(Scalar, x)).v;
/// assert_eq!(g(0.0), 0.5);
/// assert_eq!(g(50.0), 1.0);
/// ```
#[inline(always)]
pub fn gelu_tanh_grad<S: Simd>(x: V64<S>) -> V64<S> {
    let (t, tl) = gelu_tanh_arg(x);
    let dt = x.mul_add(x * (3.0 * C_HI), x.k(1.0)) * K_HI;
    let r = sig_grad(t, tl, x * dt);
    let r = x.gt(x.k(1e6)).select(x.k(1.0), r);
    x.lt(x.k(-1e6)).select(x.k(-0.0), r)
}
