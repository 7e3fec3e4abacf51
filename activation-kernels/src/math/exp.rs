//! `exp(x)`, and the range reduction shared by `expm1`, `tanh`, `sigmoid`, `erfc` and friends.
//!
//! **Method.** `x = n·ln2 + r` with `n = round(x·log2 e)` (magic-number rounding) and
//! `|r| ≤ ln2/2`. The reduction is Cody–Waite with a single fused step: `r1 = fma(-n, LN2_HI, x)`
//! is *exact* (`|r1| < 1/2` and it is a multiple of `2^-24`·gcd, so it fits in 24 bits), and the
//! tiny remainder `corr = fma(-n, LN2_LO, x_lo)` is carried separately (it also absorbs the low
//! word of a double-f32 argument, which `erfc` uses for `-x²`). Then
//! `exp(r) = 1 + (r1 + (corr + r²·q(r)))` with `q` a degree-4 minimax polynomial
//! ([`coeffs::EXP`], Sollya fpminimax, relative error 2^-28.2), and the result is scaled by
//! `2^n` in **two exact steps** (`2^(n∓64)` then `2^±64`), so results in the subnormal range are
//! rounded once, correctly, and `n = 128` (x ∈ [88.38, 88.72]) does not overflow early.
//!
//! **Domain.** All f32. `x < -104` gives `+0`, `x > 89` gives `+inf` (the true overflow threshold
//! is 88.7228; between it and 89 the final multiply overflows to `inf` by itself), NaN gives NaN.
//!
//! **Measured** (all 2^32 inputs, every ISA, see `accuracy.rs`): max error ≤ 1 ULP.

use super::coeffs;
use super::vec::{V, horner};
use pulp::Simd;

/// `log2(e)` rounded to f32.
pub(crate) const LOG2E: f32 = core::f32::consts::LOG2_E;
/// `ln 2` rounded to f32 (0x3F317218).
pub(crate) const LN2_HI: f32 = f32::from_bits(0x3F317218);
/// `ln 2 - LN2_HI` rounded to f32.
pub(crate) const LN2_LO: f32 = f32::from_bits(0xB102_E308); // -1.9046543e-9
/// `1.5·2^23`: adding it rounds to an integer (ties to even) for |v| < 2^22.
pub(crate) const MAGIC: f32 = 12_582_912.0;

/// The reduced argument of `exp(xh + xl)`.
#[derive(Copy, Clone)]
pub(crate) struct Reduced<S: Simd> {
    /// `n + MAGIC`: its bits hold `n` in the low mantissa bits.
    pub z: V<S>,
    /// `n` as a float (an integer in [-151, 129] for clamped inputs).
    pub n: V<S>,
    /// `x - n·LN2_HI`, exact.
    pub r1: V<S>,
    /// `x_lo - n·LN2_LO`: the small remainder.
    pub corr: V<S>,
    /// `r1 + corr`, rounded: the argument of the polynomial's higher-order terms.
    pub r: V<S>,
}

/// Reduces `xh + xl` (|xh| ≤ 110, |xl| tiny). NaN lanes stay NaN.
#[inline(always)]
pub(crate) fn reduce<S: Simd>(xh: V<S>, xl: V<S>) -> Reduced<S> {
    let z = xh.mul_add(xh.k(LOG2E), xh.k(MAGIC));
    let n = z - MAGIC;
    let r1 = n.neg_mul_add(xh.k(LN2_HI), xh);
    let corr = n.neg_mul_add(xh.k(LN2_LO), xl);
    Reduced {
        z,
        n,
        r1,
        corr,
        r: r1 + corr,
    }
}

/// `exp(r) - 1 - r1` where `r = r1 + corr`: everything but the exact leading terms.
#[inline(always)]
pub(crate) fn exp_small<S: Simd>(red: &Reduced<S>) -> V<S> {
    let r = red.r;
    let q = horner(r, &coeffs::EXP);
    r.mul_add(r * q, red.corr)
}

/// `exp(r)` in [0.7, 1.42]: `1 + r1` is split exactly (Fast2Sum, |r1| < 1) so only the final
/// addition rounds the leading terms.
#[inline(always)]
pub(crate) fn exp_poly<S: Simd>(red: &Reduced<S>) -> V<S> {
    let (hi, lo) = exp_poly2(red);
    hi + lo
}

/// `exp(r)` as an unevaluated sum `hi + lo` (|lo| ≤ 2^-24·hi roughly), for callers that
/// multiply it by something before rounding.
#[inline(always)]
pub(crate) fn exp_poly2<S: Simd>(red: &Reduced<S>) -> (V<S>, V<S>) {
    let one = red.r1.k(1.0);
    let s = one + red.r1;
    let err = (one - s) + red.r1;
    (s, err + exp_small(red))
}

/// `p·2^n` for `n` in [-190, 128], rounded once (correct in the subnormal range).
#[inline(always)]
pub(crate) fn scale<S: Simd>(p: V<S>, red: &Reduced<S>) -> V<S> {
    let s = p.s;
    let neg = red.n.lt(p.k(0.0));
    // 2^(n - h) with h = -64 for negative n and +64 otherwise: always a normal number.
    let adj = super::vec::U::splat(s, 64u32);
    let adj = neg.select_u(adj, super::vec::U::splat(s, 64u32.wrapping_neg()));
    let s1 = red.z.bits().addv(adj).shl_k(23).add_k(0x3F80_0000).f32();
    let s2 = neg.select(
        p.k(f32::from_bits(0x1F80_0000)),
        p.k(f32::from_bits(0x5F80_0000)),
    );
    // The first multiply must be exact, so it moves `p` towards 1: for |p| < 1 (callers such as
    // swish scale m·p with a subnormal m) grow first, for |p| ≥ 1 (mul_exp with a multiplier
    // above 2^64, e.g. elu' with a huge alpha) shrink first; either way the intermediate is a
    // normal number in [2^-64, 2^64·max(1, |p|)] ∖ overflow unless p·2^n itself overflows, and
    // the second multiply rounds once. For exp (p in [0.7, 1.42]) both orders are exact
    // wherever p·2^n is normal, and both round the same value once below it: same bits.
    let big = p.abs().ge(p.k(1.0));
    let s1_first = (neg & !big) | (!neg & big);
    let first = s1_first.select(s1, s2);
    let second = s1_first.select(s2, s1);
    (p * first) * second
}

/// `p·2^n` for `n` in [-126, 127] only (one multiply).
#[inline(always)]
pub(crate) fn scale_normal<S: Simd>(p: V<S>, red: &Reduced<S>) -> V<S> {
    p * red.z.bits().shl_k(23).add_k(0x3F80_0000).f32()
}

/// `b·x` as a double word `t + tl` (exact, one FMA), with `tl = 0` where `t` is not finite
/// (the FMA would give NaN or ±inf there): the argument of the `_beta` kernels' exponentials.
#[inline(always)]
pub(crate) fn product_dw<S: Simd>(b: V<S>, x: V<S>) -> (V<S>, V<S>) {
    let t = b * x;
    let finite = t.abs().lt(t.k(f32::INFINITY));
    (t, finite.select(b.mul_add(x, -t), t.k(0.0)))
}

/// `e^x`. See the module docs for method and accuracy.
#[inline(always)]
pub fn exp<S: Simd>(x: V<S>) -> V<S> {
    // Fast path: every lane in [-87, 87] (NaN fails the test), so 2^n is a normal number and
    // one multiply scales. It rounds p·2^n exactly once, like the two-step scaling, so both
    // paths give the same bits.
    if x.abs().le(x.k(87.0)).all() {
        let red = reduce(x, x.k(0.0));
        return scale_normal(exp_poly(&red), &red);
    }
    let xc = x.clamp_below(-104.0).clamp_above(89.0);
    let red = reduce(xc, x.k(0.0));
    scale(exp_poly(&red), &red)
}

/// `m·e^x` with a single rounding at the end: the product is formed on the unscaled
/// `exp(r)` before the exact `2^n` scaling, so a result near or below the normal range is not
/// built from an already-rounded subnormal `e^x` (which a plain `m * exp(x)` would be).
/// `x < -130` gives `±0` (for `|m| < 1e11`); NaN in either argument gives NaN.
#[inline(always)]
pub fn mul_exp<S: Simd>(m: V<S>, x: V<S>) -> V<S> {
    // Fast path: every |x| ≤ 87 and |m| ≤ 2^64 (NaN fails): no clamps, no rescaled
    // multiplier, and 2^n is normal, so one multiply scales (rounding the product once, as
    // the two-step scaling does): the same bits.
    if x.abs().le(x.k(87.0)).all() && m.abs().le(m.k(TWO_64)).all() {
        let red = reduce(x, x.k(0.0));
        let (p_hi, p_lo) = exp_poly2(&red);
        return scale_normal(m.mul_add(p_hi, m * p_lo), &red);
    }
    let xc = x.clamp_below(-130.0).clamp_above(89.0);
    let red = reduce(xc, x.k(0.0));
    let (p_hi, p_lo) = exp_poly2(&red);
    // A multiplier above 2^64 (elu' with a huge alpha) is taken as (m·2^-64)·2^64 so that
    // m·exp(r) cannot overflow before the scaling; both scalings are exact, so the rounding
    // is the same as without them.
    let big = m.abs().gt(m.k(TWO_64));
    let ms = big.select(m * (1.0 / TWO_64), m);
    let shift = big.select(m.k(64.0), m.k(0.0));
    let red = Reduced {
        z: red.z + shift,
        n: red.n + shift,
        ..red
    };
    scale(ms.mul_add(p_hi, ms * p_lo), &red)
}

/// `2^64`.
const TWO_64: f32 = 18_446_744_073_709_551_616.0;

/// `2^64·e^(hi + lo)` for a double-f32 argument with `hi ≤ 0` and `|lo| ≤ ulp(hi)`: the low
/// word goes into the reduction's remainder (like `erfc`'s `-x²`), and the result is scaled
/// by `2^64` in the same exact step as `2^n`, so it is a *normal* number within 1 ULP of the
/// exact value even where `e^(hi+lo)` itself would be subnormal. `hi < -104` (including
/// `-inf`, where `lo` may be NaN) gives `+0`. Used by the softmax family on `x - max`, whose
/// sums and quotients are then formed without subnormal rounding.
#[inline(always)]
pub(crate) fn exp_dw_2p64<S: Simd>(hi: V<S>, lo: V<S>) -> V<S> {
    let under = hi.lt(hi.k(-104.0));
    let hc = hi.clamp_below(-104.0);
    let lc = under.select(hi.k(0.0), lo);
    under.select(hi.k(0.0), exp_dw_2p64_in_range(hc, lc))
}

/// [`exp_dw_2p64`] for `-104 ≤ hi ≤ 0` (no clamp, no select): the same bits there.
#[inline(always)]
pub(crate) fn exp_dw_2p64_in_range<S: Simd>(hi: V<S>, lo: V<S>) -> V<S> {
    let red = reduce(hi, lo);
    // n + 64 in [-87, 64]: 2^(n+64) is a normal number, one exact multiply.
    let shifted = Reduced {
        z: red.z + 64.0,
        ..red
    };
    scale_normal(exp_poly(&red), &shifted)
}
