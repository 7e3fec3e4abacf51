//! Every built-in activation on f64 slices: every ISA gives the scalar ISA's bits (forward,
//! in place, derivative, forward with derivative, backward, every tail length and offset), and
//! the scalar results are within the declared bounds of the exact value, measured against the
//! activation's own formula evaluated in MPFR at 256 bits (through `RefFloat`).

use activation_kernels::activations::*;
use activation_kernels::{Activation, Isa};

mod common;
use common::Rng;

#[cfg(all(target_arch = "x86_64", feature = "mpfr"))]
#[path = "common/mpfr.rs"]
mod mpfr;

/// Calls `$m!(activation)` for every built-in at its default parameters and a few others.
macro_rules! each_activation {
    ($m:ident) => {
        $m!(Relu);
        $m!(Linear);
        $m!(Exponential);
        $m!(Sigmoid);
        $m!(Tanh);
        $m!(Elu::default());
        $m!(Elu::new(0.3).unwrap());
        $m!(Softplus::default());
        $m!(Softplus::new(2.5).unwrap());
        $m!(Softplus::new(0.3).unwrap());
        $m!(LeakyRelu::default());
        $m!(Relu6);
        $m!(Hardtanh::default());
        $m!(HardSigmoid::default());
        $m!(HardSwish);
        $m!(Softsign);
        $m!(Selu);
        $m!(Swish::default());
        $m!(Swish::new(1.7).unwrap());
        $m!(Gelu);
        $m!(GeluTanh);
        $m!(Mish);
        $m!(Tanhshrink);
        $m!(GeneralRelu::default());
        $m!(GeneralRelu::new(0.1, 6.0, 0.5).unwrap());
    };
}

/// Inputs: specials, every binade's edges in both signs, and random values (uniform on
/// [-60, 60] and random bit patterns).
fn inputs(n: usize, seed: u64) -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        f64::from_bits(1),
        -f64::from_bits(1),
        f64::MAX,
        f64::MIN,
        1.0,
        -1.0,
    ];
    for e in (-1074..1024).step_by(7) {
        let x = 2f64.powi(e);
        v.extend([x, -x, x * 1.5, -x * 1.5]);
    }
    let mut r = Rng(seed);
    while v.len() < n {
        let u = r.next();
        v.push(match u % 4 {
            0 | 1 => r.unit() * 60.0,
            2 => r.unit() * 2f64.powi((u >> 8) as i32 % 40 - 30),
            _ => f64::from_bits(r.next()),
        });
    }
    v
}

fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

fn isa_identity<A: Activation>(a: A) {
    let x = inputs(3000, 7);
    let dy: Vec<f64> = {
        let mut r = Rng(11);
        (0..x.len()).map(|_| r.unit() * 3.0).collect()
    };
    let n = x.len();
    let run = |isa: Isa| {
        let (mut y, mut d, mut y2, mut d2, mut g) = (
            vec![0.0; n],
            vec![0.0; n],
            vec![0.0; n],
            vec![0.0; n],
            vec![0.0; n],
        );
        a.forward_on(isa, &x, &mut y);
        a.derivative_on(isa, &x, &mut d);
        a.forward_with_derivative_on(isa, &x, &mut y2, &mut d2);
        a.backward_on(isa, &x, &dy, &mut g);
        let mut ip = x.clone();
        a.forward_in_place_on(isa, &mut ip);
        let mut gi = dy.clone();
        a.backward_in_place_on(isa, &x, &mut gi);
        (y, d, y2, d2, g, ip, gi)
    };
    let s = run(Isa::Scalar);
    let name = a.info().name;
    // Forward and derivative agree between the single and the combined kernels, in place too.
    assert!(
        same_bits(&s.0, &s.2) && same_bits(&s.1, &s.3),
        "{name}: both"
    );
    assert!(
        same_bits(&s.0, &s.5) && same_bits(&s.4, &s.6),
        "{name}: in place"
    );
    for isa in Isa::available() {
        let r = run(isa);
        for (k, (p, q)) in [
            (&s.0, &r.0),
            (&s.1, &r.1),
            (&s.2, &r.2),
            (&s.3, &r.3),
            (&s.4, &r.4),
            (&s.5, &r.5),
            (&s.6, &r.6),
        ]
        .into_iter()
        .enumerate()
        {
            assert!(
                same_bits(p, q),
                "{name} on {isa:?}: output {k} differs from scalar"
            );
        }
        // Every tail length and offset: the same bits as the whole-slice call.
        for off in 0..3 {
            for len in 0..=40 {
                let xs = &x[off..off + len];
                let mut y = vec![0.0; len];
                a.forward_on(isa, xs, &mut y);
                assert!(
                    same_bits(&y, &s.0[off..off + len]),
                    "{name} {isa:?} off {off} len {len}"
                );
            }
        }
    }
}

#[test]
fn every_isa_gives_scalar_bits_in_f64() {
    macro_rules! go {
        ($a:expr) => {
            isa_identity($a)
        };
    }
    each_activation!(go);
}

#[cfg(all(target_arch = "x86_64", feature = "mpfr"))]
mod exact {
    use super::*;
    use activation_kernels::RefFloat;
    use rug::Float;
    use rug::ops::Pow;

    const P: u32 = mpfr::PREC;

    /// An MPFR number at 256 bits, as a `RefFloat`.
    #[derive(Clone, PartialEq, PartialOrd)]
    pub struct Mp(pub Float);

    fn mp(v: Float) -> Mp {
        Mp(v)
    }
    fn k(v: f64) -> Float {
        Float::with_val(P, v)
    }
    fn sig(x: &Float) -> Float {
        // 1/(1 + e^-x) without overflow: MPFR's exponent range is huge, but keep it tidy.
        if x.is_sign_negative() {
            let e = Float::with_val(P, x.exp_ref());
            let d = Float::with_val(P, &e + 1u32);
            e / d
        } else {
            let e = Float::with_val(P, (-x.clone()).exp_ref());
            (e + 1u32).recip()
        }
    }
    fn softplus(x: &Float) -> Float {
        if x.is_sign_negative() {
            x.clone().exp().ln_1p()
        } else {
            (-x.clone()).exp().ln_1p() + x
        }
    }
    /// `2·sqrt(2/π)·(x + 0.044715·x³)` and its derivative in `x`.
    fn gt_arg(x: &Float) -> (Float, Float) {
        let c = Float::with_val(P, Float::parse("0.044715").unwrap());
        let kk =
            (Float::with_val(P, 2u32) / Float::with_val(P, rug::float::Constant::Pi)).sqrt() * 2u32;
        let x2 = Float::with_val(P, x * x);
        let t = (Float::with_val(P, &c * &x2) + 1u32) * x * &kk;
        let dt = (c * x2 * 3u32 + 1u32) * kk;
        (t, dt)
    }

    macro_rules! ops {
        ($($tr:ident $f:ident $op:tt;)*) => {$(
            impl core::ops::$tr for Mp {
                type Output = Mp;
                fn $f(self, b: Mp) -> Mp {
                    Mp(Float::with_val(P, &self.0 $op &b.0))
                }
            }
        )*};
    }
    ops!(Add add +; Sub sub -; Mul mul *; Div div /;);
    impl core::ops::Neg for Mp {
        type Output = Mp;
        fn neg(self) -> Mp {
            Mp(-self.0)
        }
    }

    impl RefFloat for Mp {
        fn from_f64(v: f64) -> Mp {
            mp(k(v))
        }
        fn is_nan(&self) -> bool {
            self.0.is_nan()
        }
        fn exp(x: Mp) -> Mp {
            mp(x.0.exp())
        }
        fn expm1(x: Mp) -> Mp {
            mp(x.0.exp_m1())
        }
        fn ln(x: Mp) -> Mp {
            mp(x.0.ln())
        }
        fn ln1p(x: Mp) -> Mp {
            mp(x.0.ln_1p())
        }
        fn tanh(x: Mp) -> Mp {
            mp(x.0.tanh())
        }
        fn sigmoid(x: Mp) -> Mp {
            mp(sig(&x.0))
        }
        fn erf(x: Mp) -> Mp {
            mp(x.0.erf())
        }
        fn erfc(x: Mp) -> Mp {
            mp(x.0.erfc())
        }
        fn softplus(x: Mp) -> Mp {
            mp(softplus(&x.0))
        }
        fn softsign(x: Mp) -> Mp {
            if x.0.is_infinite() {
                return mp(k(if x.0.is_sign_negative() { -1.0 } else { 1.0 }));
            }
            let d = Float::with_val(P, x.0.abs_ref()) + 1u32;
            mp(x.0 / d)
        }
        fn gelu(x: Mp) -> Mp {
            let z = Float::with_val(P, -x.0.clone() / Float::with_val(P, 2u32).sqrt());
            mp(z.erfc() * x.0 / 2u32)
        }
        fn gelu_grad(x: Mp) -> Mp {
            let z = Float::with_val(P, -x.0.clone() / Float::with_val(P, 2u32).sqrt());
            let cdf = z.erfc() / 2u32;
            let pi2 = Float::with_val(P, rug::float::Constant::Pi) * 2u32;
            let pdf = (Float::with_val(P, &x.0 * &x.0) / -2i32).exp() / pi2.sqrt();
            mp(cdf + pdf * x.0)
        }
        fn gelu_tanh(x: Mp) -> Mp {
            let (t, _) = gt_arg(&x.0);
            mp(sig(&t) * x.0)
        }
        fn gelu_tanh_grad(x: Mp) -> Mp {
            let (t, dt) = gt_arg(&x.0);
            let s = sig(&t);
            let sm = sig(&(-t));
            mp(s * (sm * dt * x.0 + 1u32))
        }
        fn mish(x: Mp) -> Mp {
            mp(softplus(&x.0).tanh() * x.0)
        }
        fn mish_grad(x: Mp) -> Mp {
            let t = softplus(&x.0).tanh();
            let omt2 = Float::with_val(P, 1u32) - Float::with_val(P, &t * &t);
            mp(t + omt2 * sig(&x.0) * x.0)
        }
        fn tanhshrink(x: Mp) -> Mp {
            if x.0.is_infinite() {
                return x;
            }
            if Float::with_val(P, x.0.abs_ref()) < 1e-20 {
                let x3 = Float::with_val(P, (&x.0).pow(3u32));
                let x5 = Float::with_val(P, (&x.0).pow(5u32));
                return mp(x3 / 3u32 - x5 * 2u32 / 15u32);
            }
            let t = Float::with_val(P, x.0.tanh_ref());
            mp(x.0 - t)
        }
        fn abs(x: Mp) -> Mp {
            mp(x.0.abs())
        }
        fn sqrt(x: Mp) -> Mp {
            mp(x.0.sqrt())
        }
        fn powi(x: Mp, n: i32) -> Mp {
            mp(x.0.pow(n))
        }
        fn fma(a: Mp, b: Mp, c: Mp) -> Mp {
            mp(Float::with_val(P, &a.0 * &b.0) + c.0)
        }
        fn swish(x: Mp, b: Mp) -> Mp {
            let t = Float::with_val(P, &b.0 * &x.0);
            mp(sig(&t) * x.0)
        }
        fn swish_grad(x: Mp, b: Mp) -> Mp {
            let t = Float::with_val(P, &b.0 * &x.0);
            let s = sig(&t);
            let sm = sig(&(-t.clone()));
            mp(s * (sm * t + 1u32))
        }
        fn mul_exp(m: Mp, x: Mp) -> Mp {
            mp(x.0.exp() * m.0)
        }
        fn softplus_beta(x: Mp, b: Mp) -> Mp {
            let t = Float::with_val(P, &b.0 * &x.0);
            mp(softplus(&t) / b.0)
        }
        fn sigmoid_beta(x: Mp, b: Mp) -> Mp {
            let t = Float::with_val(P, &b.0 * &x.0);
            mp(sig(&t))
        }
    }

    /// Max ULP error of forward and derivative (derivative errors within the activation's
    /// absolute tolerance, scaled to f64, do not count).
    pub fn measure<A: Activation>(a: A) -> (f64, f64, f64, f64) {
        let x = inputs(40_000, 3);
        let n = x.len();
        let (mut y, mut d) = (vec![0.0; n], vec![0.0; n]);
        a.forward_on(Isa::Scalar, &x, &mut y);
        a.derivative_on(Isa::Scalar, &x, &mut d);
        // The f32 contract's absolute tolerance for the cancellation near zeros of f' (1e-7,
        // about one f32 epsilon) in f64 terms (the same number of f64 epsilons). As in f32 it
        // applies anywhere, but where |f'| is near 1 it is below one ULP, under every bound.
        let abs_tol = a.info().derivative_abs * 2f64.powi(-29);
        let (mut fmax, mut fx, mut dmax, mut dx) = (0.0f64, 0.0, 0.0f64, 0.0);
        for i in 0..n {
            // The limits at ±inf are checked against the f32 kernels' (the references are
            // formulas that need not evaluate there).
            if x[i].is_infinite() {
                continue;
            }
            let xe = Mp(k(x[i]));
            let fe = a.forward_reference_in(xe.clone()).0;
            let e = mpfr::ulp_error(y[i], &fe);
            if e > fmax {
                (fmax, fx) = (e, x[i]);
            }
            let de = a.derivative_reference_in(xe).0;
            let mut e = mpfr::ulp_error(d[i], &de);
            if abs_tol > 0.0 && de.is_finite() {
                let diff = (Float::with_val(P, &de - d[i])).abs().to_f64();
                if diff <= abs_tol {
                    e = 0.0;
                }
            }
            if e > dmax {
                (dmax, dx) = (e, x[i]);
            }
        }
        (fmax, fx, dmax, dx)
    }
}

#[cfg(all(target_arch = "x86_64", feature = "mpfr"))]
fn default_params<A: Activation + Default>(_: &A) -> [f32; 8] {
    A::default().param_values()
}

#[cfg(all(target_arch = "x86_64", feature = "mpfr"))]
#[test]
fn f64_results_are_within_bounds_of_the_exact_values() {
    let mut failures = Vec::new();
    macro_rules! go {
        ($a:expr) => {{
            let a = $a;
            let info = a.info();
            // The bounds are declared at the defaults; softplus keeps them at every `beta`
            // (`softplus_beta` carries `beta·x` unrounded).
            let at_defaults = a.param_values() == default_params(&a) || info.name == "softplus";
            let (f, fx, d, dx) = exact::measure(a);
            eprintln!(
                "{:<14} f64 forward {:>7.3} ULP (at {:e}), derivative {:>7.3} ULP (at {:e})",
                info.name, f, fx, d, dx
            );
            if at_defaults && (f > info.forward_ulp || d > info.derivative_ulp) {
                failures.push(format!(
                    "{} {:?}: forward {f} derivative {d}",
                    info.name,
                    a.param_values()
                ));
            }
        }};
    }
    each_activation!(go);
    assert!(
        failures.is_empty(),
        "over the declared bounds: {failures:#?}"
    );
}

/// At `±inf` and NaN the f64 kernels give the f32 kernels' values (the limits).
#[test]
fn f64_specials_match_f32() {
    fn check<A: Activation>(a: A) {
        let xs = [f32::INFINITY, f32::NEG_INFINITY, f32::NAN];
        let (mut y, mut d) = ([0.0f32; 3], [0.0f32; 3]);
        a.forward(&xs, &mut y);
        a.derivative(&xs, &mut d);
        let x64 = xs.map(f64::from);
        let (mut y64, mut d64) = ([0.0f64; 3], [0.0f64; 3]);
        a.forward(&x64, &mut y64);
        a.derivative(&x64, &mut d64);
        for i in 0..3 {
            // The f64 limit rounded to f32 is the f32 limit (constants such as selu's scale
            // are more precise in f64).
            let (p, q) = (y[i], y64[i] as f32);
            assert!(
                p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()),
                "{} f({}) = {q} in f64, {p} in f32",
                a.info().name,
                xs[i]
            );
            let (p, q) = (d[i], d64[i] as f32);
            assert!(
                p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()),
                "{} f'({}) = {q} in f64, {p} in f32",
                a.info().name,
                xs[i]
            );
        }
    }
    macro_rules! go {
        ($a:expr) => {
            check($a)
        };
    }
    each_activation!(go);
}

/// `backward_from_output` on f64: every ISA gives the scalar bits, and `f'(y)` is within the
/// declared derivative bound of the exact output derivative at the (rounded) outputs.
#[test]
fn f64_backward_from_output() {
    use activation_kernels::OutputDerivative;
    fn check<A: OutputDerivative>(a: A) {
        let x = inputs(4000, 5);
        let n = x.len();
        let mut y = vec![0.0; n];
        a.forward(&x, &mut y);
        let dy = vec![1.0; n];
        let mut s = vec![0.0; n];
        a.backward_from_output_on(Isa::Scalar, &y, &dy, &mut s);
        for isa in Isa::available() {
            let mut d = vec![0.0; n];
            a.backward_from_output_on(isa, &y, &dy, &mut d);
            assert!(same_bits(&s, &d), "{} on {isa:?}", a.info().name);
        }
        #[cfg(all(target_arch = "x86_64", feature = "mpfr"))]
        {
            let mut worst = 0.0f64;
            for i in 0..n {
                if y[i].is_nan() || y[i].is_infinite() {
                    continue;
                }
                let e = a
                    .derivative_from_output_reference_in(exact::Mp(rug::Float::with_val(256, y[i])))
                    .0;
                worst = worst.max(mpfr::ulp_error(s[i], &e));
            }
            eprintln!(
                "{:<14} f64 backward_from_output {worst:.3} ULP",
                a.info().name
            );
            assert!(
                worst <= a.info().derivative_ulp,
                "{}: {worst}",
                a.info().name
            );
        }
    }
    check(Sigmoid);
    check(Tanh);
    check(Elu::default());
    check(Selu);
    check(Softplus::default());
    check(Exponential);
    check(Relu);
    check(LeakyRelu::default());
    check(Relu6);
    check(Softsign);
}
