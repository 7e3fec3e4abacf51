//! PReLU, RReLU and maxout on `f64`, `bf16` and `f16` slices (inputs with NaN, ±inf, ±0 and
//! subnormals of each type): every ISA gives the same bits,
//! and each result is the function computed in the type's compute precision and rounded once
//! (for the half types: exactly the f32 API's result on the widened inputs, rounded to
//! nearest even; the slope gradient, a sum, within one ULP of the type of the exact sum, plus
//! the rounding of the f64 sum that serves as the reference).

use activation_kernels::element::Element;
use activation_kernels::element::half::{bf16, f16};
use activation_kernels::maxout::Maxout;
use activation_kernels::prelu::Prelu;
use activation_kernels::rrelu::Rrelu;
use activation_kernels::{Activation, Isa};

mod common;
use common::Rng;

/// Inputs with zeros of both signs, infinities and NaN among random values at several scales.
fn inputs(n: usize, seed: u64) -> Vec<f32> {
    let mut g = Rng(seed);
    (0..n)
        .map(|i| match i % 29 {
            0 => -0.0,
            1 => 0.0,
            2 => f32::NEG_INFINITY,
            3 => f32::INFINITY,
            4 => f32::NAN,
            5 => -3.0,   // repeated values make maxout ties
            6 => -1e-39, // f32 subnormal (bf16 subnormal too; f16 rounds it to -0)
            7 => 3e-7,   // f16 subnormal
            8 => -f32::MIN_POSITIVE,
            _ => g.f() * [1.0, 1e-3, 30.0][i % 3],
        })
        .collect()
}

/// What the tests need of an element type: conversion from/to f32 (exact widening, the
/// `half` crate's rounding) and bit equality with NaN ≡ NaN.
trait Ty: Element + Copy + core::fmt::Debug {
    fn from_f32(x: f32) -> Self;
    fn from_f64(x: f64) -> Self;
    fn to_f64(self) -> f64;
    fn same(a: Self, b: Self) -> bool;
    /// One ULP of the type at `v` (for the sum's tolerance).
    fn ulp(v: f64) -> f64;
}
impl Ty for f64 {
    fn from_f32(x: f32) -> Self {
        f64::from(x)
    }
    fn from_f64(x: f64) -> Self {
        x
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn same(a: Self, b: Self) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }
    fn ulp(v: f64) -> f64 {
        (v.abs().max(f64::MIN_POSITIVE)) * f64::EPSILON
    }
}
macro_rules! half_ty {
    ($t:ty, $mant:expr) => {
        impl Ty for $t {
            fn from_f32(x: f32) -> Self {
                <$t>::from_f32(x)
            }
            fn from_f64(x: f64) -> Self {
                <$t>::from_f64(x)
            }
            fn to_f64(self) -> f64 {
                f64::from(self.to_f32())
            }
            fn same(a: Self, b: Self) -> bool {
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
            }
            fn ulp(v: f64) -> f64 {
                v.abs().max(1e-30) * 2f64.powi(-$mant)
            }
        }
    };
}
half_ty!(bf16, 7);
half_ty!(f16, 10);

fn convert<T: Ty>(x: &[f32]) -> Vec<T> {
    x.iter().map(|&v| T::from_f32(v)).collect()
}

fn assert_same<T: Ty>(got: &[T], want: &[T], what: &str) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(T::same(*g, *w), "{what} [{i}]: {g:?} != {w:?}");
    }
}

/// The half-type result is the f32 result of the widened values, rounded once; f64 is
/// computed in f64 (checked against the definition directly).
fn check_prelu<T: Ty>(is_half: bool) {
    let (c, inner, outer) = (5, 3, 7);
    let n = c * inner * outer;
    let xf: Vec<f32> = inputs(n, 11)
        .iter()
        .map(|&v| T::from_f32(v).to_f64() as f32)
        .collect();
    let dyf: Vec<f32> = inputs(n, 12)
        .iter()
        .map(|&v| {
            if v.is_finite() {
                T::from_f32(v).to_f64() as f32
            } else {
                1.5
            }
        })
        .collect();
    let slopes_f: [f32; 5] = [0.25, 0.0, -0.5, 1.5, 0.1];
    let slopes: Vec<T> = convert(&slopes_f);
    let slopes_w: Vec<f32> = slopes.iter().map(|s| s.to_f64() as f32).collect();
    for inner in [inner, 1] {
        let p = Prelu::new(&slopes, inner).unwrap();
        let pf = Prelu::new(&slopes_w, inner).unwrap();
        let (x, dy): (Vec<T>, Vec<T>) = (convert(&xf), convert(&dyf));
        let (mut y0, mut dx0, mut ds0) = (x.clone(), x.clone(), slopes.clone());
        p.forward_on(Isa::Scalar, &x, &mut y0);
        p.backward_on(Isa::Scalar, &x, &dy, &mut dx0, &mut ds0);
        for isa in Isa::available() {
            let (mut y, mut dx, mut ds) = (x.clone(), x.clone(), slopes.clone());
            p.forward_on(isa, &x, &mut y);
            assert_same(&y, &y0, "prelu forward");
            let mut ip = x.clone();
            p.forward_in_place_on(isa, &mut ip);
            assert_same(&ip, &y0, "prelu in place");
            p.backward_on(isa, &x, &dy, &mut dx, &mut ds);
            assert_same(&dx, &dx0, "prelu dx");
            assert_same(&ds, &ds0, "prelu dslopes");
        }
        // Against the f32 API (half types) or the definition (f64).
        let (mut yf, mut dxf, mut dsf) = (xf.clone(), xf.clone(), slopes_w.clone());
        pf.forward(&xf, &mut yf);
        pf.backward(&xf, &dyf, &mut dxf, &mut dsf);
        for i in 0..n {
            let a = slopes[(i / inner) % c].to_f64();
            let (xv, g) = (x[i].to_f64(), dy[i].to_f64());
            let (want_y, want_dx) = if is_half {
                (T::from_f32(yf[i]), T::from_f32(dxf[i]))
            } else {
                let y = if xv > 0.0 {
                    xv
                } else if xv < 0.0 && a == 0.0 {
                    -0.0
                } else {
                    a * xv
                };
                (
                    T::from_f64(y),
                    T::from_f64(g * if xv > 0.0 { 1.0 } else { a }),
                )
            };
            assert!(
                T::same(y0[i], want_y),
                "prelu y[{i}] {:?} {:?}",
                y0[i],
                want_y
            );
            assert!(T::same(dx0[i], want_dx), "prelu dx[{i}]");
        }
        // dslopes: within one ULP of the type of the exact sum (NaN/inf where the sum is).
        for (ch, got) in ds0.iter().enumerate() {
            // The products of f32-representable values are exact in f64; the f64 sum's own
            // rounding is covered by the second term of the tolerance.
            let (mut exact, mut magnitude) = (0.0f64, 0.0f64);
            for i in (0..n).filter(|i| (i / inner) % c == ch) {
                let xv = x[i].to_f64();
                if xv <= 0.0 || xv.is_nan() {
                    exact += dy[i].to_f64() * xv;
                    magnitude += (dy[i].to_f64() * xv).abs();
                }
            }
            let got = got.to_f64();
            if !exact.is_finite() {
                assert!(
                    got.is_nan() || got == exact,
                    "dslopes[{ch}] {got} vs {exact}"
                );
            } else {
                let tol = T::ulp(exact) + 32.0 * f64::EPSILON * magnitude;
                assert!((got - exact).abs() <= tol, "dslopes[{ch}] {got} vs {exact}");
            }
        }
    }
}

fn check_maxout<T: Ty>() {
    let k = 4;
    let xf: Vec<f32> = inputs(4 * 97, 21);
    let x: Vec<T> = convert(&xf);
    let xw: Vec<f32> = x.iter().map(|v| v.to_f64() as f32).collect();
    let dy: Vec<T> = convert(
        &inputs(97, 22)
            .iter()
            .map(|v| v.abs().min(9.0))
            .collect::<Vec<_>>(),
    );
    let m = Maxout::new(k).unwrap();
    let (mut y0, mut dx0) = (dy.clone(), x.clone());
    m.forward_on(Isa::Scalar, &x, &mut y0);
    m.backward(&x, &dy, &mut dx0);
    for isa in Isa::available() {
        let mut y = dy.clone();
        m.forward_on(isa, &x, &mut y);
        assert_same(&y, &y0, "maxout");
    }
    // The maximum is one of the inputs: the same values as the f32 API on the widened inputs
    // (NaN for a group with NaN, +0 over -0).
    let mut yf = vec![0.0f32; 97];
    m.forward(&xw, &mut yf);
    let mut dxf = vec![0.0f32; xw.len()];
    let dyw: Vec<f32> = dy.iter().map(|v| v.to_f64() as f32).collect();
    m.backward(&xw, &dyw, &mut dxf);
    for j in 0..97 {
        assert!(T::same(y0[j], T::from_f32(yf[j])), "maxout y[{j}]");
        assert_eq!(y0[j].to_f64().is_sign_negative(), yf[j].is_sign_negative());
    }
    for i in 0..xw.len() {
        assert!(T::same(dx0[i], T::from_f32(dxf[i])), "maxout dx[{i}]");
    }
}

fn check_rrelu<T: Ty>(is_half: bool) {
    let r = Rrelu::default();
    let xf: Vec<f32> = inputs(1001, 31);
    let x: Vec<T> = convert(&xf);
    let xw: Vec<f32> = x.iter().map(|v| v.to_f64() as f32).collect();
    let dy: Vec<T> = convert(&vec![1.25f32; 1001]);
    let t = r.train(17, (1u64 << 32) - 300);
    let (mut y0, mut dx0) = (x.clone(), x.clone());
    t.forward_on(Isa::Scalar, &x, &mut y0);
    t.backward_on(Isa::Scalar, &x, &dy, &mut dx0);
    for isa in Isa::available() {
        let (mut y, mut dx) = (x.clone(), x.clone());
        t.forward_on(isa, &x, &mut y);
        t.backward_on(isa, &x, &dy, &mut dx);
        assert_same(&y, &y0, "rrelu forward");
        assert_same(&dx, &dx0, "rrelu backward");
    }
    let (mut yf, mut dxf) = (xw.clone(), xw.clone());
    t.forward(&xw, &mut yf);
    t.backward(&xw, &[1.25f32; 1001], &mut dxf);
    for i in 0..xw.len() {
        let a = f64::from(r.slope(17, ((1u64 << 32) - 300).wrapping_add(i as u64)));
        let xv = x[i].to_f64();
        if is_half {
            assert!(T::same(y0[i], T::from_f32(yf[i])), "rrelu y[{i}]");
            assert!(T::same(dx0[i], T::from_f32(dxf[i])), "rrelu dx[{i}]");
        } else {
            let y = if xv > 0.0 { xv } else { a * xv };
            assert!(T::same(y0[i], T::from_f64(y)), "rrelu y[{i}]");
            let d = 1.25 * if xv > 0.0 { 1.0 } else { a };
            assert!(T::same(dx0[i], T::from_f64(d)), "rrelu dx[{i}]");
        }
    }
    // Evaluation mode: leaky ReLU with the mean slope, on this type too.
    let mut y = x.clone();
    r.forward(&x, &mut y);
    let mut want = x.clone();
    r.eval_activation().forward(&x, &mut want);
    assert_same(&y, &want, "rrelu eval");
}

#[test]
fn prelu_on_every_element_type() {
    check_prelu::<f64>(false);
    check_prelu::<bf16>(true);
    check_prelu::<f16>(true);
}

#[test]
fn maxout_on_every_element_type() {
    check_maxout::<f64>();
    check_maxout::<bf16>();
    check_maxout::<f16>();
}

#[test]
fn rrelu_on_every_element_type() {
    check_rrelu::<f64>(false);
    check_rrelu::<bf16>(true);
    check_rrelu::<f16>(true);
}
