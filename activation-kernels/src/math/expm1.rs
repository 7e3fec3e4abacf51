//! `expm1(x) = e^x - 1`, accurate near 0.
//!
//! **Method.** The reduction of [`super::exp`] (`x = n·ln2 + r1 + corr`, `r1` exact), then
//! `pm = expm1(r) = r1 + (corr + r²·P(r))` with `P` degree 6 ([`coeffs::EXPM1`], Sollya
//! fpminimax, relative error 2^-34), and `e^x - 1 = t·(1 + pm) - 1` with `t = 2^n` combined so
//! that only one rounding touches the leading terms:
//! * `-24 ≤ n ≤ 12`: `fma(t, pm, t - 1)` (`t - 1` is exact);
//! * `n < -24` (x < -16.9): `fma(t, pm, t) - 1` (the first term is far below an ULP of 1);
//! * `n > 12`: `t·(1 + pm - 2^-n)`: the `-2^-n` joins `corr` before the polynomial is summed,
//!   and the product is formed as `fma(t', pm', t')·2^δ` with `δ = 1` for `n > 64`, so
//!   `n = 128` does not overflow before the true result does.
//!
//! **Domain.** All f32. `x < -20` gives `-1`; `x > 89` gives `+inf`; `±0` gives `±0`; NaN gives
//! NaN.
//!
//! **Measured** (all 2^32 inputs, every ISA, see `accuracy.rs`): max error ≤ 1 ULP.

use super::coeffs;
use super::exp::reduce;
use super::vec::{U, V, horner};
use pulp::Simd;

/// `e^x - 1`. See the module docs.
#[inline(always)]
pub fn expm1<S: Simd>(x: V<S>) -> V<S> {
    // Fast path: every lane in [-16.5, 8.3] (NaN fails), so -24 ≤ n ≤ 12 and the general
    // form below reduces to `fma(t, pm, t - 1)` summed as there: no clamps, no fold of
    // -2^-n, no halved scale. It performs the same operations on the same values as the
    // general form does for those lanes, so it gives the same bits.
    if x.ge(x.k(-16.5)).all() && x.le(x.k(8.3)).all() {
        let red0 = reduce(x, x.k(0.0));
        let r = red0.r;
        let q = horner(r, &coeffs::EXPM1);
        let small = r.mul_add(r * q, red0.corr);
        let t = red0.z.bits().shl_k(23).add_k(0x3F80_0000).f32();
        let a = t - 1.0;
        let b = t * red0.r1;
        let sum = a + b;
        let err = (a - sum) + b;
        // `err + 0`, as in the general form (it turns an `err` of -0 into +0).
        let res = sum + t.mul_add(small, err + x.k(0.0));
        return x.eq(x.k(0.0)).select(x, res);
    }
    let s = x.s;
    let xc = x.clamp_below(-20.0).clamp_above(89.0);
    let red0 = reduce(xc, x.k(0.0));
    let n = red0.n;
    let big = n.gt(x.k(12.0));
    // 2^-n for n in [13, 64] (bits (127 - n) << 23); zero otherwise.
    let inv_bits = U::splat(s, 0x4B40_0000 + 127)
        .subv(red0.z.bits())
        .shl_k(23)
        .f32();
    let fold = (big & n.le(x.k(64.0))).select(inv_bits, x.k(0.0));
    // The fold joins the additive remainder only; the polynomial's argument stays r1 + corr.
    let r = red0.r;
    let q = horner(r, &coeffs::EXPM1);
    let small = r.mul_add(r * q, red0.corr - fold);
    // t = 2^(n - δ), δ = 1 for n > 64 so that n = 128 stays finite until the final doubling.
    let huge = n.gt(x.k(64.0));
    let zb = huge.select_u(red0.z.bits().add_k(u32::MAX), red0.z.bits());
    let t = zb.shl_k(23).add_k(0x3F80_0000).f32();
    // e^x - 1 = A + B + t·small (+ eA) with A = t - 1 (or t when the -1 was folded), B = t·r1
    // exact, and eA the rounding error of t - 1 (nonzero only for n < -24, where it is t).
    let a = big.select(t, t - 1.0);
    let e_a = n.lt(x.k(-24.0)).select(t, x.k(0.0));
    let b = t * red0.r1;
    let sum = a + b;
    let err = (a - sum) + b;
    let res = sum + t.mul_add(small, err + e_a);
    let res = huge.select(res * 2.0, res);
    // ±0 (and the sign of zero) pass through exactly.
    x.eq(x.k(0.0)).select(x, res)
}
