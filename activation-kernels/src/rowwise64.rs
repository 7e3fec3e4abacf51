//! The softmax family (softmax, log-softmax, softmin) on `f64` rows: forward, forward in place
//! and backward, reached through [`RowActivation`](crate::rowwise::RowActivation) with
//! `T = f64`.
//!
//! The method is the f32 one of [`rowwise`](crate::rowwise) on f64 lanes ([`V64`]), with the
//! exponentials of pass 1 as double words so the sum, and so every output, is accurate to a
//! fraction of an ULP:
//!
//! * `m = max x` (exact; `-x` for softmin), `d = x - m` as an exact double word `d_hi + d_lo`
//!   (TwoSum), and `e = 2^64·e^d` as a double word `e + e_lo` by [`exp_dw_2p64`] (relative
//!   error below `2^-57`; a private kernel of this file: [`math64::exp`](crate::math64::exp)
//!   returns one rounded word, and that rounding, up to an ULP of the output once it is
//!   divided by the sum, is what this avoids). The `2^64` scale, applied exactly through the
//!   exponent, keeps every term normal down to `d = -746`, below which the term is 0 (`e^d <
//!   2^-1076`: its softmax output rounds to 0 whatever the sum). The largest element
//!   contributes exactly `2^64`.
//! * `S' = Σ (e + e_lo)` in **16 fixed compensated slots** (element `i` to slot `i mod 16`,
//!   TwoSum with a Neumaier low word, combined in slot order): the layout does not depend on
//!   the vector width (1, 2, 4 or 8 lanes), so every result is **bit-identical on every ISA**.
//! * softmax: pass 1 stores the high words `e`; `y = e·(1/S')` with `1/S'` as a double word
//!   (carrying the `2^-64`), one FMA, so a subnormal output is rounded once. (Recomputing
//!   `e + e_lo` in pass 2 instead would bring the maximum from 1.42 to 1.14 ULP at 1.6 times
//!   the cost.) softmin is softmax of `-x`.
//! * log-softmax: `S - 1` as a double word `s + s_lo` (exact: `S ≥ 1`), `L = ln1p(s) +
//!   s_lo/(1 + s)`, and `y = (d_hi - L) + d_lo` with the first subtraction's rounding error
//!   (TwoSum) and `L`'s low word added back with `d_lo`: one final rounding, no cancellation
//!   (`d ≤ 0 ≤ L`).
//! * backward (from the output): softmax `dx = y·(dy - Σ dy·y)` with the dot product in the same
//!   16 slots (products split exactly by FMA); softmin its negation; log-softmax
//!   `dx = dy - e^y·Σ dy` with [`math64::exp`](crate::math64::exp).
//! * special rows as in f32: NaN, or `+inf` (`-inf` for softmin), makes a row all NaN; a row of
//!   `-inf` (`+inf` for softmin) is all NaN or, with [`MaskedRows::Zero`], all zeros (and zero
//!   log-softmax gradients).
//!
//! **Accuracy** (tests/rowwise_f64.rs against MPFR, 2.1·10^6 outputs on rows of 1 to 10^5
//! elements with adversarial magnitudes; every ISA gives the scalar bits): softmax 1.40 ULP,
//! log-softmax 0.99 ULP, softmin 1.42 ULP; subnormal outputs (errors in steps of `2^-1074`)
//! 0.98, 0.99, 0.62. The analysis bounds softmax by about 1.6 ULP (the rounding of `e`, up to
//! one ULP of the output, half an ULP for the final rounding, `2^-57` for the rest).
//! Backward is within twice the rounding of its formula's own operations (measured 1.23 of
//! it for softmax and softmin, 0.5 for log-softmax; see the test for the bound).

use crate::Isa;
use crate::kernel::check_len;
use crate::math::V64;
use crate::math64::{exp, ln1p};
use crate::rowwise::{MaskedRows, RowFunction, check_rows};
use pulp::{Simd, WithSimd};

/// Number of accumulation slots (a multiple of every f64 lane count: 1, 2, 4, 8).
const SLOTS: usize = 16;

/// Below this `d`, `2^64·e^d` is 0 (`e^d < 2^-1076`: every softmax output rounds to 0).
const ZERO_BELOW: f64 = -746.0;
const TWO_M64: f64 = 1.0 / 18_446_744_073_709_551_616.0;
const LOG2E: f64 = 1.442_695_040_888_963_4; // RN(1/ln 2)
/// `ln 2 = LN2_1 + LN2_2 + LN2_3 + O(2^-157)`: `LN2_1` is `ln 2` rounded to 42 significant
/// bits (so `n·LN2_1` is exact for `|n| < 2^11`), the others the rest rounded to nearest
/// (mpmath, 400 bits).
const LN2_1: f64 = 0.693_147_180_559_890_3; // 0x1.62e42fefa38p-1
const LN2_2: f64 = 5.497_923_018_708_371e-14; // 0x1.ef35793c7673p-45
const LN2_3: f64 = 1.947_045_092_380_75e-31; // 0x1.f97b57a079a19p-103
/// `1/k!` for `k = 3..=14`, each rounded to nearest (exact Taylor rationals: IEEE division of
/// exact integers).
const INV_FACT: [f64; 12] = [
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
    1.0 / 87_178_291_200.0,
];

/// Which function of the family.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Kind {
    Softmax,
    LogSoftmax,
    Softmin,
}

fn parts(f: RowFunction) -> (Kind, MaskedRows) {
    match f {
        RowFunction::Softmax(f) => (Kind::Softmax, f.masked),
        RowFunction::LogSoftmax(f) => (Kind::LogSoftmax, f.masked),
        RowFunction::Softmin(f) => (Kind::Softmin, f.masked),
    }
}

/// `y = f(x)` row by row on `isa` (panics on inconsistent lengths).
#[track_caller]
pub(crate) fn forward_on(f: RowFunction, isa: Isa, x: &[f64], y: &mut [f64], row_len: usize) {
    check_len("input and output", x.len(), y.len());
    check_rows(x.len(), row_len);
    let (kind, masked) = parts(f);
    isa.dispatch(Forward {
        kind,
        masked,
        row_len,
        io: Io::Split(x, y),
    })
}

/// `x = f(x)` row by row on `isa`.
#[track_caller]
pub(crate) fn forward_in_place_on(f: RowFunction, isa: Isa, x: &mut [f64], row_len: usize) {
    check_rows(x.len(), row_len);
    let (kind, masked) = parts(f);
    isa.dispatch(Forward {
        kind,
        masked,
        row_len,
        io: Io::InPlace(x),
    })
}

/// `dx` from the forward output `y` and the upstream gradient `dy`, on `isa`.
#[track_caller]
pub(crate) fn backward_on(
    f: RowFunction,
    isa: Isa,
    y: &[f64],
    dy: &[f64],
    dx: &mut [f64],
    row_len: usize,
) {
    check_len("y and dx", y.len(), dx.len());
    check_len("dy and dx", dy.len(), dx.len());
    check_rows(y.len(), row_len);
    isa.dispatch(Backward {
        kind: parts(f).0,
        row_len,
        y,
        dy,
        dx,
    })
}

// ---------------------------------------------------------------------------------------------
// Fixed-slot compensated sums.

/// `SLOTS` compensated f64 accumulators: slot `i` receives every element `j ≡ i (mod SLOTS)`.
struct Slots<S: Simd> {
    hi: [S::f64s; SLOTS],
    lo: [S::f64s; SLOTS],
}

impl<S: Simd> Slots<S> {
    #[inline(always)]
    fn new(s: S) -> Self {
        let z = s.splat_f64s(0.0);
        Slots {
            hi: [z; SLOTS],
            lo: [z; SLOTS],
        }
    }

    /// Adds `v + v_lo` into vector slot `k` (TwoSum of the running sum and `v`; its rounding
    /// error and `v_lo` go to the low word).
    #[inline(always)]
    fn add(&mut self, s: S, k: usize, v: V64<S>, v_lo: V64<S>) {
        let a = V64::new(s, self.hi[k]);
        let t = a + v;
        let bb = t - a;
        let err = (a - (t - bb)) + (v - bb);
        self.hi[k] = t.v;
        self.lo[k] = (V64::new(s, self.lo[k]) + (err + v_lo)).v;
    }

    /// The total as `(hi, lo)` (`hi = RN(hi + lo)`), combined in slot order, the same on every
    /// ISA. An infinite or NaN total is returned as `(total, 0)`.
    #[inline(always)]
    fn total(&self) -> (f64, f64) {
        let n_vec = SLOTS / S::F64_LANES;
        let mut hi = [0.0f64; SLOTS];
        let mut lo = [0.0f64; SLOTS];
        S::as_mut_simd_f64s(&mut hi)
            .0
            .copy_from_slice(&self.hi[..n_vec]);
        S::as_mut_simd_f64s(&mut lo)
            .0
            .copy_from_slice(&self.lo[..n_vec]);
        let (mut s, mut c) = (0.0f64, 0.0f64);
        for i in 0..SLOTS {
            let t = s + hi[i];
            let bb = t - s;
            let err = (s - (t - bb)) + (hi[i] - bb);
            s = t;
            c += err + lo[i];
        }
        if !s.is_finite() {
            // ±inf or NaN is the exact sum's value; the compensation (NaN there) is not.
            return (s, 0.0);
        }
        let h = s + c;
        (h, c - (h - s))
    }
}

// ---------------------------------------------------------------------------------------------
// Blocks of `SLOTS` elements.

/// A block of up to `SLOTS` elements as the vectors of `S` (a partial block is padded with
/// `pad`); only the first `SLOTS / S::F64_LANES` vectors are meaningful.
#[inline(always)]
fn load_block<S: Simd>(s: S, src: &[f64], pad: f64) -> [S::f64s; SLOTS] {
    let mut out = [s.splat_f64s(pad); SLOTS];
    let n_vec = SLOTS / S::F64_LANES;
    match src.first_chunk::<SLOTS>() {
        Some(b) => out[..n_vec].copy_from_slice(S::as_simd_f64s(b).0),
        None => {
            let mut b = [pad; SLOTS];
            b[..src.len()].copy_from_slice(src);
            out[..n_vec].copy_from_slice(S::as_simd_f64s(&b).0);
        }
    }
    out
}

/// Stores the first `dst.len()` (≤ `SLOTS`) lanes of a block.
#[inline(always)]
fn store_block<S: Simd>(dst: &mut [f64], v: &[S::f64s; SLOTS]) {
    let n_vec = SLOTS / S::F64_LANES;
    match dst.first_chunk_mut::<SLOTS>() {
        Some(b) => S::as_mut_simd_f64s(b).0.copy_from_slice(&v[..n_vec]),
        None => {
            let mut b = [0.0f64; SLOTS];
            S::as_mut_simd_f64s(&mut b).0.copy_from_slice(&v[..n_vec]);
            let k = dst.len();
            dst.copy_from_slice(&b[..k]);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Forward.

/// Input/output of a forward pass: separate slices, or one slice in place.
enum Io<'a> {
    Split(&'a [f64], &'a mut [f64]),
    InPlace(&'a mut [f64]),
}

impl Io<'_> {
    #[inline(always)]
    fn len(&self) -> usize {
        match self {
            Io::Split(x, _) => x.len(),
            Io::InPlace(x) => x.len(),
        }
    }
    #[inline(always)]
    fn input(&self) -> &[f64] {
        match self {
            Io::Split(x, _) => x,
            Io::InPlace(x) => x,
        }
    }
    #[inline(always)]
    fn output(&mut self) -> &mut [f64] {
        match self {
            Io::Split(_, y) => y,
            Io::InPlace(x) => x,
        }
    }
}

/// `(max, has_nan)` of a row, negated first for softmin. The max of a set does not depend on
/// the evaluation order; `±0` become `+0`.
#[inline(always)]
fn row_max<S: Simd>(s: S, x: &[f64], neg: bool) -> (f64, bool) {
    let (head, tail) = S::as_simd_f64s(x);
    let mut acc = V64::splat(s, f64::NEG_INFINITY);
    let mut bad = V64::splat(s, 0.0).is_nan();
    for &v in head {
        let v = V64::new(s, v);
        let v = if neg { -v } else { v };
        bad = bad | v.is_nan();
        acc = v.gt(acc).select(v, acc);
    }
    let mut lanes = [f64::NEG_INFINITY; SLOTS];
    let n = S::F64_LANES;
    S::as_mut_simd_f64s(&mut lanes[..n]).0[0] = acc.v;
    let mut m = f64::NEG_INFINITY;
    for &v in &lanes[..n] {
        if v > m {
            m = v;
        }
    }
    let mut nan = bad.any();
    for &v in tail {
        let v = if neg { -v } else { v };
        nan |= v.is_nan();
        if v > m {
            m = v;
        }
    }
    (m + 0.0, nan)
}

/// The fill value of a special row (NaN or `+inf` after the negation, or fully masked), if it
/// is one.
#[inline(always)]
fn special_fill(nan: bool, m: f64, masked: MaskedRows) -> Option<f64> {
    if nan || m == f64::INFINITY || m == f64::NEG_INFINITY {
        Some(
            if !nan && m == f64::NEG_INFINITY && masked == MaskedRows::Zero {
                0.0
            } else {
                f64::NAN
            },
        )
    } else {
        None
    }
}

/// `a - b` as `(hi, lo)` exactly (TwoSum) for finite `b`; where the difference is `-inf`
/// (`a = -inf`, or an overflow) `lo` is 0.
#[inline(always)]
fn two_diff<S: Simd>(a: V64<S>, b: V64<S>) -> (V64<S>, V64<S>) {
    let d = a - b;
    let bb = d - a;
    let lo = (a - (d - bb)) - (b + bb);
    (d, d.gt(d.k(f64::NEG_INFINITY)).select(lo, d.k(0.0)))
}

/// `(a + b, error)` exactly (TwoSum, any magnitudes).
#[inline(always)]
fn two_sum<S: Simd>(a: V64<S>, b: V64<S>) -> (V64<S>, V64<S>) {
    let t = a + b;
    let bb = t - a;
    (t, (a - (t - bb)) + (b - bb))
}

/// `(a + b, error)` exactly for `|a| ≥ |b|` (Fast2Sum).
#[inline(always)]
fn fast_two_sum<S: Simd>(a: V64<S>, b: V64<S>) -> (V64<S>, V64<S>) {
    let t = a + b;
    (t, b - (t - a))
}

/// `2^64·e^(hi + lo)` as a double word `(e, e_lo)` (`e = RN(e + e_lo)`, relative error about
/// `2^-58`), for `hi ≤ 0` or `-inf`, `|lo| ≤ ulp(hi)`; 0 below -746. `e` is normal (at least
/// `2^-1013`): the scale `2^(n+64)` (`n ≥ -1076`) is applied through the exponent, exactly;
/// `e_lo` may be subnormal for the smallest terms (an absolute `2^-1075`, `2^-62` of `e`).
///
/// `n = round(hi/ln 2)`, `r = hi - n·ln 2 + lo` as `r + r_lo` (Cody-Waite with a three-word
/// `ln 2`: `hi - n·LN2_1` is exact, `n·LN2_2` is split exactly by FMA, the remaining terms are
/// below `2^-97`); `e^r = 1 + r + r²/2 + r³·P(r) + r_lo·e^r`, `P` the Taylor series `1/3! +
/// r/4! + … + r^11/14!` (truncation `< 2^-63` for `|r| ≤ 0.35`), with `r²/2` exact (FMA) and
/// the sum kept as a double word.
#[inline(always)]
fn exp_dw_2p64<S: Simd>(hi: V64<S>, lo: V64<S>) -> (V64<S>, V64<S>) {
    let zero = hi.lt(hi.k(ZERO_BELOW));
    let hi = zero.select(hi.k(ZERO_BELOW), hi);
    let lo = zero.select(hi.k(0.0), lo);
    // n in [-1076, 0]: the scale 2^(n+64) is normal.
    let (n, z) = (hi * LOG2E).round_magic();
    let t = n.neg_mul_add(hi.k(LN2_1), hi); // exact
    let (p, p_lo) = n.two_prod(hi.k(LN2_2));
    let (r, r_e) = two_sum(t, -p);
    let r_lo = n.neg_mul_add(hi.k(LN2_3), r_e - p_lo) + lo;
    // e^r = 1 + r + r²/2 + r³·P(r), then the first-order effect of r_lo.
    let (h, h_lo) = r.two_prod(r * 0.5);
    // P(r) by Estrin's scheme (a shorter dependency chain than Horner's).
    let f = |i: usize| hi.k(INV_FACT[i]);
    let r2 = r * r;
    let r4 = r2 * r2;
    let p = |i: usize| f(i + 1).mul_add(r, f(i));
    let q0 = p(2).mul_add(r2, p(0));
    let q1 = p(6).mul_add(r2, p(4));
    let q2 = p(10).mul_add(r2, p(8));
    let poly = q2.mul_add(r4 * r4, q1.mul_add(r4, q0));
    let c = r2 * r * poly;
    let (a, a_lo) = fast_two_sum(hi.k(1.0), r);
    let (b, b_lo) = fast_two_sum(a, h);
    let tail = (h_lo + r_lo * (b + c)) + (a_lo + b_lo) + c;
    let (e, e_lo) = fast_two_sum(b, tail);
    // 2^(n + 64): the low bits of z hold n (two's complement); n + 1087 is in [11, 1087].
    let scale = z.bits().add_k(1023 + 64).shl_52().f64();
    let z0 = hi.k(0.0);
    (zero.select(z0, e * scale), zero.select(z0, e_lo * scale))
}

/// Pass-1 and pass-2 term `2^64·e^(x - m)` as a double word (`x` negated first for softmin).
#[inline(always)]
fn exp_term<S: Simd>(x: V64<S>, mv: V64<S>, neg: bool) -> (V64<S>, V64<S>) {
    let x = if neg { -x } else { x };
    let (d, d_lo) = two_diff(x, mv);
    exp_dw_2p64(d, d_lo)
}

/// `L = ln S` of log-softmax as `(L, L_lo)` from the pass-1 sum `S' = 2^64·S` given as
/// `(sum, sum_lo)`.
#[inline(always)]
fn log_norm<S: Simd>(s: S, sum: f64, sum_lo: f64) -> (V64<S>, V64<S>) {
    // S - 1 = (sum·2^-64 - 1) + sum_lo·2^-64: the scaling of `sum` is exact, the subtraction
    // is exact (1 ≤ S < 2^53), and the TwoSum keeps the sum of the two exactly (the scaled
    // `sum_lo` may round only where it is subnormal, 2^-1074 absolute).
    let a = V64::splat(s, sum * TWO_M64 - 1.0);
    let b = V64::splat(s, sum_lo * TWO_M64);
    let t = a + b;
    let bb = t - a;
    let t_lo = (a - (t - bb)) + (b - bb);
    // ln1p(t + t_lo) = ln1p(t) + t_lo/(1 + t) to first order (|t_lo| ≤ 2^-53·|t|).
    (ln1p(t), t_lo / (t + 1.0))
}

/// Log-softmax output `(x - m) - L` with `x - m` and `L` as double words, rounded once.
#[inline(always)]
fn log_term<S: Simd>(x: V64<S>, mv: V64<S>, l: V64<S>, l_lo: V64<S>) -> V64<S> {
    let (d, d_lo) = two_diff(x, mv);
    let t = d - l;
    let bb = t - d;
    let err = (d - (t - bb)) - (l + bb);
    let y = t + ((err + d_lo) - l_lo);
    // d = -inf: the error terms are NaN; the result is -inf.
    d.gt(d.k(f64::NEG_INFINITY)).select(y, t)
}

/// `1/S'` as `(r, r_lo)`: `r = RN(1/S'_hi)`, `r_lo = (1 - S'_hi·r - S'_lo·r)/S'_hi`.
#[inline(always)]
fn recip_norm<S: Simd>(s: S, sum: f64, sum_lo: f64) -> (V64<S>, V64<S>) {
    let sv = V64::splat(s, sum);
    let r = V64::splat(s, 1.0) / sv;
    let r_lo = (sv.neg_mul_add(r, r.k(1.0)) - r * sum_lo) / sv;
    (r, r_lo)
}

/// Softmax output `e·(r + r_lo)` with one rounding (correct in the subnormal range).
#[inline(always)]
fn scale_term<S: Simd>(e: V64<S>, r: V64<S>, r_lo: V64<S>) -> V64<S> {
    e.mul_add(r, e * r_lo)
}

/// The forward driver: every row, one dispatch.
struct Forward<'a> {
    kind: Kind,
    masked: MaskedRows,
    row_len: usize,
    io: Io<'a>,
}

impl WithSimd for Forward<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        let Forward {
            kind,
            masked,
            row_len,
            mut io,
        } = self;
        if row_len == 0 {
            return;
        }
        for r in 0..io.len() / row_len {
            forward_row(s, kind, masked, &mut io, r * row_len, row_len);
        }
    }
}

#[inline(always)]
fn forward_row<S: Simd>(
    s: S,
    kind: Kind,
    masked: MaskedRows,
    io: &mut Io<'_>,
    start: usize,
    n: usize,
) {
    let neg = kind == Kind::Softmin;
    let (m, nan) = row_max(s, &io.input()[start..start + n], neg);
    if let Some(fill) = special_fill(nan, m, masked) {
        io.output()[start..start + n].fill(fill);
        return;
    }
    let n_vec = SLOTS / S::F64_LANES;
    let mv = V64::splat(s, m);
    // Padding that contributes e = 0 (after the negation, for softmin).
    let pad = if neg {
        f64::INFINITY
    } else {
        f64::NEG_INFINITY
    };
    let log = kind == Kind::LogSoftmax;
    // Pass 1: S' = Σ 2^64·e^(x - m), the terms as double words; softmax stores the high words
    // in the output (in place too: the block has been read).
    let mut slots = Slots::<S>::new(s);
    let mut i = 0;
    while i < n {
        let k = (n - i).min(SLOTS);
        let mut xv = load_block(s, &io.input()[start + i..start + i + k], pad);
        for (j, v) in xv[..n_vec].iter_mut().enumerate() {
            let (e, e_lo) = exp_term(V64::new(s, *v), mv, neg);
            slots.add(s, j, e, e_lo);
            *v = e.v;
        }
        if !log {
            store_block::<S>(&mut io.output()[start + i..start + i + k], &xv);
        }
        i += k;
    }
    let (sum, sum_lo) = slots.total();
    // Pass 2: normalise.
    if log {
        let (l, l_lo) = log_norm(s, sum, sum_lo);
        let mut i = 0;
        while i < n {
            let k = (n - i).min(SLOTS);
            let mut xv = load_block(s, &io.input()[start + i..start + i + k], 0.0);
            for v in xv[..n_vec].iter_mut() {
                *v = log_term(V64::new(s, *v), mv, l, l_lo).v;
            }
            store_block::<S>(&mut io.output()[start + i..start + i + k], &xv);
            i += k;
        }
    } else {
        let (r, r_lo) = recip_norm(s, sum, sum_lo);
        let y = &mut io.output()[start..start + n];
        let (head, tail) = S::as_mut_simd_f64s(y);
        for v in head.iter_mut() {
            *v = scale_term(V64::new(s, *v), r, r_lo).v;
        }
        if !tail.is_empty() {
            let e = V64::new(s, s.partial_load_f64s(tail));
            s.partial_store_f64s(tail, scale_term(e, r, r_lo).v);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Backward.

/// The backward driver.
struct Backward<'a> {
    kind: Kind,
    row_len: usize,
    y: &'a [f64],
    dy: &'a [f64],
    dx: &'a mut [f64],
}

impl WithSimd for Backward<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        let Backward {
            kind,
            row_len,
            y,
            dy,
            dx,
        } = self;
        if row_len == 0 {
            return;
        }
        let n_vec = SLOTS / S::F64_LANES;
        let zero = V64::splat(s, 0.0);
        for ((y, dy), dx) in y
            .chunks_exact(row_len)
            .zip(dy.chunks_exact(row_len))
            .zip(dx.chunks_exact_mut(row_len))
        {
            // Σ dy·y (softmax, softmin; products split exactly) or Σ dy (log-softmax).
            let mut slots = Slots::<S>::new(s);
            let mut all_zero = true;
            for (yb, gb) in y.chunks(SLOTS).zip(dy.chunks(SLOTS)) {
                let yv = load_block(s, yb, 0.0);
                let gv = load_block(s, gb, 0.0);
                all_zero &= yb.iter().all(|&v| v == 0.0);
                for j in 0..n_vec {
                    let (yv, gv) = (V64::new(s, yv[j]), V64::new(s, gv[j]));
                    if kind == Kind::LogSoftmax {
                        slots.add(s, j, gv, zero);
                    } else {
                        let (p, p_lo) = gv.two_prod(yv);
                        slots.add(s, j, p, p_lo);
                    }
                }
            }
            let (sum, sum_lo) = slots.total();
            let sv = V64::splat(s, sum + sum_lo);
            // A row of zeros longer than 1 is a fully masked row zeroed by
            // `MaskedRows::Zero` (no valid log-softmax row of length > 1 is all zeros): its
            // log-softmax gradient is zero.
            let zero_grad = all_zero && row_len > 1;
            let (yh, yt) = S::as_simd_f64s(y);
            let (gh, gt) = S::as_simd_f64s(dy);
            let (dh, dt) = S::as_mut_simd_f64s(dx);
            for ((d, &yv), &gv) in dh.iter_mut().zip(yh).zip(gh) {
                *d = back_term(kind, zero_grad, V64::new(s, yv), V64::new(s, gv), sv).v;
            }
            if !dt.is_empty() {
                let yv = V64::new(s, s.partial_load_f64s(yt));
                let gv = V64::new(s, s.partial_load_f64s(gt));
                s.partial_store_f64s(dt, back_term(kind, zero_grad, yv, gv, sv).v);
            }
        }
    }
}

/// One vector of `dx` from `y`, `dy` and the row's sum `sv`.
#[inline(always)]
fn back_term<S: Simd>(kind: Kind, zero_grad: bool, yv: V64<S>, gv: V64<S>, sv: V64<S>) -> V64<S> {
    match kind {
        Kind::Softmax => yv * (gv - sv),
        Kind::Softmin => -(yv * (gv - sv)),
        Kind::LogSoftmax => {
            if zero_grad {
                yv.k(0.0)
            } else {
                exp(yv).neg_mul_add(sv, gv)
            }
        }
    }
}

/// The double-word exponential against MPFR (private, so tested here).
#[cfg(all(test, target_arch = "x86_64", feature = "mpfr"))]
mod tests {
    use super::*;
    use rug::Float;

    /// `2^64·e^(hi + lo)` within `2^-57` relative (measured: `0.032·2^-53` over 2·10^6
    /// arguments) for `hi` uniform in `[-746, 0]`, spread over `[-2.5, 0]`, and tiny, with `lo`
    /// 0 or up to half an ULP of `hi`; 0 below -746; exactly `2^64` at 0.
    #[test]
    fn exp_dw_2p64_against_mpfr() {
        let s = pulp::Scalar::new();
        let run = |hi: f64, lo: f64| {
            let (e, e_lo) = exp_dw_2p64(V64::splat(s, hi), V64::splat(s, lo));
            (e.v, e_lo.v)
        };
        let two_p64 = Float::with_val(300, 1u32) << 64;
        let mut worst = 0.0f64;
        let mut st = 12345u64;
        for i in 0..200_000u64 {
            st = st
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let u = (st >> 11) as f64 / (1u64 << 53) as f64;
            let hi = match i % 3 {
                0 => -746.0 * u,
                1 => -(u * 1.5).powi(8),
                _ => -1e-10 * 10f64.powf(-u * 290.0),
            };
            let lo = if i % 2 == 0 {
                0.0
            } else {
                hi * f64::EPSILON * ((st & 0xff) as f64 / 256.0 - 0.5)
            };
            let (e, e_lo) = run(hi, lo);
            let exact = (Float::with_val(300, hi) + lo).exp() * &two_p64;
            let got = Float::with_val(300, e) + e_lo;
            let rel =
                Float::with_val(300, (got - &exact) / &exact).to_f64().abs() / f64::EPSILON * 2.0;
            assert!(e == e + e_lo, "not normalised at {hi:e} + {lo:e}");
            assert!(rel <= 1.0 / 16.0, "{hi:e} + {lo:e}: {rel} (2^-53)");
            worst = worst.max(rel);
        }
        println!("exp_dw_2p64: max relative error {worst:.4}·2^-53");
        assert_eq!(run(0.0, 0.0), (18_446_744_073_709_551_616.0, 0.0));
        for hi in [-746.0000001, -800.0, -1e300, f64::NEG_INFINITY] {
            assert_eq!(run(hi, 0.0), (0.0, 0.0));
        }
    }
}
