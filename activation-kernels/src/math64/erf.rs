//! `erf(x)` and `erfc(x) = 1 - erf(x)` on f64 lanes, both accurate in their tails.
//!
//! **Method.** With `a = |x|`:
//! * `a < 0.84375`: `erf(x) = x + x·P(x²)`, one FMA at the end ([`ERF_P`], degree 11 in `x²`).
//!   `erfc(x) = (1 - x) - x·P(x²)` with `1 - x` split exactly (Fast2Sum), for `x > -0.84375`
//!   and `x < 0.4765625` (where `erf ≤ 1/2`, so nothing cancels).
//! * otherwise `erfc(a) = G(a)·e^{-a²}` with `G = erfcx`, a double word `g_hi + g_lo` (below):
//!   `a²` is split exactly (`two_prod`) and `mul_exp_dd` forms `G·e^r` on the reduced argument
//!   of the double-word `-a²` before the exact `2^n` scaling, so the huge argument costs nothing
//!   and `erfc` is rounded once (subnormal results included). `erf(x) = ±(1 - erfc(a))` and
//!   `erfc(-a) = 2 - erfc(a)` (`erfc(a) < 0.24` there, so its rounding costs at most ~1/8 ULP).
//!
//! **erfcx.** One Horner loop of degree 18 serves four pieces, coefficients selected per lane:
//! polynomials in `v = a - c` on `[0, 1)`, `[1, 2.25)`, `[2.25, 3.75)` (`c` = 0.5, 1.625, 3;
//! `v` is exact except below `a = 0.25`, where its rounding error is carried as a correction)
//! and, for `a ≥ 3.75`, `G = u·H(t)` with `u = 1/a` as a double word (`u + u·(1 - u·a)`, the
//! residual by FMA) and `H` a polynomial in `t = u²`. The last three Horner steps (the
//! coefficients of `v⁰, v¹, v²`, kept as head + tail) run in double-double, so the polynomial's
//! own rounding is ~2^-57 relative. A double-word argument `a + a_lo` (GELU's `x/√2`) is
//! honoured to first order: `G(a + a_lo) = G(a) + G'(a)·a_lo` with `G' = 2a·G - 2/√π`.
//!
//! **Coefficients** (`tools/fit_erf64.py`, mpmath, 60 digits): Chebyshev interpolants at the
//! `n + 1` first-kind Chebyshev nodes of each interval, converted to monomials about the
//! expansion point and rounded to nearest (heads and tails for erfcx's first three).
//! Relative error of the rounded polynomials, evaluated exactly: erf 2^-56.3 (the rounding of
//! `2/√π - 1`, irreducible without a second word); erfcx pieces 2^-57.6, 2^-60.0, 2^-60.4,
//! 2^-64.8.
//!
//! **Domain.** All f64. `erf(±inf) = ±1`, `erf(-0) = -0`, `|erf| ≤ 1`, subnormal `x` give
//! `x + x·P(0)` rounded once. `erfc(-inf) = 2`, `erfc(inf) = 0`; `erfc` is subnormal (rounded
//! once) up to `x ≈ 27.226`, beyond which the true value is below half the smallest subnormal
//! and the result is `+0`. NaN gives NaN.
//!
//! **Measured** against MPFR-based references (tests/math64_erf.rs, 1,018,066 inputs: random
//! bit patterns with `|x| < 64` including subnormals, uniform samples over `[-6.5, 27.5]` and
//! the critical intervals, every method switch with 200 neighbours each side; every ISA
//! bit-identical): erf max 0.797 ULP, erfc max 0.669 ULP (bounds 1 and 1).

use super::mul_exp_dd;
use crate::math::{M64, V64, horner64};
use pulp::Simd;

/// Below this `|x|`, `erf` is its polynomial.
pub(crate) const ERF_END: f64 = 0.84375;
/// Below this `x`, `erfc(x) = 1 - erf(x)` (erf(0.4765625) < 1/2).
pub(crate) const ERFC_SMALL_END: f64 = 0.4765625;
/// `erfc(a)` and `e^{-a²}` round to zero beyond this; `a` is clamped to it.
pub(crate) const A_MAX: f64 = 27.5;
/// `2/√π`.
pub(crate) const FRAC_2_SQRT_PI: f64 = core::f64::consts::FRAC_2_SQRT_PI;

/// `erf(x)/x - 1 = P(s)`, `s = x²`, for `|x| ≤ 0.84375`: coefficients of `s^0 … s^11`.
const ERF_P: [f64; 12] = [
    0.1283791670955126,
    -0.3761263890318375,
    0.11283791670954745,
    -0.026866170645031,
    0.005223977624080742,
    -0.000854832691425112,
    0.00012055327421282683,
    -1.4925463570287675e-05,
    1.6457914349746103e-06,
    -1.630309508468887e-07,
    1.4205594850504056e-08,
    -8.879702704985848e-10,
];

/// erfcx pieces: `[0,1)`, `[1,2.25)`, `[2.25,3.75)` in `a - c`, and `a·erfcx(a)` in `t = 1/a²`
/// for `a ≥ 3.75`; coefficients of `v^0 … v^18` rounded to nearest.
const G_HI: [[f64; 19]; 4] = [
    [
        0.6156903441929259,
        -0.5126888229025867,
        0.3593459327416325,
        -0.22201057102117708,
        0.12417032361552027,
        -0.0639701636855931,
        0.030728413924343827,
        -0.013887416199439267,
        0.005946176453171116,
        -0.002425406342047791,
        0.0009466947050826057,
        -0.00035491853351658434,
        0.00012820543187057955,
        -4.474879580736602e-05,
        1.5121547901933568e-05,
        -4.92948646984817e-06,
        1.572004993884856e-06,
        -5.453406333194506e-07,
        1.6417478550715736e-07,
    ],
    [
        0.30226120936348594,
        -0.14603023666418335,
        0.06496207478418799,
        -0.026977910093251612,
        0.010561485441326745,
        -0.003926198500451734,
        0.0013938042927080783,
        -0.00047464757823823607,
        0.0001556254943394074,
        -4.9279147500201953e-05,
        1.510937766182338e-05,
        -4.495690664383557e-06,
        1.3006365096178414e-06,
        -3.665645401957315e-07,
        1.0074708839436648e-07,
        -2.6861791299797388e-08,
        7.055262487616204e-09,
        -2.048317252722821e-09,
        5.135679628495903e-10,
    ],
    [
        0.17900115118138996,
        -0.05437226000717287,
        0.015884371159871336,
        -0.004479431018372562,
        0.001223039052376803,
        -0.00032412554449727667,
        8.355413962882018e-05,
        -2.098946445431473e-05,
        5.1464365608867165e-06,
        -1.2333677726858086e-06,
        2.8926668477940127e-07,
        -6.646665107361371e-08,
        1.4977645193872894e-08,
        -3.3134454646149312e-09,
        7.199677626042356e-10,
        -1.5288463738415516e-10,
        3.214045383915136e-11,
        -7.461984951881627e-12,
        1.5157450527715016e-12,
    ],
    [
        0.5641895835477563,
        -0.2820947917738781,
        0.4231421876607617,
        -1.0578554691144275,
        3.702494128479609,
        -16.661220640301526,
        91.63628570214365,
        -595.5920892907275,
        4463.677376209047,
        -37759.45012139196,
        351020.3314457432,
        -3435931.223590644,
        33270785.363112856,
        -296072076.3001955,
        2247411988.9985876,
        -13508690901.744392,
        58995006896.88092,
        -164291468524.78546,
        217291929157.59976,
    ],
];

/// The tails (exact value minus the head, rounded) of the coefficients of `v^0, v^1, v^2`.
const G_LO: [[f64; 3]; 4] = [
    [
        -2.312175868623341e-17,
        -5.1802859851668754e-17,
        1.699691841851629e-17,
    ],
    [
        -2.1300243845955138e-17,
        1.0644361592369e-17,
        -3.841700366006508e-19,
    ],
    [
        -5.4272175920200274e-18,
        5.494844818513242e-19,
        8.719069794105418e-20,
    ],
    [
        7.664517804822506e-18,
        -2.668813794031301e-17,
        -1.149359796972666e-18,
    ],
];

/// Expansion points of the three near pieces.
const CENTERS: [f64; 3] = [0.5, 1.625, 3.0];
/// Piece boundaries.
const B1: f64 = 1.0;
const B2: f64 = 2.25;
const FAR: f64 = 3.75;

/// The piece of each lane.
#[derive(Copy, Clone)]
struct Pieces<S: Simd> {
    m1: M64<S>,
    m2: M64<S>,
    far: M64<S>,
    s: S,
}

impl<S: Simd> Pieces<S> {
    /// The lane's entry of `c` (indexed by piece).
    #[inline(always)]
    fn pick(&self, c: [f64; 4]) -> V64<S> {
        let near = self
            .m1
            .select(V64::splat(self.s, c[1]), V64::splat(self.s, c[0]));
        let near = self.m2.select(V64::splat(self.s, c[2]), near);
        self.far.select(V64::splat(self.s, c[3]), near)
    }
}

/// `P(s)` with `erf(x) = x + x·P(x²)` for `|x| ≤ 0.84375`.
#[inline(always)]
pub(crate) fn erf_p<S: Simd>(s: V64<S>) -> V64<S> {
    horner64(s, &ERF_P)
}

/// `erfcx(a + a_lo)` as a double word `(g_hi, g_lo)` for `0 ≤ a ≤ A_MAX`, `|a_lo| ≤ ulp(a)`.
/// NaN stays NaN.
#[inline(always)]
pub(crate) fn erfcx_dd<S: Simd>(a: V64<S>, a_lo: V64<S>) -> (V64<S>, V64<S>) {
    let zero = a.k(0.0);
    let one = a.k(1.0);
    let pc = Pieces {
        m1: a.ge(a.k(B1)),
        m2: a.ge(a.k(B2)),
        far: a.ge(a.k(FAR)),
        s: a.s,
    };
    let far = pc.far;
    // Near pieces: v = a - c (exact for a ≥ c/2; below, the rounding error is `v_err`).
    let c = pc.pick([CENTERS[0], CENTERS[1], CENTERS[2], 0.0]);
    let vn = a - c;
    let v_err = a - (vn + c);
    // Far piece: u = 1/a as u + u_lo, and t = u².
    let u = one / a;
    let u_lo = u * u.neg_mul_add(a, one);
    let v = far.select(u * u, vn);
    let v_err = far.select(zero, v_err);

    let n = G_HI[0].len();
    let mut q = pc.pick([
        G_HI[0][n - 1],
        G_HI[1][n - 1],
        G_HI[2][n - 1],
        G_HI[3][n - 1],
    ]);
    let mut k = n - 1;
    while k > 3 {
        k -= 1;
        q = q.mul_add(v, pc.pick([G_HI[0][k], G_HI[1][k], G_HI[2][k], G_HI[3][k]]));
    }
    // The last three steps in double-double: (hi, lo) <- c_k + v·(hi, lo). Every head is at
    // least as large as v·(hi, lo) (checked on each piece), so Fast2Sum is exact.
    let (mut hi, mut lo) = (q, zero);
    let mut k = 3;
    while k > 0 {
        k -= 1;
        let m_hi = v * hi;
        let m_lo = v.mul_add(hi, -m_hi) + v * lo;
        let c_hi = pc.pick([G_HI[0][k], G_HI[1][k], G_HI[2][k], G_HI[3][k]]);
        let c_lo = pc.pick([G_LO[0][k], G_LO[1][k], G_LO[2][k], G_LO[3][k]]);
        let s = c_hi + m_hi;
        let err = (c_hi - s) + m_hi;
        hi = s;
        lo = err + (m_lo + c_lo);
    }
    // Far: G = (u + u_lo)·(hi + lo); near: G = hi + lo.
    let w = far.select(u, one);
    let w_lo = far.select(u_lo, zero);
    let g_hi = hi * w;
    let g_lo = hi.mul_add(w, -g_hi) + lo.mul_add(w, hi * w_lo);
    // First-order correction for a_lo and the rounding of v: G' = 2a·G - 2/√π.
    let dg = (a + a).mul_add(g_hi, a.k(-FRAC_2_SQRT_PI));
    (g_hi, dg.mul_add(a_lo + v_err, g_lo))
}

/// `erfc(a + a_lo) = (g_hi + g_lo)·e^{-(q_hi + q_lo)}` for `a ≥ 0` (any size: `a` is clamped
/// to [`A_MAX`] and `a_lo` dropped there). NaN stays NaN.
#[derive(Copy, Clone)]
pub(crate) struct ErfcParts<S: Simd> {
    /// erfcx, head.
    pub g_hi: V64<S>,
    /// erfcx, tail.
    pub g_lo: V64<S>,
    /// `(a + a_lo)²`, head.
    pub q_hi: V64<S>,
    /// `(a + a_lo)²`, tail.
    pub q_lo: V64<S>,
}

/// `(hi, lo)` with `hi + lo = (a + a_lo)²` to ~2^-104 relative and `|lo| ≤ ulp(hi)/2`
/// (renormalised by Fast2Sum: `2a·a_lo` can exceed half an ULP of `a²`).
#[inline(always)]
pub(crate) fn square_dd<S: Simd>(a: V64<S>, a_lo: V64<S>) -> (V64<S>, V64<S>) {
    let (hi, lo) = a.two_prod(a);
    let lo = (a + a).mul_add(a_lo, lo);
    let s = hi + lo;
    (s, (hi - s) + lo)
}

#[inline(always)]
pub(crate) fn erfc_parts<S: Simd>(a: V64<S>, a_lo: V64<S>) -> ErfcParts<S> {
    let clamped = a.gt(a.k(A_MAX));
    let ac = clamped.select(a.k(A_MAX), a);
    let alo = clamped.select(a.k(0.0), a_lo);
    let (g_hi, g_lo) = erfcx_dd(ac, alo);
    let (q_hi, q_lo) = square_dd(ac, alo);
    ErfcParts {
        g_hi,
        g_lo,
        q_hi,
        q_lo,
    }
}

impl<S: Simd> ErfcParts<S> {
    /// `m·erfc(a)` for a double word `m = m_hi + m_lo`, rounded once (`mul_exp_dd`).
    #[inline(always)]
    pub(crate) fn times(&self, m_hi: V64<S>, m_lo: V64<S>) -> V64<S> {
        let p_hi = m_hi * self.g_hi;
        let p_lo = m_hi.mul_add(self.g_hi, -p_hi) + m_hi.mul_add(self.g_lo, m_lo * self.g_hi);
        mul_exp_dd(p_hi, p_lo, -self.q_hi, -self.q_lo)
    }
    /// `erfc(a)`, rounded once.
    #[inline(always)]
    pub(crate) fn value(&self) -> V64<S> {
        mul_exp_dd(self.g_hi, self.g_lo, -self.q_hi, -self.q_lo)
    }
}

/// The error function `erf(x) = (2/√π)·∫₀ˣ e^{-t²} dt`, within 1 ULP (measured 0.797 against
/// MPFR): a polynomial below `|x| = 0.84375`, `±(1 - erfcx(|x|)·e^{-x²})` above. Odd to the bit
/// (`erf(-0) = -0`), `|erf| ≤ 1`, `erf(±inf) = ±1`, NaN gives NaN.
///
/// ```
/// use activation_kernels::{math::V64, math64, pulp::Scalar};
///
/// let erf = |x: f64| math64::erf(V64::splat(Scalar, x)).v;
/// assert!((erf(0.5) - 0.5204998778130465).abs() <= 0.5204998778130465 * f64::EPSILON);
/// assert_eq!(erf(-0.0).to_bits(), (-0.0f64).to_bits());
/// assert_eq!((erf(6.0), erf(f64::NEG_INFINITY)), (1.0, -1.0));
/// ```
#[inline(always)]
pub fn erf<S: Simd>(x: V64<S>) -> V64<S> {
    let a = x.abs();
    let small = x.mul_add(erf_p(x * x), x);
    let parts = erfc_parts(a, x.k(0.0));
    let big = (x.k(1.0) - parts.value()).xor_sign(x.sign());
    a.lt(x.k(ERF_END)).select(small, big)
}

/// The complementary error function `erfc(x) = 1 - erf(x)`, within 1 ULP (measured 0.669
/// against MPFR) over the whole range, relative in the right tail: `erfcx(x)·e^{-x²}` with `x²`
/// carried exactly and one rounding, subnormal results included, `+0` beyond `x ≈ 27.226`.
/// `erfc(-inf) = 2`, `erfc(inf) = 0`, NaN gives NaN.
///
/// ```
/// use activation_kernels::{math::V64, math64, pulp::Scalar};
///
/// let erfc = |x: f64| math64::erfc(V64::splat(Scalar, x)).v;
/// let tail = 2.088487583762545e-45; // erfc(10)
/// assert!((erfc(10.0) - tail).abs() <= 2.0 * tail * f64::EPSILON);
/// assert!((erfc(-1.0) - 1.8427007929497148).abs() <= 2.0 * f64::EPSILON);
/// assert_eq!((erfc(f64::NEG_INFINITY), erfc(30.0)), (2.0, 0.0));
/// ```
#[inline(always)]
pub fn erfc<S: Simd>(x: V64<S>) -> V64<S> {
    let a = x.abs();
    let one = x.k(1.0);
    // 1 - x - x·P(x²), with 1 - x split exactly (|x| < 1).
    let s = one - x;
    let err = (one - s) - x;
    let small = s + x.neg_mul_add(erf_p(x * x), err);
    let parts = erfc_parts(a, x.k(0.0));
    let p = parts.value();
    let big = x.lt(x.k(0.0)).select(x.k(2.0) - p, p);
    let use_small = x.lt(x.k(ERFC_SMALL_END)) & x.gt(x.k(-ERF_END));
    use_small.select(small, big)
}
