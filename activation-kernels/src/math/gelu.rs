//! `gelu(x) = x·Φ(x) = x·erfc(-x/√2)/2` (the exact, erf-based GELU) and its derivative
//! `gelu'(x) = Φ(x) + x·φ(x)`, accurate in both tails.
//!
//! **Method.** `u = x/√2` is carried as a double word (`1/√2 = C_HI + C_LO`, products split by
//! FMA), because `erfc(|u|)` amplifies a relative error `δ` of its argument by `2u²` (≈ 200 at
//! the left end of the range): the exp reduction receives `u² = hi + lo` exactly. With
//! `a = |u|` and `erfc(a) = p·G·2^n` from the shared erfc parts:
//! * `x < -0.674` (a > 0.4766): `gelu = (x/2)·p·G·2^n`, the product formed before the single
//!   final scaling (correct down to the subnormal range, where `x/2·erfc` computed as two
//!   rounded values loses everything);
//! * `|x| ≤ 0.674`: `gelu = x/2 + (x/2)·erf(u)` (one FMA; erf by its polynomial);
//! * `x > 0.674`: `gelu = x - (x/2)·p·G·2^n` (the subtracted term is below x/4).
//!
//! The derivative uses the same parts: in the tails `Φ(x) + x·φ(x)` is
//! `p·2^n·(G/2 + x/√(2π))` (x < 0) or `1 + p·2^n·(x/√(2π) - G/2)` (x > 0), one scaling and the
//! cancellation inside. Its zero at `x ≈ -0.7518` is a cancellation: there the error is small
//! in absolute terms (≤ 1e-7), not in ULP.
//!
//! **Domain.** All f32. `gelu(-inf) = -0`, `gelu(inf) = inf`, `gelu'(±inf) = 0, 1`; NaN gives
//! NaN.

use super::erf::{erf_poly, erfc_parts};
use super::exp::{exp, scale};
use super::vec::V;
use pulp::Simd;

/// `1/√2` rounded to f32, and the rest.
const C_HI: f32 = core::f32::consts::FRAC_1_SQRT_2;
const C_LO: f32 = f32::from_bits(0x324F_E77A); // 1/√2 - C_HI ≈ 1.2101617e-8
/// `1/√(2π)`.
const INV_SQRT_2PI: f32 = 0.398_942_3;
/// Where `erfc(|u|)` switches from `1 - erf` to the tail parts (in `|x|`).
const SPLIT: f32 = 0.673_966_5; // 0.4765625·√2
/// `(x/2)·erfc(|x|/√2)` rounds to 0 beyond this `|u|` (clamp for the parts).
const U_ZERO: f32 = 10.25;

/// `(hi, lo)` with `hi + lo = x/√2` to about 2^-48 relative.
#[inline(always)]
fn half_sqrt2<S: Simd>(x: V<S>) -> (V<S>, V<S>) {
    let hi = x * C_HI;
    let lo = x.mul_add(x.k(C_HI), -hi) + x * C_LO;
    (hi, lo)
}

/// The exact GELU. See the module docs.
#[inline(always)]
pub fn gelu<S: Simd>(x: V<S>) -> V<S> {
    let (u, u_lo) = half_sqrt2(x);
    let h = x * 0.5;
    let a = u.abs();
    let a_lo = u.lt(x.k(0.0)).select(-u_lo, u_lo);
    let parts = erfc_parts(a, a_lo, U_ZERO);
    let tail = scale(parts.times(h), &parts.red); // (x/2)·erfc(|u|)
    let mid = h.mul_add(erf_poly(u), h);
    let res = x.lt(x.k(-SPLIT)).select(tail, x - tail);
    let res = x.abs().le(x.k(SPLIT)).select(mid, res);
    // Far tails: gelu = x beyond 15, and rounds to -0 below -14.7 (erfc parts are clamped).
    let res = x.gt(x.k(15.0)).select(x, res);
    x.lt(x.k(-14.7)).select(x.k(-0.0), res)
}

/// `gelu'(x) = Φ(x) + x·φ(x)`. See the module docs.
#[inline(always)]
pub fn gelu_grad<S: Simd>(x: V<S>) -> V<S> {
    let (u, u_lo) = half_sqrt2(x);
    let one = x.k(1.0);
    let a = u.abs();
    let a_lo = u.lt(x.k(0.0)).select(-u_lo, u_lo);
    let parts = erfc_parts(a, a_lo, U_ZERO);
    // (G/2 ± x/√(2π)) with G = g_hi + g_lo.
    let xk = x * INV_SQRT_2PI;
    let neg = x.lt(x.k(0.0));
    let g2 = parts.g_hi * 0.5;
    let inner = neg.select(g2 + xk, xk - g2);
    let inner = inner + neg.select(parts.g_lo * 0.5, -(parts.g_lo * 0.5));
    let t = scale(parts.p_hi.mul_add(inner, parts.p_lo * inner), &parts.red);
    let tail = neg.select(t, one + t);
    // Middle: (1 + erf(u))/2 + x·e^{-x²/2}/√(2π).
    let e = exp(-(x * x) * 0.5);
    let mid = erf_poly(u).mul_add(x.k(0.5), x.k(0.5)) + xk * e;
    let res = x.abs().le(x.k(SPLIT)).select(mid, tail);
    let res = x.gt(x.k(15.0)).select(one, res);
    x.lt(x.k(-14.7)).select(x.k(-0.0), res)
}
