//! `erf(x)` and `erfc(x) = 1 - erf(x)`, both accurate in their tails.
//!
//! **Method.** With `a = |x|`:
//! * `a < 0.921875`: `erf(x) = x + x·P(x²)`, `P` degree 6 ([`coeffs::ERF`], Sollya fpminimax,
//!   relative error 2^-30.1; the leading coefficient `2/√π` is split as `1 + 0.128…` so the
//!   dominant term is exact). `erfc(x) = 1 - erf(x)` for `a < 0.4765625` (where `erf ≤ 1/2`,
//!   so the subtraction is benign).
//! * otherwise `erfc(a) = e^{-a²}·G(a)` where `a²` is split exactly (`hi + lo`, via FMA) and the
//!   shared exp reduction takes the double-f32 argument `-hi - lo`, so no precision is lost to the
//!   huge argument. `G = erfcx` is a degree-10 polynomial in `a - 1` on [0.4765625, 1.5]
//!   ([`coeffs::ERFCX_NEAR`], 2^-28.8) and `u·H(u)` with `u = 1/a` (carried as `u + u_lo`) and
//!   `H` degree 10 on [1.5, 10.25] ([`coeffs::ERFCX_FAR`], 2^-29.9). One Horner loop serves
//!   both intervals (coefficients selected per lane). The product `p·G` is scaled by `2^n` in two
//!   exact steps, so results in the subnormal range (a > 9.19) are rounded once.
//!   `erf = 1 - erfc(a)` there, and `erfc(-a) = 2 - erfc(a)`.
//!
//! **Domain.** All f32. `erf(±inf) = ±1`, `erfc(-inf) = 2`, `erfc(inf) = 0`, `erfc(x) = 0` for
//! `x ≥ 10.0625` (the true value is below half the smallest subnormal), `erf` exactly odd with
//! `erf(-0) = -0`. NaN gives NaN.
//!
//! **Measured** (all 2^32 inputs, every ISA, see `accuracy.rs`): max error ≤ 2 ULP each.

use super::coeffs;
use super::exp::{Reduced, exp_poly2, reduce, scale};
use super::vec::{V, horner};
use pulp::Simd;

/// Where the erf polynomial ends.
const ERF_POLY_END: f32 = 0.921875;
/// Below this, `erfc = 1 - erf` (erf(0.4765625) < 1/2).
const ERFC_POLY_END: f32 = 0.4765625;
/// `erfc(a)` rounds to zero beyond this.
const ERFC_ZERO: f32 = 10.0625;

/// `erf(x)` for |x| < 0.921875 (odd; exact sign of zero).
#[inline(always)]
pub(crate) fn erf_poly<S: Simd>(x: V<S>) -> V<S> {
    let p = horner(x * x, &coeffs::ERF);
    x.mul_add(p, x)
}

/// `erfc(a_hi + a_lo)` for `a ≥ 0.4765625` as unevaluated parts:
/// `(p_hi + p_lo)·(g_hi + g_lo)·2^n` (`red` carries `n`). `a` is clamped to `zero`, beyond
/// which the caller's product is known to round to zero. NaN stays NaN.
#[derive(Copy, Clone)]
pub(crate) struct ErfcParts<S: Simd> {
    pub g_hi: V<S>,
    pub g_lo: V<S>,
    pub p_hi: V<S>,
    pub p_lo: V<S>,
    pub red: Reduced<S>,
}

impl<S: Simd> ErfcParts<S> {
    /// `m·(p_hi + p_lo)·(g_hi + g_lo)` before scaling, with one rounding of the leading product.
    #[inline(always)]
    pub(crate) fn times(&self, m: V<S>) -> V<S> {
        let g = m * self.g_hi;
        let g_lo = m.mul_add(self.g_hi, -g) + m * self.g_lo;
        self.p_hi.mul_add(g, self.p_hi.mul_add(g_lo, self.p_lo * g))
    }
}

#[inline(always)]
pub(crate) fn erfc_parts<S: Simd>(a: V<S>, a_lo: V<S>, zero: f32) -> ErfcParts<S> {
    let clamped = a.gt(a.k(zero));
    let ac = clamped.select(a.k(zero), a);
    let alo = clamped.select(a.k(0.0), a_lo);
    let near = ac.lt(a.k(1.5));
    let one = a.k(1.0);
    let u = one / ac;
    let u_lo = u * u.neg_mul_add(ac, one);
    let v = near.select(ac - 1.0, u);
    let n = coeffs::ERFCX_NEAR.len();
    let mut g = near.select(
        a.k(coeffs::ERFCX_NEAR[n - 1]),
        a.k(coeffs::ERFCX_FAR[n - 1]),
    );
    let mut i = n - 1;
    while i > 0 {
        i -= 1;
        let c = near.select(a.k(coeffs::ERFCX_NEAR[i]), a.k(coeffs::ERFCX_FAR[i]));
        g = g.mul_add(v, c);
    }
    // G as an unevaluated pair: near, the polynomial itself; far, H·(u + u_lo) with the
    // product's rounding error recovered by FMA.
    let hu = g * u;
    let hu_lo = g.mul_add(u, -hu) + g * u_lo;
    let g_hi = near.select(g, hu);
    // A double-word argument: G(a + a_lo) = G(a) + G'(a)·a_lo, G' = 2a·G - 2/√π (erfcx' = ...).
    let dg = (ac + ac).mul_add(g_hi, a.k(-core::f32::consts::FRAC_2_SQRT_PI)) * alo;
    let g_lo = near.select(a.k(0.0), hu_lo) + dg;
    // a² = hi + lo exactly (FMA), plus 2·a·a_lo for a double-word argument.
    let hi = ac * ac;
    let lo = ac.mul_add(ac, -hi) + (ac + ac) * alo;
    let red = reduce(-hi, -lo);
    let (p_hi, p_lo) = exp_poly2(&red);
    ErfcParts {
        g_hi,
        g_lo,
        p_hi,
        p_lo,
        red,
    }
}

/// `erfc(a)` for `a ≥ 0.4765625` (NaN stays NaN).
#[inline(always)]
fn erfc_far<S: Simd>(a: V<S>) -> V<S> {
    let e = erfc_parts(a, a.k(0.0), ERFC_ZERO);
    scale(e.times(a.k(1.0)), &e.red)
}

/// The error function. See the module docs.
#[inline(always)]
pub fn erf<S: Simd>(x: V<S>) -> V<S> {
    let a = x.abs();
    let small = erf_poly(x);
    let big = (x.k(1.0) - erfc_far(a)).xor_sign(x.sign());
    a.lt(x.k(ERF_POLY_END)).select(small, big)
}

/// The complementary error function. See the module docs.
#[inline(always)]
pub fn erfc<S: Simd>(x: V<S>) -> V<S> {
    let a = x.abs();
    let small = x.k(1.0) - erf_poly(x);
    let far = erfc_far(a);
    let big = x.lt(x.k(0.0)).select(x.k(2.0) - far, far);
    a.lt(x.k(ERFC_POLY_END)).select(small, big)
}
