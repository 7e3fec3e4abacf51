//! `mish(x) = x·tanh(softplus(x))` (Misra 2019) and its derivative, in closed forms without
//! cancellation.
//!
//! **Method.** With `e = e^{-|x|} ∈ (0, 1]` (the shared exp, kept unrounded as `p·2^n`):
//! * `x ≤ 0`: `tanh(ln(1 + e^x)) = n/(n + 2)` with `n = e·(e + 2)` (one FMA), so
//!   `mish = x·n/(n + 2)`; the quotient is refined by one exact-residual step against the
//!   unrounded `n + 2`. For `x < -80`, `mish = x·e^x` formed before the final scaling (correct
//!   down to the subnormal range).
//! * `x > 0`: `tanh(...) = (1 + 2e)/(1 + 2e + 2e²)`, so `mish = x·(1 + 2e)/(1 + 2e + 2e²)`, with
//!   numerator and denominator as double words and the quotient corrected; beyond `x = 20` it
//!   is `x`.
//!
//! `mish'(x) = T + x·(1 - T²)·sigmoid(x)` with `T = tanh(softplus(x))`:
//! * `x ≤ 0`: `[n(n + 2) + 4x·e(1 + e)] / (n + 2)²`, and `e^x·(1 + x)` scaled once for
//!   `x < -80`;
//! * `x > 0`: `T + x·(1 - T)(1 + T)/(1 + e)` with `1 - T = 2e²/D` formed directly.
//!
//! The derivative's zero near `x = -1.1924` is a cancellation: there the error is small in
//! absolute terms (≤ 1e-7), not in ULP.
//!
//! **Domain.** All f32. `mish(-inf) = -0`, `mish(inf) = inf`, `mish'(±inf) = 0, 1`; NaN gives
//! NaN.

use super::exp::{exp_poly2, reduce, scale, scale_normal};
use super::vec::V;
use pulp::Simd;

/// `(e, e_unscaled_hi, e_unscaled_lo, red)` for `e = e^{-|x|}`.
#[inline(always)]
fn exp_neg_abs<S: Simd>(x: V<S>) -> (V<S>, V<S>, V<S>, super::exp::Reduced<S>) {
    let m = (-x.abs()).clamp_below(-130.0);
    let red = reduce(m, x.k(0.0));
    let (p_hi, p_lo) = exp_poly2(&red);
    // Where every |x| ≤ 87, 2^n is normal and one multiply scales (the same bits).
    let e = if m.ge(x.k(-87.0)).all() {
        scale_normal(p_hi + p_lo, &red)
    } else {
        scale(p_hi + p_lo, &red)
    };
    (e, p_hi, p_lo, red)
}

/// Mish. See the module docs.
#[inline(always)]
pub fn mish<S: Simd>(x: V<S>) -> V<S> {
    let (_, p_hi, p_lo, red) = exp_neg_abs(x);
    let two = x.k(2.0);
    // x <= 0: x·n/(n + 2), n = e(e + 2), with e and n carried as double words (exact
    // scaling: for -80 <= x <= 0, e = (p_hi + p_lo)·2^k is a normal number).
    let ph = p_hi + p_lo;
    let pl = (p_hi - ph) + p_lo;
    let k2 = super::exp::scale_normal(x.k(1.0), &red);
    let (eh, el) = (ph * k2, pl * k2);
    let a = eh + eh;
    let b = eh * eh;
    let b_lo = eh.mul_add(eh, -b);
    let n = a + b;
    let n_lo = ((a - n) + b) + b_lo + (el + el) * (eh + 1.0);
    let d = n + two;
    let d_err = ((n - d) + two) + n_lo; // n + n_lo + 2 = d + d_err
    let num = x * n;
    let num_lo = x.mul_add(n, -num) + x * n_lo;
    // x > 0: x·(1 + 2e)/(1 + 2e + 2e²), numerator and denominator as double words (e exact
    // as eh + el, sums by TwoSum) and the quotient corrected against their low parts, so no
    // cancellation (the earlier form x - 2x·e²/D lost up to 2.3 ULP near x = 0.18).
    let one = x.k(1.0);
    let b2 = eh + eh;
    let n1 = one + b2;
    let bp = n1 - b2;
    let n1_lo = ((one - (n1 - bp)) + (b2 - bp)) + (el + el);
    let e2 = eh * eh;
    let e2x2 = e2 + e2;
    let e2x2_lo = (eh.mul_add(eh, -e2) + (eh + eh) * el) * 2.0;
    let dn = n1 + e2x2;
    let bp2 = dn - e2x2;
    let dn_lo = ((n1 - (dn - bp2)) + (e2x2 - bp2)) + n1_lo + e2x2_lo;
    let pnum = x * n1;
    let pnum_lo = x.mul_add(n1, -pnum) + x * n1_lo;
    // Both sides end in the same corrected quotient `q + (num + num_lo - q·d - q·d_err)/d`:
    // each lane picks its side's operands first, so one quotient (two divisions, not four)
    // does the same operations on the same values as that side's own would.
    let pos = x.gt(x.k(0.0));
    let nu = pos.select(pnum, num);
    let nu_lo = pos.select(pnum_lo, num_lo);
    let de = pos.select(dn, d);
    let de_err = pos.select(dn_lo, d_err);
    let q = nu / de;
    let resid = q.neg_mul_add(de_err, q.neg_mul_add(de, nu) + nu_lo);
    let res = resid.mul_add(one / de, q);
    // x > 20 (positive side): mish rounds to x.
    let res = x.gt(x.k(20.0)).select(x, res);
    // x < -80 (negative side): x·e^x, scaled once (subnormal-correct). Skipped when no lane
    // needs it.
    let res = if x.ge(x.k(-80.0)).all() {
        res
    } else {
        let tail = scale(x.mul_add(p_hi, x * p_lo), &red);
        x.lt(x.k(-80.0)).select(tail, res)
    };
    // Far left: |x·e^x| is far below the smallest subnormal.
    x.lt(x.k(-130.0)).select(x.k(-0.0), res)
}

/// The derivative of [`mish`]. See the module docs.
#[inline(always)]
pub fn mish_grad<S: Simd>(x: V<S>) -> V<S> {
    let (e, p_hi, p_lo, red) = exp_neg_abs(x);
    let one = x.k(1.0);
    let two = x.k(2.0);
    // x <= 0: top / (d·d).
    let n = e.mul_add(e, e + e);
    let d = n + two;
    let top = n.mul_add(d, (x * 4.0) * (e.mul_add(e, e)));
    // x > 0: T + x(1 - T)(1 + T)/(1 + e), 1 - T = 2e²/D.
    let e2 = e * e;
    let dd = e.mul_add(two, two.mul_add(e2, one));
    let omt = (e2 + e2) / dd;
    let t = one - omt;
    // One division serves both sides' final quotients (each lane picks its operands).
    let pos = x.gt(x.k(0.0));
    let q = pos.select(x * omt * (two - omt), top) / pos.select(one + e, d * d);
    let pos_side = x.gt(x.k(40.0)).select(one, t + q);
    let res = pos.select(pos_side, q);
    // x < -80: e^x·(1 + x), scaled once; skipped when no lane needs it.
    let res = if x.ge(x.k(-80.0)).all() {
        res
    } else {
        let tail = scale((one + x) * (p_hi + p_lo), &red);
        (!pos & x.lt(x.k(-80.0))).select(tail, res)
    };
    x.lt(x.k(-130.0)).select(x.k(-0.0), res)
}
