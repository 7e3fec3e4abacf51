//! `ln(x)` and `ln1p(x) = ln(1 + x)` on f64 lanes.
//!
//! **Method.** Write the argument as `2^k·(1 + f)` with `1 + f ∈ [√2/2, √2)` (integer operations
//! on the bits; subnormals are first scaled by `2^52`), so `f` is exact and
//! `|s| ≤ 0.1716` for `s = f/(2 + f)`. Then (the fdlibm decomposition)
//! `ln(1 + f) = 2·atanh(s) = f - f²/2 + s·(f²/2 + z·P(z))` with `z = s²` and `P` of degree 7
//! ([`LN_P`]). `f²/2 = hh + hl` exactly (`two_prod`), `f - hh` is split exactly (Fast2Sum,
//! `hh ≤ 0.21·|f|`), and `k·ln2` is `k·LN2_HI` (exact: 39 significant bits, `|k| ≤ 1075`) plus
//! `k·LN2_LO`, again joined to the leading sum by Fast2Sum; so only the final addition rounds
//! the leading terms. The division (one, correctly rounded) only feeds the `O(f³)` term, and its
//! error is corrected to first order: `2 + f = d + dl` exactly, `f - s·d` exactly by `fma`, and
//! `1/(2 + f) = (1 - s)/2`.
//!
//! `ln1p` forms `u = 1 + x` with its exact rounding error `c` (TwoSum). When `u ∈ [√2/2, √2)`
//! it uses `f = x` directly (no rounding at all, so tiny `x` give `x`); otherwise
//! `ln(u + c) = ln(u) + c/u`, the correction (at most ~3 ULP of the result) evaluated as
//! `c·2^-k·(1 - f + f² - … - f^7)` (relative error below `0.42^8 < 10^-3`).
//!
//! **Coefficients.** `LN_P[i]` approximates the Taylor coefficients `2/(2i + 3)` of
//! `(2·atanh(s) - 2s)/(s·z)`: a Chebyshev fit with mpmath 1.3 (`chebyfit`, 200-bit precision,
//! degree 7 on `z ∈ [0, 1.0001·(√2-1)²/(√2+1)²]`), each coefficient rounded to nearest; the
//! rounded `s·z·P(z)` is within `2^-60.7` of `2·atanh(s) - 2s`, relative to `2s`. Script:
//! `tools/fit_exp_ln64.py`.
//!
//! **Domain.** `ln`: `±0` gives `-inf`, negative numbers (and `-inf`) give NaN, `+inf` gives
//! `+inf`. `ln1p`: `-1` gives `-inf`, below `-1` NaN, `±0` gives `±0`, `+inf` gives `+inf`. NaN
//! gives NaN.
//!
//! **Measured** against MPFR (tests/math64.rs, every ISA bit-identical to the scalar one):
//! `ln` 0.593 ULP (1.0 million inputs), `ln1p` 0.612 ULP (1.0 million).

use super::exp::{LN2_HI, LN2_LO, MAGIC};
use crate::math::{U64, V64, horner64};
use pulp::Simd;

/// Bits of `√2/2` rounded down: the low end of the mantissa range.
const SQRT_HALF_BITS: u64 = 0x3FE6_A09E_667F_3BCC;
/// `2^52`.
const TWO_52: f64 = 4_503_599_627_370_496.0;

/// `P(z) ≈ (2·atanh(s) - 2s)/(s·z)`, `z = s²` (see the module docs for the fit).
const LN_P: [f64; 8] = [
    0.6666666666666666,
    0.4000000000000088,
    0.2857142857080323,
    0.2222222239180047,
    0.18181795630884753,
    0.15386240205813478,
    0.13268759668560612,
    0.13086767009948175,
];

/// `(k, f)` with `u = 2^k·(1 + f)`, `1 + f ∈ [√2/2, √2)`, for positive finite normal `u`.
#[inline(always)]
fn split<S: Simd>(u: V64<S>) -> (V64<S>, V64<S>) {
    let s = u.s;
    let b = u.bits().add_k(0x3FF0_0000_0000_0000 - SQRT_HALF_BITS);
    // Biased exponent k + 1023 (0..=2047 for positive finite inputs), converted exactly.
    let kb = b.shr_52().and(0x7FF);
    let k = kb.or(0x4330_0000_0000_0000).f64() - (TWO_52 + 1023.0);
    let m = b
        .and(0x000F_FFFF_FFFF_FFFF)
        .addv(U64::splat(s, SQRT_HALF_BITS))
        .f64();
    (k, m - 1.0)
}

/// `k·ln2 + ln(1 + f) + tail` with a single rounding on the leading terms.
#[inline(always)]
fn combine<S: Simd>(k: V64<S>, f: V64<S>, tail: V64<S>) -> V64<S> {
    let (hh, hl) = f.two_prod(f * 0.5);
    // s = f/(2 + f) and its error ds: d + dl = 2 + f exactly, f - s·d exactly by fma, and
    // 1/(2 + f) = (1 - s)/2.
    let d = f + 2.0;
    let dl = (f.k(2.0) - d) + f;
    let sd = f / d;
    let ds = sd.neg_mul_add(dl, sd.neg_mul_add(d, f)) * sd.neg_mul_add(f.k(0.5), f.k(0.5));
    let z = sd * sd;
    let r = z * horner64(z, &LN_P);
    let w = hh + r;
    let t = sd.mul_add(w, ds * w);
    // f - f²/2 = sum + err + (-hl) exactly.
    let sum = f - hh;
    let err = (f - sum) - hh;
    let small = k.mul_add(k.k(LN2_LO), ((err - hl) + t) + tail);
    // k·LN2_HI + sum = hi + e exactly (|k·LN2_HI| ≥ 0.69 > |sum| unless k = 0).
    let kh = k * LN2_HI;
    let hi = kh + sum;
    let e = (kh - hi) + sum;
    hi + (e + small)
}

/// Natural logarithm. See the module docs.
///
/// `±0` gives `-inf`, negative numbers give NaN, `+inf` gives `+inf`, NaN gives NaN.
///
/// **Measured** against MPFR (tests/math64.rs, 1.0 million inputs over every binade including
/// the subnormals): max error 0.593 ULP.
#[inline(always)]
pub fn ln<S: Simd>(x: V64<S>) -> V64<S> {
    let sub = x.lt(x.k(f64::MIN_POSITIVE));
    let xs = sub.select(x * TWO_52, x);
    let (k, f) = split(xs);
    let k = sub.select(k - 52.0, k);
    let res = combine(k, f, x.k(0.0));
    let res = x.eq(x.k(f64::INFINITY)).select(x, res);
    let res = x.eq(x.k(0.0)).select(x.k(f64::NEG_INFINITY), res);
    let res = x.lt(x.k(0.0)).select(x.k(f64::NAN), res);
    // NaN inputs: the bit manipulation above does not preserve NaN, so pass it through (quieted).
    x.is_nan().select(x + x, res)
}

/// `ln(1 + x)`, accurate near 0. See the module docs.
///
/// `-1` gives `-inf`, below `-1` NaN, `±0` gives `±0`, `+inf` gives `+inf`, NaN gives NaN.
///
/// **Measured** against MPFR (tests/math64.rs, 1.0 million inputs): max error 0.612 ULP.
#[inline(always)]
pub fn ln1p<S: Simd>(x: V64<S>) -> V64<S> {
    ln1p_core(x, None)
}

/// `ln(1 + x + xl)` for a double-word argument (`|xl| ≤ ulp(x)`): the low word joins the
/// correction of `1 + x`, as in the f32 version. `x` alone decides the special cases.
#[inline(always)]
pub(crate) fn ln1p_dw<S: Simd>(x: V64<S>, xl: V64<S>) -> V64<S> {
    ln1p_core(x, Some(xl))
}

#[inline(always)]
fn ln1p_core<S: Simd>(x: V64<S>, xl: Option<V64<S>>) -> V64<S> {
    let one = x.k(1.0);
    let u = one + x;
    // TwoSum: u + c == 1 + x exactly.
    let bp = u - x;
    let c = (one - bp) + (x - (u - bp));
    let c = match xl {
        Some(xl) => c + xl,
        None => c,
    };
    let (k, f) = split(u);
    let k0 = k.eq(x.k(0.0));
    // 2^-k from bits (1023 - k) << 52, for k in [-1, 60]; beyond, c/u < 2^-60 and is dropped.
    let kz = k + MAGIC;
    let inv = U64::splat(x.s, 0x4338_0000_0000_0000 + 1023)
        .subv(kz.bits())
        .shl_52()
        .f64();
    let cs = k.gt(x.k(60.0)).select(x.k(0.0), c * inv);
    // c/u = c·2^-k/(1 + f), 1/(1 + f) by its series to f^7.
    const INV_1P: [f64; 8] = [1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0];
    let corr = cs * horner64(f, &INV_1P);
    let f = k0.select(x, f);
    // With k = 0, f is x itself (exact): the low word adds xl/(1 + x), by the same series.
    let tail0 = match xl {
        Some(xl) => xl * horner64(x, &INV_1P),
        None => x.k(0.0),
    };
    let tail = k0.select(tail0, corr);
    let res = combine(k, f, tail);
    let res = x.eq(x.k(f64::INFINITY)).select(x, res);
    let res = x.eq(x.k(-1.0)).select(x.k(f64::NEG_INFINITY), res);
    let res = x.lt(x.k(-1.0)).select(x.k(f64::NAN), res);
    let res = x.eq(x.k(0.0)).select(x, res);
    x.is_nan().select(x + x, res)
}
