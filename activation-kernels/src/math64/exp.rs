//! `exp(x)`, `expm1(x)`, `m·e^x` and `e^(hi + lo)` on f64 lanes, and the range reduction they
//! share.
//!
//! **Method.** `x = n·ln2 + r` with `n = round(x·log2 e)` (magic-number rounding, one fused
//! multiply-add) and `|r| ≤ ln2/2`. Cody–Waite reduction: [`LN2_HI`] has 39 significant bits,
//! so `n·LN2_HI` is exact for `|n| < 2^14` and `r1 = fma(-n, LN2_HI, x)` is exact (a multiple of
//! `min(ulp(x), 2^-39)` below `1/2` in magnitude); the remainder `c = fma(-n, LN2_LO, x_lo)`
//! (it also absorbs the low word of a double-double argument) is added by Fast2Sum, giving the
//! reduced argument as a double-double `r + rl`. Then
//! `e^(r + rl) = 1 + r + hh + tail`, where `hh + hl = r·r/2` exactly (`two_prod`) and
//! `tail = hl + rl·(1 + r) + r³·Q(r)` (`|tail| < 0.008`), with `Q` of degree 9 ([`EXP_Q`]);
//! `1 + r` and `+ hh` are both summed exactly (Fast2Sum), so only the final addition rounds the
//! leading terms and everything else is below `2^-59` relative.
//!
//! The result is `p·2^n`: one multiply by `2^n` when every lane has `|x| ≤ 708` (results
//! normal), otherwise in **two steps** `(p·2^n1)·2^n2` with `n1 = round(n/2)`, `n2 = n - n1`:
//! the first product is exact (a normal number) and the second rounds once, so `n = 1024` does
//! not overflow early. Lanes whose result is subnormal (or `2^-1022`, or 0) are recomputed from
//! the unrounded `hi + lo` at `2^1000` times their size and rounded to the subnormal grid once
//! by adding `2^-22` (whose ULP that grid then is): no double rounding. All paths give the same
//! bits where they overlap.
//!
//! `expm1` uses the same reduction: `e^x - 1 = (t - 1) + t·r + t·hh + t·tail` with `t = 2^n`;
//! the three leading terms are exact and summed by two Fast2Sums (`|t - 1| ≥ |t·r|` and
//! `|t - 1 + t·r| ≥ |t·hh|` for every `n`). `t - 1` is exact for `-53 ≤ n ≤ 52`; below, its
//! rounding error (`t`) is added back; above, the `-1` is folded into the tail as `-2^-n` and
//! `t` replaces `t - 1`. For `n ≥ 1023`, `t = 2^(n-1)` and the result is doubled at the end.
//! For `|x| < ln2/2` (`n = 0`) this is `x + x²/2 + tail` directly, without cancellation.
//!
//! `mul_exp(m, x)` forms `m·e^r` on the unscaled `e^r = hi + lo` (as a double-double:
//! `two_prod(m, hi)` plus `m·lo`) and scales that like `exp`; `m` is first moved into
//! `[2^-512, 2^512]` by an exact power-of-two factor folded into `n`, so neither a subnormal nor
//! a huge multiplier loses bits or overflows before the result does.
//!
//! **Coefficients.** `EXP_Q[i]` approximates the Taylor coefficients `1/(i+3)!` of
//! `(e^r - 1 - r - r²/2)/r³`: a Chebyshev fit with mpmath 1.3 (`chebyfit`, 200-bit precision,
//! degree 9 on `|r| ≤ 1.0001·ln2/2`), each coefficient rounded to nearest; the rounded
//! polynomial's `r³·Q(r)` is within `2^-59.8` of `e^r - 1 - r - r²/2`, relative to `e^r`.
//! Script: `tools/fit_exp_ln64.py`.
//!
//! **Domain.** `exp`: all f64; `x > 709.79` gives `+inf` (by the final multiply), `x < -745.14`
//! gives `+0`, NaN gives NaN. `expm1`: `x < -40` gives `-1`, `±0` gives `±0`, overflow as
//! `exp`. `mul_exp`: see its docs.
//!
//! **Measured** against MPFR (tests/math64.rs; the unit test below for `exp_dd`), every ISA
//! bit-identical to the scalar one: `exp` 0.524 ULP (1.07 million inputs), `expm1` 0.556 ULP
//! (1.17 million), `mul_exp` 0.529 ULP (1.04 million), `exp_dd` 0.524 ULP (400 000).

use crate::math::{V64, horner64};
use pulp::Simd;

/// `log2(e)` rounded to f64.
pub(crate) const LOG2E: f64 = core::f64::consts::LOG2_E;
/// `ln 2` rounded to 41 significant bits, which leaves 39 (0x3FE62E42FEFA4000: the low 14
/// mantissa bits are zero), so `n·LN2_HI` is exact for `|n| < 2^14`.
pub(crate) const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEFA_4000);
/// `ln 2 - LN2_HI` rounded to f64 (`|ln2 - LN2_HI - LN2_LO| < 2^-102`).
pub(crate) const LN2_LO: f64 = f64::from_bits(0xBD48_432A_1B0E_2634); // -1.7239444525614835e-13
/// `1.5·2^52`: adding it rounds to an integer (ties to even) for `|v| < 2^51`, which then sits
/// in the low bits of the sum.
pub(crate) const MAGIC: f64 = 6_755_399_441_055_744.0;
/// Bits of [`MAGIC`].
const MAGIC_BITS: u64 = 0x4338_0000_0000_0000;

/// `Q(r) ≈ (e^r - 1 - r - r²/2)/r³` on `|r| ≤ ln2/2` (see the module docs for the fit).
const EXP_Q: [f64; 10] = [
    0.16666666666666669,
    0.041666666666666664,
    0.008333333333330062,
    0.0013888888888886552,
    0.00019841269863053618,
    2.4801587317144498e-05,
    2.7557268459997064e-06,
    2.755728296954995e-07,
    2.510038549551032e-08,
    2.0911236630261545e-09,
];

/// The reduced argument of `e^(xh + xl)`: `xh + xl = n·ln2 + r + rl` (to ~2^-100).
#[derive(Copy, Clone)]
pub(crate) struct Reduced<S: Simd> {
    /// `n + MAGIC`: its bits hold `n` in the low mantissa bits.
    pub z: V64<S>,
    /// `n` as a float.
    pub n: V64<S>,
    /// The reduced argument, `|r| ≤ ln2/2 + 2^-30`.
    pub r: V64<S>,
    /// Its low word, `|rl| ≤ ulp(r)/2`.
    pub rl: V64<S>,
}

/// Reduces `xh + xl` (`|xh| ≤ 1500`, `|xl| ≤ ulp(xh)`). NaN lanes stay NaN.
#[inline(always)]
pub(crate) fn reduce<S: Simd>(xh: V64<S>, xl: V64<S>) -> Reduced<S> {
    let z = xh.mul_add(xh.k(LOG2E), xh.k(MAGIC));
    let n = z - MAGIC;
    // r1 exact; c = xl - n·LN2_LO with one rounding (|c| < 2^-30).
    let r1 = n.neg_mul_add(xh.k(LN2_HI), xh);
    let c = n.neg_mul_add(xh.k(LN2_LO), xl);
    // Fast2Sum: exact when |r1| ≥ |c|; otherwise both are below 2^-30 and rl's error is
    // below 2^-82.
    let r = r1 + c;
    let rl = (r1 - r) + c;
    Reduced { z, n, r, rl }
}

/// `e^(r + rl) - 1 = r + hh + tail` with `hh = fl(r²)/2` (so `r·r/2 = hh + hl` exactly, and
/// `hl` is in `tail`), `|tail| < 0.008`; `extra` (tiny) joins the tail.
#[inline(always)]
fn expm1_parts<S: Simd>(red: &Reduced<S>, extra: V64<S>) -> (V64<S>, V64<S>) {
    let r = red.r;
    let (hh, hl) = r.two_prod(r * 0.5);
    let q = horner64(r, &EXP_Q);
    // e^(r+rl) = e^r·(1 + rl + …): rl·e^r - rl = rl·r to 2^-59·|rl|.
    let low = red.rl.mul_add(r, red.rl) + (hl + extra);
    let tail = (hh + hh).mul_add(r * q, low);
    (hh, tail)
}

/// `e^(r + rl)` as an unevaluated sum `hi + lo` (`hi ∈ [0.7, 1.42]`, `|lo| < 0.009`,
/// `|hi + lo - e^(r+rl)| < 2^-59·hi`).
#[inline(always)]
fn exp_poly2<S: Simd>(red: &Reduced<S>) -> (V64<S>, V64<S>) {
    let (hh, tail) = expm1_parts(red, red.r.k(0.0));
    let one = red.r.k(1.0);
    // 1 + r + hh with both additions exact (Fast2Sum: 1 ≥ |r|, 0.65 ≤ s1, hh ≤ 0.061).
    let s1 = one + red.r;
    let e1 = (one - s1) + red.r;
    let s2 = s1 + hh;
    let e2 = (s1 - s2) + hh;
    (s2, (e1 + e2) + tail)
}

/// `2^n` from `z = n + MAGIC`, for an integer `n` in `[-1022, 1023]`.
#[inline(always)]
fn pow2<S: Simd>(z: V64<S>) -> V64<S> {
    z.bits().add_k(1023).shl_52().f64()
}

/// `p·2^n` for an integer `n` with `|n| ≤ 2044` and `p·2^⌊n/2⌉` a normal number whenever the
/// result is (see `mul_exp`): `(p·2^n1)·2^n2` with `n1 = round(n/2)`; the first product is
/// exact, the second rounds once.
#[inline(always)]
fn scale2<S: Simd>(p: V64<S>, n: V64<S>) -> V64<S> {
    let z1 = n.mul_add(n.k(0.5), n.k(MAGIC));
    let n1 = z1 - MAGIC;
    let z2 = (n - n1) + MAGIC;
    (p * pow2(z1)) * pow2(z2)
}

/// `2^-22` and `2^-1000`: the subnormal grid `2^-1074` scaled by `2^1000` is the ULP of `2^-22`.
const SUB_C: f64 = f64::from_bits(0x3E90_0000_0000_0000);
const TWO_M1000: f64 = f64::from_bits(0x0170_0000_0000_0000);

/// `(hi + lo)·2^n` for `|lo| ≤ 0.01·|hi|` and `n` as for [`scale2`], rounded once even where
/// the result is subnormal: those lanes are recomputed at `2^1000` times their size, where the
/// subnormal grid is the ULP of `2^-22`, so adding `2^-22` (`hi` first, by Fast2Sum, then the
/// low part) rounds to that grid once (the low part's own rounding is below 1/200 of a grid
/// step); subtracting `2^-22` and scaling back are exact.
#[inline(always)]
fn scale_dd<S: Simd>(hi: V64<S>, lo: V64<S>, n: V64<S>) -> V64<S> {
    let y = scale2(hi + lo, n);
    // Zero results and 2^-1022 too (the double rounding above may have carried a subnormal
    // result to either).
    let sub = y.abs().le(y.k(f64::MIN_POSITIVE));
    if !sub.any() {
        return y;
    }
    let sgn = hi.sign();
    // n + 1000 is in [-700, 600] on the subnormal lanes (garbage on the others, not selected).
    let sc = pow2(n + (1000.0 + MAGIC));
    let a = hi.xor_sign(sgn) * sc;
    let b = lo.xor_sign(sgn) * sc;
    let c = y.k(SUB_C);
    let s = c + a;
    let e = (c - s) + a;
    let f = s + (e + b);
    let res = ((f - c) * TWO_M1000).xor_sign(sgn);
    sub.select(res, y)
}

/// `e^(xh + xl)` for `|xl| ≤ ulp(xh)` (or `xl = 0`).
#[inline(always)]
fn exp_core<S: Simd>(xh: V64<S>, xl: V64<S>) -> V64<S> {
    // Fast path: every lane in [-708, 708] (NaN fails the test), so 2^n is a normal number,
    // so is the result, and one multiply scales exactly: the same bits as scale_dd.
    if xh.abs().le(xh.k(708.0)).all() {
        let red = reduce(xh, xl);
        let (hi, lo) = exp_poly2(&red);
        return (hi + lo) * pow2(red.z);
    }
    // Beyond [-746, 710] the result is +0 or +inf whatever the low word (which may be NaN when
    // xh is infinite, e.g. from two_prod): clamp the high word, drop the low one.
    let inside = xh.ge(xh.k(-746.0)) & xh.le(xh.k(710.0));
    let xl = inside.select(xl, xh.k(0.0));
    let xh = xh.clamp_below(-746.0).clamp_above(710.0);
    let red = reduce(xh, xl);
    let (hi, lo) = exp_poly2(&red);
    scale_dd(hi, lo, red.n)
}

/// `e^x`. See the module docs for the method.
///
/// **Measured** against MPFR (tests/math64.rs, 1.07 million inputs over the whole range, every
/// ISA bit-identical): max error 0.524 ULP.
#[inline(always)]
pub fn exp<S: Simd>(x: V64<S>) -> V64<S> {
    exp_core(x, x.k(0.0))
}

/// `e^(hi + lo)` for a double-double argument with `|lo| ≤ ulp(hi)/2` (e.g. `-x²` split
/// exactly by `two_prod`): the low word joins the reduction's remainder, so it costs no
/// accuracy. `hi` outside `[-746, 710]` (including `±inf`, where `lo` may be NaN) gives `+0` or
/// `+inf`; NaN `hi` gives NaN. Measured (unit test below, 400 000 inputs): max error 0.524 ULP.
#[inline(always)]
pub(crate) fn exp_dd<S: Simd>(hi: V64<S>, lo: V64<S>) -> V64<S> {
    exp_core(hi, lo)
}

/// `e^(xh + xl)` as a double word `hi + lo` (`|lo| ≤ ulp(hi)`, together within `2^-59` of the
/// exact value, relative), for `|xh| ≤ 700` (no clamping: callers select away other lanes).
/// The polynomial's sum is split exactly before the exact `2^n` scaling. Used by
/// `softplus_beta` to hand `ln1p` more than f64 precision.
#[inline(always)]
pub(crate) fn exp_dw<S: Simd>(xh: V64<S>, xl: V64<S>) -> (V64<S>, V64<S>) {
    let red = reduce(xh, xl);
    let (hi, lo) = exp_poly2(&red);
    let p = hi + lo;
    let pl = (hi - p) + lo;
    let s = pow2(red.z);
    (p * s, pl * s)
}

/// `e^x - 1`, accurate near 0. See the module docs for the method.
///
/// `x < -40` gives `-1`, `x > 709.79` gives `+inf`, `±0` gives `±0`, NaN gives NaN.
///
/// **Measured** against MPFR (tests/math64.rs, 1.17 million inputs): max error 0.556 ULP.
#[inline(always)]
pub fn expm1<S: Simd>(x: V64<S>) -> V64<S> {
    let s = x.s;
    let xc = x.clamp_below(-40.0).clamp_above(710.0);
    let red = reduce(xc, x.k(0.0));
    let n = red.n;
    let big = n.gt(x.k(52.0));
    // 2^-n (bits (1023 - n) << 52) for n in [53, 1022]; below 2^-1022 it no longer matters.
    let inv = crate::math::U64::splat(s, MAGIC_BITS + 1023)
        .subv(red.z.bits())
        .shl_52()
        .f64();
    let fold = (big & n.le(x.k(1022.0))).select(inv, x.k(0.0));
    let (hh, tail) = expm1_parts(&red, -fold);
    // t = 2^(n - δ), δ = 1 for n ≥ 1023 so that n = 1024 stays finite until the final doubling.
    let huge = n.gt(x.k(1022.0));
    let zt = huge.select(red.z - 1.0, red.z);
    let t = pow2(zt);
    // e^x - 1 = a + b + c + t·tail (+ e_a): a = t - 1 (or t when the -1 was folded), b = t·r
    // and c = t·hh exact, e_a the rounding error of t - 1 (nonzero only for n < -53, where it
    // is t). Both sums are Fast2Sum: |a| ≥ |b| and |a + b| ≥ |c| for every n.
    let a = big.select(t, t - 1.0);
    let e_a = n.lt(x.k(-53.0)).select(t, x.k(0.0));
    let b = t * red.r;
    let c = t * hh;
    let s1 = a + b;
    let e1 = (a - s1) + b;
    let s2 = s1 + c;
    let e2 = (s1 - s2) + c;
    let res = s2 + t.mul_add(tail, (e1 + e2) + e_a);
    let res = huge.select(res * 2.0, res);
    // ±0 (and the sign of zero) pass through exactly.
    x.eq(x.k(0.0)).select(x, res)
}

/// `2^512`.
const TWO_512: f64 = f64::from_bits(0x5FF0_0000_0000_0000);
/// `2^-512`.
const TWO_M512: f64 = f64::from_bits(0x1FF0_0000_0000_0000);

/// `m·e^x` with a single rounding at the end (apart from the double rounding of a subnormal
/// result): the product is formed on the unscaled `e^r` before the exact `2^n` scaling, so it
/// is neither built from an already-rounded subnormal `e^x` nor overflows where `m·e^x` is
/// representable (e.g. `m = 2^-1000`, `x = 1000`, or `m = f64::MAX`, `x = -700`).
///
/// `x` is clamped to `[-1500, 1500]` (beyond, every product with a finite nonzero `m` is `±0`
/// or `±inf`); so `m·e^(+inf)` is `±inf` and `m·e^(-inf)` is `±0` for finite nonzero `m`,
/// `0·e^(±inf)` is `±0`, `±inf·e^x` is `±inf`; the sign of `m` (and of a zero `m`) is kept.
/// NaN in either argument gives NaN.
///
/// **Measured** against MPFR (tests/math64.rs, 1.04 million inputs, including multipliers over
/// the whole range and results from below the subnormals to overflow): max error 0.529 ULP.
#[inline(always)]
pub fn mul_exp<S: Simd>(m: V64<S>, x: V64<S>) -> V64<S> {
    let xc = x.clamp_below(-1500.0).clamp_above(1500.0);
    let red = reduce(xc, x.k(0.0));
    let (hi, lo) = exp_poly2(&red);
    // Move |m| into [2^-512, 2^512] exactly; the factor goes into the exponent.
    let am = m.abs();
    let big = am.gt(m.k(TWO_512));
    let tiny = am.lt(m.k(TWO_M512));
    let ms = big.select(m * TWO_M512, tiny.select(m * TWO_512, m));
    let shift = big.select(m.k(512.0), tiny.select(m.k(-512.0), m.k(0.0)));
    // m·(hi + lo) = q_hi + q_lo to ~2^-104 (m·hi exactly by two_prod).
    let (q_hi, q_hl) = ms.two_prod(hi);
    let q_lo = ms.mul_add(lo, q_hl);
    // |q| in [2^-563, 2^513] (or 0/inf/NaN): beyond |n| = 1700 the result is ±0 or ±inf
    // whatever q is, so clamping n keeps the result and bounds the scaling steps.
    let n = (red.n + shift).clamp_below(-1700.0).clamp_above(1700.0);
    let res = scale_dd(q_hi, q_lo, n);
    // An infinite m stays infinite (its two_prod residual is NaN), unless x is NaN.
    (am.eq(m.k(f64::INFINITY)) & !x.is_nan()).select(m, res)
}

/// `(m_hi + m_lo)·e^(xh + xl)` rounded once (apart from the double rounding of a subnormal
/// result): a double-word multiplier times `e^` of a double-word argument, the product formed
/// on the unscaled `e^r` before the exact `2^n` scaling, as in [`mul_exp`]. For `m_hi = 0` or
/// `2^-500 ≤ |m_hi| ≤ 2^500`, `|m_lo| ≤ ulp(m_hi)` and `|xl| ≤ ulp(xh)`: `xh` is clamped to `[-1200, 1200]` (the low word
/// dropped outside), beyond which every such product is `±0` or `±inf`, NaN gives NaN. Used by erfc and the GELUs for
/// `erfcx·e^{-x²}`, where it saves the rounding of `e^{-x²}` on its own.
#[inline(always)]
pub(crate) fn mul_exp_dd<S: Simd>(m_hi: V64<S>, m_lo: V64<S>, xh: V64<S>, xl: V64<S>) -> V64<S> {
    let inside = xh.ge(xh.k(-1200.0)) & xh.le(xh.k(1200.0));
    let xl = inside.select(xl, xh.k(0.0));
    let xh = xh.clamp_below(-1200.0).clamp_above(1200.0);
    let red = reduce(xh, xl);
    let (hi, lo) = exp_poly2(&red);
    let (q_hi, q_hl) = m_hi.two_prod(hi);
    let q_lo = m_hi.mul_add(lo, m_lo.mul_add(hi, q_hl));
    scale_dd(q_hi, q_lo, red.n)
}

#[cfg(all(test, target_arch = "x86_64", feature = "mpfr"))]
#[path = "../../tests/common/mpfr.rs"]
mod mpfr;

/// `exp_dd` is crate-private, so it is checked here (the public functions in tests/math64.rs).
#[cfg(all(test, target_arch = "x86_64", feature = "mpfr"))]
mod tests {
    use super::{V64, exp_dd, mpfr};
    use crate::Isa;
    use pulp::{Simd, WithSimd};

    struct Dd<'a> {
        hi: &'a [f64],
        lo: &'a [f64],
        out: &'a mut [f64],
    }
    impl WithSimd for Dd<'_> {
        type Output = ();
        #[inline(always)]
        fn with_simd<S: Simd>(self, s: S) {
            let (hh, ht) = S::as_simd_f64s(self.hi);
            let (lh, lt) = S::as_simd_f64s(self.lo);
            let (oh, ot) = S::as_mut_simd_f64s(self.out);
            for ((o, &h), &l) in oh.iter_mut().zip(hh).zip(lh) {
                *o = exp_dd(V64::new(s, h), V64::new(s, l)).v;
            }
            let (h, l) = (s.partial_load_f64s(ht), s.partial_load_f64s(lt));
            s.partial_store_f64s(ot, exp_dd(V64::new(s, h), V64::new(s, l)).v);
        }
    }

    fn run(isa: Isa, hi: &[f64], lo: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; hi.len()];
        isa.dispatch(Dd {
            hi,
            lo,
            out: &mut out,
        });
        out
    }

    /// `e^(hi + lo)` against MPFR for `-x²` split by `two_prod` (erfc's use, results down to
    /// the subnormals and 0) and for random `hi` over the whole range with `|lo| ≤ ulp(hi)/2`;
    /// every ISA gives the scalar bits; special values.
    #[test]
    fn exp_dd_is_within_its_bound_on_every_isa() {
        let mut state = 0x0DD_5EEDu64;
        let mut next = move || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let unit = |u: u64| (u >> 11) as f64 / (1u64 << 53) as f64; // [0, 1)
        let (mut hi, mut lo) = (Vec::new(), Vec::new());
        for _ in 0..200_000 {
            let x = 27.5 * unit(next());
            let (h, l) = (x * x, x.mul_add(x, -(x * x)));
            hi.push(-h);
            lo.push(-l);
        }
        for _ in 0..200_000 {
            let h = -746.0 + 1456.0 * unit(next());
            let half_ulp = (h.abs().next_up() - h.abs()) / 2.0;
            hi.push(h);
            lo.push(half_ulp * (2.0 * unit(next()) - 1.0));
        }
        let specials = [
            (f64::NEG_INFINITY, f64::NAN, 0.0),
            (f64::INFINITY, f64::NAN, f64::INFINITY),
            (-800.0, 1e-14, 0.0),
            (720.0, -1e-14, f64::INFINITY),
            (0.0, 0.0, 1.0),
            (f64::NAN, 0.0, f64::NAN),
        ];
        for (h, l, _) in specials {
            hi.push(h);
            lo.push(l);
        }
        let want = run(Isa::Scalar, &hi, &lo);
        for isa in Isa::available() {
            let got = run(isa, &hi, &lo);
            for i in 0..hi.len() {
                assert!(
                    got[i].to_bits() == want[i].to_bits() || (got[i].is_nan() && want[i].is_nan()),
                    "exp_dd({:e}, {:e}) on {isa:?}",
                    hi[i],
                    lo[i]
                );
            }
        }
        let n = hi.len() - specials.len();
        let mut worst = 0.0f64;
        for i in 0..n {
            let exact = rug::Float::with_val(mpfr::PREC, hi[i]) + lo[i];
            worst = worst.max(mpfr::ulp_error(want[i], &exact.exp()));
        }
        for (k, (h, l, w)) in specials.into_iter().enumerate() {
            let got = want[n + k];
            assert!(
                got == w || (got.is_nan() && w.is_nan()),
                "exp_dd({h}, {l}) = {got}"
            );
        }
        eprintln!("exp_dd: max error {worst:.4} ULP over {n} inputs");
        assert!(worst <= 0.53, "exp_dd: {worst} ULP");
    }
}
