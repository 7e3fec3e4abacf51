//! The f64 math core and f64 activation kernels against committed reference values, on every
//! ISA and pulp's emulated lane widths: part of the default suite, so it needs nothing beyond Rust (the MPFR comparisons over
//! many more points are behind the `mpfr` feature).
//!
//! `tests/data/math64_reference.txt` comes from `tools/gen_f64_reference.py` (mpmath at 256
//! bits): per point the exact value as `hi + lo` to about 106 bits. The error of a result `y`
//! is `|y - (hi + lo)|` in f64 ULPs of the exact value (results below the normal range in
//! absolute subnormal ULPs), as the f32 tests measure.

use activation_kernels::Isa;
use activation_kernels::math::V64;
use activation_kernels::math64;
use pulp::Simd;

const DATA: &str = include_str!("data/math64_reference.txt");

/// `(name, bound in ULP)`: the f32 contract's bounds (1 ULP for exp, expm1, ln, ln1p; 2 for
/// the rest).
const FUNCS: &[(&str, f64)] = &[
    ("exp", 1.0),
    ("expm1", 1.0),
    ("ln", 1.0),
    ("ln1p", 1.0),
    ("tanh", 2.0),
    ("sigmoid", 2.0),
    ("erf", 2.0),
    ("erfc", 2.0),
    ("softplus", 2.0),
    ("gelu", 2.0),
    ("gelu_tanh", 2.0),
    ("swish", 2.0),
    ("mish", 2.0),
    ("softsign", 2.0),
    ("tanhshrink", 2.0),
];

/// A function of [`FUNCS`] by name.
#[derive(Copy, Clone)]
struct Named(&'static str);

impl Kernel64 for Named {
    #[inline(always)]
    fn eval<S: Simd>(self, x: V64<S>) -> V64<S> {
        match self.0 {
            "exp" => math64::exp(x),
            "expm1" => math64::expm1(x),
            "ln" => math64::ln(x),
            "ln1p" => math64::ln1p(x),
            "tanh" => math64::tanh(x),
            "sigmoid" => math64::sigmoid(x),
            "erf" => math64::erf(x),
            "erfc" => math64::erfc(x),
            "softplus" => math64::softplus(x),
            "gelu" => math64::gelu(x),
            "gelu_tanh" => math64::gelu_tanh(x),
            "swish" => math64::swish(x, x.k(1.0)),
            "mish" => math64::mish(x),
            "softsign" => math64::softsign(x),
            "tanhshrink" => math64::tanhshrink(x),
            name => panic!("no f64 kernel named {name}"),
        }
    }
}

#[path = "common/runners.rs"]
mod runners;
use runners::{Kernel64, Map64, Runner, dispatch, runners};

fn run(r: Runner, name: &'static str, x: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; x.len()];
    dispatch(
        r,
        Map64 {
            f: Named(name),
            x,
            out: &mut out,
        },
    );
    out
}

fn parse(hex: &str) -> f64 {
    f64::from_bits(u64::from_str_radix(hex, 16).expect("hex f64 bits"))
}

/// The f64 ULP of the exact value `hi + lo` (the subnormal spacing below the normal range).
fn ulp_of(hi: f64) -> f64 {
    let a = hi.abs();
    if a < f64::MIN_POSITIVE {
        return f64::from_bits(1);
    }
    // 2^(E - 1075) for the biased exponent E, built from its bits (powi would overflow in
    // 1/2^1055 on the way).
    let e = a.to_bits() >> 52;
    if e > 52 {
        f64::from_bits((e - 52) << 52)
    } else {
        f64::from_bits(1 << (e - 1))
    }
}

/// Error of `y` against `hi + lo`, in ULPs of the exact value.
fn ulp_error(y: f64, hi: f64, lo: f64) -> f64 {
    if y == hi && lo == 0.0 {
        return 0.0;
    }
    if !y.is_finite() {
        return f64::INFINITY;
    }
    // y - hi is exact when the two are within a factor of two (Sterbenz); a result further
    // off is far outside any bound anyway.
    ((y - hi) - lo).abs() / ulp_of(hi)
}

/// A function's inputs and their exact values `(hi, lo)`.
type Points = (Vec<f64>, Vec<(f64, f64)>);

#[test]
fn f64_kernels_are_within_their_bounds_of_the_reference_values_on_every_isa() {
    let mut points: std::collections::BTreeMap<&str, Points> = Default::default();
    for line in DATA
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let mut it = line.split_whitespace();
        let (name, x, hi, lo) = (
            it.next().unwrap(),
            parse(it.next().unwrap()),
            parse(it.next().unwrap()),
            parse(it.next().unwrap()),
        );
        let e = points.entry(name).or_default();
        e.0.push(x);
        e.1.push((hi, lo));
    }
    assert_eq!(
        points.len(),
        FUNCS.len(),
        "the data file and FUNCS list the same functions"
    );
    let mut failures = Vec::new();
    for &(name, bound) in FUNCS {
        let (xs, refs) = &points[name];
        assert!(xs.len() > 300, "{name}: only {} points", xs.len());
        let scalar = run(Runner::Isa(Isa::Scalar), name, xs);
        let (mut worst, mut at) = (0.0f64, 0.0f64);
        for ((&x, &(hi, lo)), &y) in xs.iter().zip(refs).zip(&scalar) {
            let e = ulp_error(y, hi, lo);
            if e > worst {
                (worst, at) = (e, x);
            }
        }
        eprintln!(
            "{name}: max {worst:.3} ULP (bound {bound}) at x = {at:e} over {} points",
            xs.len()
        );
        if worst > bound {
            failures.push(format!(
                "{name}: {worst:.3} ULP at x = {at:e} (bound {bound})"
            ));
        }
        // Every ISA and pulp's emulated lane widths give the scalar bits.
        for r in runners() {
            let out = run(r, name, xs);
            for (i, (&a, &b)) in scalar.iter().zip(&out).enumerate() {
                assert!(
                    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                    "{name}({:e}) on {r:?}: {b:e} but scalar gives {a:e}",
                    xs[i]
                );
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The harness itself: an exact result has error 0, one f64 step has error 1 (ULP of the
/// exact value), and a wrong value is caught.
#[test]
fn ulp_error_measures_in_ulps_of_the_exact_value() {
    assert_eq!(ulp_error(1.5, 1.5, 0.0), 0.0);
    let next = f64::from_bits(1.5f64.to_bits() + 1);
    assert_eq!(ulp_error(next, 1.5, 0.0), 1.0);
    assert_eq!(ulp_error(1.5, 1.5, ulp_of(1.5) / 4.0), 0.25);
    assert!(ulp_error(1.6, 1.5, 0.0) > 1e12);
    assert_eq!(ulp_error(f64::from_bits(3), f64::from_bits(1), 0.0), 2.0);
    assert_eq!(ulp_error(f64::NAN, 1.0, 0.0), f64::INFINITY);
    assert_eq!(ulp_of(1.0), f64::EPSILON);
    assert_eq!(ulp_of(1e-300), f64::from_bits(1 << 25)); // 2^-1049
    assert_eq!(ulp_of(f64::MIN_POSITIVE), f64::from_bits(1));
}
