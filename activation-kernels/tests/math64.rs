//! The f64 math core (`activation_kernels::math64`): `exp`, `expm1`, `mul_exp`, `ln`, `ln1p` on
//! every ISA (bit-identical to the scalar ISA for every tail length, offset and in place), exact
//! special values, and the error against MPFR over more than 10^6 inputs per function (x86_64,
//! where `rug` is available).
//!
//! The measured maxima are printed (`cargo test --release --test math64 -- --nocapture`).

use activation_kernels::Isa;
use activation_kernels::math::V64;
use activation_kernels::math64;
use pulp::{Simd, WithSimd};

mod common;
use common::Rng;

#[cfg(all(target_arch = "x86_64", feature = "mpfr"))]
#[path = "common/mpfr.rs"]
mod mpfr;

/// The functions under test (`mul_exp` takes the multiplier from a second slice; the others
/// ignore it).
#[derive(Copy, Clone, Debug, PartialEq)]
enum F {
    Exp,
    Expm1,
    MulExp,
    Ln,
    Ln1p,
}

const ALL: [F; 5] = [F::Exp, F::Expm1, F::MulExp, F::Ln, F::Ln1p];

impl F {
    #[inline(always)]
    fn eval<S: Simd>(self, m: V64<S>, x: V64<S>) -> V64<S> {
        match self {
            F::Exp => math64::exp(x),
            F::Expm1 => math64::expm1(x),
            F::MulExp => math64::mul_exp(m, x),
            F::Ln => math64::ln(x),
            F::Ln1p => math64::ln1p(x),
        }
    }
}

/// `out[i] = f(m[i], x[i])`, full vectors then one partial vector.
struct Run<'a> {
    f: F,
    m: &'a [f64],
    x: &'a [f64],
    out: &'a mut [f64],
}

impl WithSimd for Run<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        assert!(self.m.len() == self.x.len() && self.x.len() == self.out.len());
        let (mh, mt) = S::as_simd_f64s(self.m);
        let (xh, xt) = S::as_simd_f64s(self.x);
        let (oh, ot) = S::as_mut_simd_f64s(self.out);
        for ((o, &m), &x) in oh.iter_mut().zip(mh).zip(xh) {
            *o = self.f.eval(V64::new(s, m), V64::new(s, x)).v;
        }
        if !xt.is_empty() {
            let m = V64::new(s, s.partial_load_f64s(mt));
            let x = V64::new(s, s.partial_load_f64s(xt));
            s.partial_store_f64s(ot, self.f.eval(m, x).v);
        }
    }
}

/// `x[i] = f(m[i], x[i])` in place.
struct RunInPlace<'a> {
    f: F,
    m: &'a [f64],
    x: &'a mut [f64],
}

impl WithSimd for RunInPlace<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        assert_eq!(self.m.len(), self.x.len());
        let (mh, mt) = S::as_simd_f64s(self.m);
        let (xh, xt) = S::as_mut_simd_f64s(self.x);
        for (x, &m) in xh.iter_mut().zip(mh) {
            *x = self.f.eval(V64::new(s, m), V64::new(s, *x)).v;
        }
        if !xt.is_empty() {
            let m = V64::new(s, s.partial_load_f64s(mt));
            let x = V64::new(s, s.partial_load_f64s(xt));
            s.partial_store_f64s(xt, self.f.eval(m, x).v);
        }
    }
}

#[path = "common/runners.rs"]
mod runners;
use runners::{Lanes, Runner, dispatch, runners};

fn run(r: Runner, f: F, m: &[f64], x: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    dispatch(
        r,
        Run {
            f,
            m,
            x,
            out: &mut out,
        },
    );
    out
}

fn run_in_place(r: Runner, f: F, m: &[f64], x: &[f64]) -> Vec<f64> {
    let mut x = x.to_vec();
    dispatch(r, RunInPlace { f, m, x: &mut x });
    x
}

/// The same result: identical bits, or both NaN (NaN payloads and signs are not part of the
/// contract; `activation_kernels::ulp::same_result` for f64).
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// One scalar evaluation.
fn eval1(f: F, m: f64, x: f64) -> f64 {
    run(Runner::Isa(Isa::Scalar), f, &[m], &[x])[0]
}

/// `x` moved by `k` representable values (towards +inf for k > 0, through zero; finite `x`).
fn step(x: f64, k: i64) -> f64 {
    // Ordered integer image: -0 and +0 both map to 0.
    let b = x.to_bits();
    let o = if b >> 63 == 1 {
        -((b & !(1 << 63)) as i64)
    } else {
        b as i64
    } + k;
    if o < 0 {
        f64::from_bits(o.unsigned_abs() | 1 << 63)
    } else {
        f64::from_bits(o as u64)
    }
}

/// Each value and its 3 neighbours on either side.
fn with_neighbours(v: &[f64]) -> Vec<f64> {
    v.iter()
        .flat_map(|&x| (-3..=3).map(move |k| step(x, k)))
        .collect()
}

/// Special values and thresholds for every function.
fn edges() -> Vec<f64> {
    let ln2 = core::f64::consts::LN_2;
    let mut v = vec![
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7FF0_0000_0000_0001), // signalling NaN
        f64::from_bits(0xFFF7_FFFF_FFFF_FFFF),
        f64::MAX,
        f64::MIN,
    ];
    v.extend(with_neighbours(&[
        f64::from_bits(1),
        -f64::from_bits(1),
        f64::from_bits(0x000F_FFFF_FFFF_FFFF), // largest subnormal
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        1.0,
        -1.0,
        0.5,
        2.0,
        core::f64::consts::SQRT_2,
        core::f64::consts::FRAC_1_SQRT_2,
        core::f64::consts::SQRT_2 - 1.0,
        core::f64::consts::FRAC_1_SQRT_2 - 1.0,
        709.782712893384,   // exp overflow threshold
        -745.1332191019411, // exp underflow to 0
        -708.3964185322641, // e^x = 2^-1022
        -744.4400719213812, // e^x = 2^-1074
        708.0,
        -708.0,
        710.0,
        -746.0,
        -40.0,
        -36.7368005696771, // 2^-53
        ln2 / 2.0,
        -ln2 / 2.0,
        1.5 * ln2,
        -1.5 * ln2,
        52.5 * ln2,
        1022.5 * ln2,
        -1022.5 * ln2,
        1500.0,
        -1500.0,
        1e-300,
        -1e-300,
        2f64.powi(-54),
        -(2f64.powi(-54)),
        2f64.powi(-27),
        1e10,
        1e300,
    ]));
    v
}

/// Lengths 0..=2·(max lanes)+1, offsets 0..3, out-of-place and in place, every runner: the same
/// results as the scalar ISA ([`same`]).
#[test]
fn every_isa_is_bit_identical_to_scalar_for_every_tail_offset_and_in_place() {
    let mut rng = Rng(0x5EED_0064);
    let mut xs = edges();
    for _ in 0..300 {
        xs.push(rng.unit() * 800.0);
        xs.push(rng.unit() * 2.0);
        xs.push(f64::from_bits(rng.next()));
    }
    let ms: Vec<f64> = (0..xs.len())
        .map(|i| match i % 5 {
            0 => f64::from_bits(rng.next()),
            1 => rng.unit() * 4.0,
            2 => [0.0, -0.0, f64::INFINITY, f64::NAN, f64::MAX][i / 5 % 5],
            _ => f64::from_bits(rng.next() & 0x800F_FFFF_FFFF_FFFF), // subnormal
        })
        .collect();
    let max_lanes = runners()
        .into_iter()
        .map(|r| dispatch(r, Lanes))
        .max()
        .unwrap();
    for f in ALL {
        let want = run(Runner::Isa(Isa::Scalar), f, &ms, &xs);
        for r in runners() {
            let lanes = dispatch(r, Lanes);
            assert!(lanes <= max_lanes);
            for off in 0..3 {
                for len in 0..=2 * max_lanes + 1 {
                    for chunk in (off..xs.len().saturating_sub(len)).step_by(len.max(1) * 7 + 1) {
                        let x = &xs[chunk..chunk + len];
                        let m = &ms[chunk..chunk + len];
                        let w = &want[chunk..chunk + len];
                        for (got, how) in [
                            (run(r, f, m, x), "out of place"),
                            (run_in_place(r, f, m, x), "in place"),
                        ] {
                            for i in 0..len {
                                assert!(
                                    same(got[i], w[i]),
                                    "{f:?} on {r:?} ({how}, len {len}): m = {:e}, x = {:e} gives {:e}, scalar {:e}",
                                    m[i],
                                    x[i],
                                    got[i],
                                    w[i]
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn exact_special_values() {
    let inf = f64::INFINITY;
    let same = |got: f64, want: f64, what: &str| {
        assert!(same(got, want), "{what}: got {got:e}, want {want:e}");
    };
    for (x, want) in [
        (0.0, 1.0),
        (-0.0, 1.0),
        (inf, inf),
        (-inf, 0.0),
        (f64::NAN, f64::NAN),
        (710.0, inf),
        (-746.0, 0.0),
        (1.0, core::f64::consts::E),
        (core::f64::consts::LN_2, 2.0),
        (-744.4400719213812, f64::from_bits(1)),
        (1e-300, 1.0),
    ] {
        same(eval1(F::Exp, 0.0, x), want, &format!("exp({x:e})"));
    }
    for (x, want) in [
        (0.0, 0.0),
        (-0.0, -0.0),
        (inf, inf),
        (-inf, -1.0),
        (f64::NAN, f64::NAN),
        (-40.0, -1.0),
        (710.0, inf),
        (1e-300, 1e-300),
        (-1e-300, -1e-300),
        (f64::from_bits(1), f64::from_bits(1)),
    ] {
        same(eval1(F::Expm1, 0.0, x), want, &format!("expm1({x:e})"));
    }
    for (m, x, want) in [
        (-0.0, 1.0, -0.0),
        (0.0, inf, 0.0),
        (-3.0, inf, -inf),
        (3.0, -inf, 0.0),
        (-3.0, -inf, -0.0),
        (inf, 0.0, inf),
        (-inf, -5.0, -inf),
        (f64::NAN, 0.0, f64::NAN),
        (2.0, f64::NAN, f64::NAN),
        (f64::MAX, 0.0, f64::MAX),
        (f64::from_bits(1), 0.0, f64::from_bits(1)),
        (2f64.powi(-1000), 0.0, 2f64.powi(-1000)),
        (-1.0, 0.0, -1.0),
    ] {
        same(
            eval1(F::MulExp, m, x),
            want,
            &format!("mul_exp({m:e}, {x:e})"),
        );
    }
    for (x, want) in [
        (1.0, 0.0),
        (0.0, -inf),
        (-0.0, -inf),
        (-1.0, f64::NAN),
        (-inf, f64::NAN),
        (-f64::from_bits(1), f64::NAN),
        (inf, inf),
        (f64::NAN, f64::NAN),
        (2.0, core::f64::consts::LN_2),
        (f64::from_bits(1), -744.4400719213812),
    ] {
        same(eval1(F::Ln, 0.0, x), want, &format!("ln({x:e})"));
    }
    for (x, want) in [
        (0.0, 0.0),
        (-0.0, -0.0),
        (-1.0, -inf),
        (-1.5, f64::NAN),
        (-inf, f64::NAN),
        (inf, inf),
        (f64::NAN, f64::NAN),
        (1.0, core::f64::consts::LN_2),
        (1e-300, 1e-300),
        (-1e-300, -1e-300),
        (f64::from_bits(1), f64::from_bits(1)),
        (f64::MAX, 709.782712893384),
    ] {
        same(eval1(F::Ln1p, 0.0, x), want, &format!("ln1p({x:e})"));
    }
}

/// The MPFR comparisons (x86_64 only).
#[cfg(all(target_arch = "x86_64", feature = "mpfr"))]
mod against_mpfr {
    use super::*;

    /// Uniform in `[a, b)`.
    fn uniform(rng: &mut Rng, a: f64, b: f64) -> f64 {
        a + (b - a) * (rng.unit() * 0.5 + 0.5)
    }

    /// A random f64 with a random sign (if `signed`) and biased exponent in `[e_lo, e_hi]`
    /// (`0` gives subnormals), random mantissa.
    fn bits_in(rng: &mut Rng, e_lo: u64, e_hi: u64, signed: bool) -> f64 {
        let r = rng.next();
        let e = e_lo + (rng.next() % (e_hi - e_lo + 1));
        let sign = if signed { r & (1 << 63) } else { 0 };
        f64::from_bits(sign | (e << 52) | (r & 0x000F_FFFF_FFFF_FFFF))
    }

    /// The scalar results, their maximum error against `reference` (with the worst input), and
    /// every other ISA's bits against scalar on the same inputs.
    fn measure(f: F, m: &[f64], x: &[f64], reference: impl Fn(f64, f64) -> rug::Float) -> f64 {
        let want = run(Runner::Isa(Isa::Scalar), f, m, x);
        for isa in Isa::available().filter(|&i| i != Isa::Scalar) {
            let got = run(Runner::Isa(isa), f, m, x);
            for i in 0..x.len() {
                assert!(
                    same(got[i], want[i]),
                    "{f:?} on {isa:?}: m = {:e}, x = {:e}",
                    m[i],
                    x[i]
                );
            }
        }
        let (mut worst, mut at) = (0.0f64, 0);
        for i in 0..x.len() {
            let e = mpfr::ulp_error(want[i], &reference(m[i], x[i]));
            if e > worst || e.is_nan() {
                (worst, at) = (e, i);
            }
        }
        eprintln!(
            "{f:?}: max error {worst:.4} ULP over {} inputs (at m = {:e}, x = {:e}: got {:e}, MPFR {:e})",
            x.len(),
            m[at],
            x[at],
            want[at],
            mpfr::round(&reference(m[at], x[at])),
        );
        worst
    }

    fn check(f: F, x: Vec<f64>, m: Vec<f64>, bound: f64) {
        assert!(x.len() >= 1_000_000, "{} samples", x.len());
        let reference = |m: f64, x: f64| match f {
            F::Exp => mpfr::exp(x),
            F::Expm1 => mpfr::expm1(x),
            F::MulExp => mpfr::mul_exp(m, x),
            F::Ln => mpfr::ln(x),
            F::Ln1p => mpfr::ln1p(x),
        };
        let worst = measure(f, &m, &x, reference);
        assert!(worst <= bound, "{f:?}: {worst} ULP > {bound}");
    }

    fn unary(x: Vec<f64>) -> (Vec<f64>, Vec<f64>) {
        let m = vec![1.0; x.len()];
        (x, m)
    }

    /// The exp-like sample set on `[lo, hi]`: random bit patterns with `|x|` in
    /// `[2^-60, 2^11)`, uniform over the whole range, uniform on `[-1, 1]` and near the ends.
    fn exp_like(seed: u64, lo: f64, hi: f64) -> Vec<f64> {
        let mut rng = Rng(seed);
        let mut x = edges();
        for _ in 0..300_000 {
            x.push(bits_in(&mut rng, 1023 - 60, 1023 + 10, true));
        }
        for _ in 0..500_000 {
            x.push(uniform(&mut rng, lo, hi));
        }
        for _ in 0..150_000 {
            x.push(rng.unit());
        }
        for _ in 0..50_000 {
            x.push(uniform(&mut rng, lo, lo + 40.0));
            x.push(uniform(&mut rng, hi - 40.0, hi));
        }
        // Around the reduction's rounding boundaries (n + 1/2)·ln2.
        for _ in 0..20_000 {
            let n = (uniform(&mut rng, lo, hi) / core::f64::consts::LN_2).floor() + 0.5;
            x.push(step(
                n * core::f64::consts::LN_2,
                (rng.next() % 64) as i64 - 32,
            ));
        }
        x
    }

    #[test]
    fn exp() {
        let (x, m) = unary(exp_like(1, -746.0, 710.0));
        check(F::Exp, x, m, 0.53);
    }

    #[test]
    fn expm1() {
        let mut x = exp_like(2, -40.0, 710.0);
        let mut rng = Rng(22);
        for _ in 0..100_000 {
            x.push(uniform(&mut rng, -0.35, 0.35));
        }
        let (x, m) = unary(x);
        check(F::Expm1, x, m, 0.56);
    }

    #[test]
    fn mul_exp() {
        let mut rng = Rng(3);
        let (mut x, mut m) = (Vec::new(), Vec::new());
        let ln2 = core::f64::consts::LN_2;
        // Any multiplier (normal or subnormal), x chosen so that m·e^x spans the whole range
        // from below the smallest subnormal to above the largest finite value.
        for i in 0..500_000 {
            let mi = if i % 4 == 0 {
                bits_in(&mut rng, 0, 0, true)
            } else {
                bits_in(&mut rng, 1, 2046, true)
            };
            let target = uniform(&mut rng, -1080.0 * ln2, 1026.0 * ln2);
            m.push(mi);
            x.push(target - mi.abs().ln() + rng.unit());
        }
        // Multipliers near 1 on the exp range, and exp-like inputs with random small m.
        for _ in 0..100_000 {
            m.push(uniform(&mut rng, 0.5, 2.0));
            x.push(uniform(&mut rng, -746.0, 710.0));
        }
        for xi in exp_like(33, -750.0, 712.0).into_iter().step_by(3) {
            m.push(rng.unit() * 3.0);
            x.push(xi);
        }
        for &mi in &edges() {
            for &xi in &edges() {
                m.push(mi);
                x.push(xi);
            }
        }
        check(F::MulExp, x, m, 0.53);
    }

    #[test]
    fn ln() {
        let mut rng = Rng(4);
        let mut x = edges();
        for _ in 0..500_000 {
            x.push(bits_in(&mut rng, 0, 2046, false)); // every binade incl. subnormals
        }
        for _ in 0..300_000 {
            x.push(uniform(&mut rng, 0.5, 2.0));
        }
        for _ in 0..100_000 {
            x.push(step(1.0, (rng.next() % 2_000_000) as i64 - 1_000_000));
        }
        for _ in 0..100_000 {
            x.push(bits_in(&mut rng, 0, 2047, true)); // negatives, inf, NaN too
        }
        let (x, m) = unary(x);
        check(F::Ln, x, m, 0.6);
    }

    #[test]
    fn ln1p() {
        let mut rng = Rng(5);
        let mut x = edges();
        for _ in 0..300_000 {
            x.push(bits_in(&mut rng, 0, 2046, false));
        }
        for _ in 0..200_000 {
            x.push(-bits_in(&mut rng, 0, 1022, false)); // (-1, 0)
        }
        for _ in 0..400_000 {
            x.push(rng.unit());
        }
        for _ in 0..50_000 {
            x.push(step(-1.0, (rng.next() % 1_000_000) as i64 + 1)); // just above -1
        }
        for _ in 0..50_000 {
            // Around the ends of the mantissa range, where k changes.
            let b = [
                core::f64::consts::SQRT_2 - 1.0,
                core::f64::consts::FRAC_1_SQRT_2 - 1.0,
            ];
            x.push(step(
                b[(rng.next() & 1) as usize],
                (rng.next() % 20_000) as i64 - 10_000,
            ));
        }
        let (x, m) = unary(x);
        check(F::Ln1p, x, m, 0.62);
    }
}
