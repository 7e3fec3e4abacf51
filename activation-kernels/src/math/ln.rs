//! `ln(x)` and `ln1p(x) = ln(1 + x)`.
//!
//! **Method.** Write the argument as `2^k·m` with `m ∈ [√2/2, √2)` (integer operations on the
//! bits; subnormals are first scaled by 2^23), `f = m - 1` (exact), and
//! `ln = k·ln2 + f + f²·Q(f)` with `Q` of degree 10 ([`coeffs::LOG1P`], Sollya fpminimax,
//! relative error 2^-32.4). The sum is formed as `s + (e + (k·LN2_LO + f·(f·Q)))` where
//! `s + e = k·LN2_HI + f` exactly (Fast2Sum; `LN2_HI` has 16 bits so `k·LN2_HI` is exact), so
//! only one rounding touches the leading terms.
//!
//! `ln1p` forms `u = 1 + x` with its exact rounding error `c` (TwoSum). When `u ∈ [√2/2, √2)`
//! it uses `f = x` directly (no rounding at all); otherwise `ln(u + c) = ln(u) + c/u`, the
//! correction being evaluated as `c·2^-k·(1 - f + f²)` (relative error < 5% of a term that is
//! itself below 2 ULP).
//!
//! **Domain.** `ln`: `+0`/`-0` give `-inf`, negative numbers give NaN, `+inf` gives `+inf`.
//! `ln1p`: `-1` gives `-inf`, below `-1` NaN, `±0` gives `±0`. NaN gives NaN.
//!
//! **Measured** (all 2^32 inputs, every ISA, see `accuracy.rs`): max error ≤ 1 ULP.

use super::coeffs;
use super::vec::{U, V, horner};
use pulp::Simd;

/// `ln 2` to 16 significant bits, so `k·LN2_HI` is exact for |k| < 256.
const LN2_HI: f32 = f32::from_bits(0x3F31_7200); // 0.693145751953125
/// `ln 2 - LN2_HI` rounded to f32.
const LN2_LO: f32 = f32::from_bits(0x35BF_BE8E); // 1.4286068e-6
/// Bits of `√2/2` rounded down: the low end of the mantissa range.
const SQRT_HALF_BITS: u32 = 0x3F35_04F3;

/// `(k, f)` with `u = 2^k·(1 + f)`, `1 + f ∈ [√2/2, √2)`, for positive finite normal `u`.
#[inline(always)]
fn split<S: Simd>(u: V<S>) -> (V<S>, V<S>) {
    let s = u.s;
    let b = u.bits().add_k(0x3F80_0000 - SQRT_HALF_BITS);
    // Biased exponent k + 127 (0..=255 for non-negative inputs), converted to float exactly.
    let kb = b.shr_23().and(0x1FF);
    let k = kb.or(0x4B00_0000).f32() - (8_388_608.0 + 127.0);
    let m = b.and(0x007F_FFFF).addv(U::splat(s, SQRT_HALF_BITS)).f32();
    (k, m - 1.0)
}

/// `k·ln2 + f + tail` with a single rounding on the leading terms.
#[inline(always)]
fn combine<S: Simd>(k: V<S>, f: V<S>, tail: V<S>) -> V<S> {
    let q = horner(f, &coeffs::LOG1P);
    let small = f.mul_add(f * q, k.mul_add(f.k(LN2_LO), tail));
    let hi = k * LN2_HI;
    let sum = hi + f;
    let err = (hi - sum) + f;
    sum + (err + small)
}

/// Natural logarithm. See the module docs.
#[inline(always)]
pub fn ln<S: Simd>(x: V<S>) -> V<S> {
    let sub = x.lt(x.k(f32::MIN_POSITIVE));
    let xs = sub.select(x * 8_388_608.0, x);
    let (k, f) = split(xs);
    let k = sub.select(k - 23.0, k);
    let res = combine(k, f, x.k(0.0));
    let res = x.eq(x.k(f32::INFINITY)).select(x, res);
    let res = x.eq(x.k(0.0)).select(x.k(f32::NEG_INFINITY), res);
    let res = x.lt(x.k(0.0)).select(x.k(f32::NAN), res);
    // NaN inputs: the bit manipulation above does not preserve NaN, so pass it through (quieted).
    x.is_nan().select(x + x, res)
}

/// `ln(1 + x)`. See the module docs.
#[inline(always)]
pub fn ln1p<S: Simd>(x: V<S>) -> V<S> {
    ln1p_core(x, None)
}

/// `ln(1 + x + xl)` for a double-word argument (`|xl| ≤ ulp(x)`, e.g. the rounding error of an
/// `e^t` that is passed in `x`): the low word joins `ln1p`'s own correction of `1 + x`, so an
/// argument known to better than f32 precision is not limited by its rounding. `x` alone
/// decides the special cases (`xl` is ignored where `x` is `±0`, `-1`, `±inf` or NaN).
#[inline(always)]
pub(crate) fn ln1p_dw<S: Simd>(x: V<S>, xl: V<S>) -> V<S> {
    ln1p_core(x, Some(xl))
}

#[inline(always)]
fn ln1p_core<S: Simd>(x: V<S>, xl: Option<V<S>>) -> V<S> {
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
    // 2^-k from bits (127 - k) << 23; only for k <= 64 (beyond, c/u is far below an ULP and the
    // bit trick would leave the exponent range).
    let kz = k + super::exp::MAGIC;
    let inv = U::splat(x.s, 0x4B40_0000 + 127)
        .subv(kz.bits())
        .shl_k(23)
        .f32();
    let cs = k.gt(x.k(64.0)).select(x.k(0.0), c * inv);
    let corr = cs * f.neg_mul_add(one - f, one);
    let f = k0.select(x, f);
    // With k = 0, f is x itself (exact): the low word adds xl/(1 + x) ≈ xl·(1 - x + x²).
    let tail0 = match xl {
        Some(xl) => xl * x.neg_mul_add(one - x, one),
        None => x.k(0.0),
    };
    let tail = k0.select(tail0, corr);
    let res = combine(k, f, tail);
    let res = x.eq(x.k(f32::INFINITY)).select(x, res);
    let res = x.eq(x.k(-1.0)).select(x.k(f32::NEG_INFINITY), res);
    let res = x.lt(x.k(-1.0)).select(x.k(f32::NAN), res);
    let res = x.eq(x.k(0.0)).select(x, res);
    x.is_nan().select(x + x, res)
}
