//! `softplus(x) = ln(1 + e^x)`, without overflow.
//!
//! **Method.** `ln1p(e^x)` for `x ≤ 16`, and `x + ln1p(e^-x)` above. The first form composes
//! two increasing functions, so it is monotone as long as the kernels of `exp` and `ln1p` are;
//! above 16, `ln1p(e^-x) < ulp(x)/2`, so `x + ln1p(e^-x)` rounds to `x` or still increases with
//! `x`. `sweep --monotone softplus` checks the whole function over every f32 on every ISA: no
//! decreasing neighbour pair. The former `x + ln1p(e^-x)` for every `x > 0` was not monotone at
//! the ULP level (2362857 decreasing neighbour pairs over all f32 on every ISA: adding an
//! increasing `x` and a decreasing term rounds the sum up and down). Nothing overflows: `e^x ≤
//! e^16` in the first form. The left tail is `ln1p` of a tiny number (≈ e^x, correct into the
//! subnormal range).
//!
//! **Domain.** All f32. `softplus(-inf) = 0`, `softplus(inf) = inf`, NaN gives NaN; the result
//! is ≥ max(x, 0) up to rounding.
//!
//! **Measured** (all 2^32 inputs, every ISA, see `accuracy.rs`): max error ≤ 2 ULP.
//!
//! [`softplus_beta`]`(x, b) = softplus(b·x)/b` (PyTorch's `Softplus(beta)`) does not round
//! `b·x` first: rounding it costs up to `|b·x|/2` ULP in the left tail, where the result is
//! `≈ e^(b·x)/b` (64.7 ULP at `b = 2.5`, `x = -29.3`). `t + tl = b·x` is split exactly (FMA),
//! `e^(t + tl)` comes from the shared exp reduction as a double word, and
//! * `t < -20`: `ln1p(e) = e` to 2^-30 relative, so the result is `e^(t+tl)·(1/b)` formed on the
//!   unscaled polynomial and scaled by `2^n` once (right into the subnormal range);
//! * `-20 ≤ t ≤ 16`: `ln1p` of the double word `e`, divided by `b`;
//! * `t > 16`: `x + ln1p(e^-(t+tl))/b`, whose second term is below half an ULP of `x`.
//!
//! The left tail divides only by the mantissa of `b` and moves its exponent into the exact
//! `2^n` scaling, so it is right for every normal `b` (e.g. `b = 1e-30`, `x = -1.4e32`, where
//! the result `1.9e-33` is normal).
//!
//! At `b = 1` it is [`softplus`] (same bits). Domain: all f32 and every normal `b > 0` (a
//! subnormal `b` only loses the far-left tail). Measured (every 61st f32, every ISA; `b` from
//! `1.2e-38` to `3e38`): forward ≤ 1.73 ULP, derivative ≤ 1.48 ULP; monotone, `≥ max(0, x)` and
//! derivative in `[0, 1]` over all 2^32 inputs for 12 values of `b`. Tests:
//! `tests/catalogue.rs`. Its derivative is [`sigmoid_beta`](super::sigmoid_beta).
//!
//! **Cost** (AVX-512, 4096 elements, same run): at `b = 2.5` the forward runs at 0.84x and the
//! derivative at 0.81x of the former rounded-product formula (`softplus(b·x)/b`,
//! `sigmoid(b·x)`); at `b = 1` both are ~8% faster than before (no select, no division).

use super::exp::{Reduced, exp, exp_poly2, product_dw, reduce, scale, scale_normal};
use super::ln::{ln1p, ln1p_dw};
use super::vec::V;
use pulp::Simd;

/// `ln(1 + e^x)`. See the module docs.
#[inline(always)]
pub fn softplus<S: Simd>(x: V<S>) -> V<S> {
    let big = x.gt(x.k(16.0));
    let l = ln1p(exp(big.select(-x, x)));
    big.select(x + l, l)
}

/// `softplus(b·x)/b` without rounding `b·x`. See the module docs.
#[inline(always)]
pub fn softplus_beta<S: Simd>(x: V<S>, b: V<S>) -> V<S> {
    if b.eq(b.k(1.0)).all() {
        return softplus(x);
    }
    let (t, tl) = product_dw(b, x);
    let big = t.gt(t.k(16.0));
    // b = mb·2^eb with mb in [1, 2) (b normal). The left tail divides by mb only and puts eb
    // into the exponent of the final scaling, so e^t/b is right for every normal b, down to
    // t = eb·ln2 - 106, below which it is under half the smallest subnormal.
    let bb = b.bits();
    let eb = bb.shr_23().and(0xFF).or(0x4B00_0000).f32() - (8_388_608.0 + 127.0);
    let mb = bb.and(0x807F_FFFF).or(0x3F80_0000).f32();
    let lo = eb
        .mul_add(t.k(core::f32::consts::LN_2), t.k(-106.0))
        .clamp_above(-21.0);
    // e^(a + al) with a = t (t ≤ 16) or -t (t > 16). Lanes below `lo` are either +0 (t < lo)
    // or x (t > 30, or b > 2^123 and t in (21, 30], where e^-t/b is far below an ULP of x).
    let a = big.select(-t, t);
    let al = big.select(-tl, tl);
    let far = a.lt(lo);
    let red = reduce(far.select(lo, a), far.select(t.k(0.0), al));
    let (p_hi, p_lo) = exp_poly2(&red);
    let p = p_hi + p_lo;
    // e and the rounding error of p, both scaled exactly: on every lane that uses them (t in
    // [-20, 30]) 2^n is a normal number, so one multiply does (other lanes are selected away).
    let e = scale_normal(p, &red);
    let e_lo = scale_normal((p_hi - p) + p_lo, &red);
    let l = ln1p_dw(e, e_lo);
    let mid = l / b;
    let right = x + mid;
    let left_lanes = t.lt(t.k(-20.0));
    let res = if left_lanes.any() {
        let red_b = Reduced {
            z: red.z - eb,
            n: red.n - eb,
            ..red
        };
        left_lanes.select(scale(p / mb, &red_b), mid)
    } else {
        mid
    };
    let res = (far & !big).select(t.k(0.0), res);
    let res = big.select(right, res);
    // t > 30: x (the second term is far below an ULP; also maps x = +inf, and an overflowing
    // t, to x).
    t.gt(t.k(30.0)).select(x, res)
}
