//! Verification helpers for activations, for our built-ins and for downstream crates.
//!
//! ```
//! use activation_kernels::{activation, testing};
//!
//! /// The bipolar sigmoid 2·sigmoid(x) - 1, computed as tanh(x/2) (no cancellation near 0;
//! /// halving is exact). The macro derives f'(x) = 2·sigmoid(x)·sigmoid(-x) by itself.
//! #[activation(name = "bipolar_sigmoid", forward = tanh(0.5 * x), tests = false)]
//! pub struct BipolarSigmoid;
//!
//! let report = testing::check(&BipolarSigmoid);
//! assert!(report.forward_max_ulp <= 2.0 && report.derivative_max_ulp <= 4.0);
//! ```
//!
//! [`check`] sweeps about a million inputs spread over the whole f32 range plus a dense grid
//! around zero and the special values, and asserts:
//! * every available ISA gives the same bits as the scalar path, for `forward`,
//!   `forward_in_place`, `derivative`, `forward_with_derivative` and `backward`;
//! * the scalar forward is within the definition's `ulp` of the f64 reference, and the derivative
//!   within `derivative_ulp` (or `derivative_abs` absolutely);
//! * the f64 derivative agrees with a central difference of the f64 forward, and with the
//!   macro's symbolic derivative when the definition gives its own;
//! * each saturation bound is right: at the bound, the saturated value is within 1 ULP of the
//!   exact formula;
//! * NaN in gives NaN out everywhere (a NaN `x` never yields a finite gradient), and `±inf` give
//!   the limits of the exact function;
//! * the f64 kernels give the same bits on every ISA (forward, derivative, both, backward, in
//!   place, on the inputs widened to f64 and moved off the f32 grid), and NaN gives NaN (their
//!   accuracy is measured against MPFR by the crate's own tests/f64_activations.rs).
//!
//! [`check_from_output`] does the same for `backward_from_output`.

use crate::Isa;
use crate::activation::{Activation, OutputDerivative, Side};
use crate::ulp::{f32_ulp_at, same_result, ulp_error};
use std::format;
use std::string::String;
use std::vec::Vec;

/// What [`check`] measured.
///
/// ```
/// use activation_kernels::{Isa, activations::Relu, testing};
///
/// let rep = testing::check_report(&Relu);
/// assert!(rep.failures.is_empty());
/// assert_eq!((rep.name, rep.isas[0]), ("relu", Isa::Scalar));
/// assert_eq!(rep.forward_max_ulp, 0.0); // relu is exact
/// ```
#[derive(Clone, Debug, Default)]
pub struct CheckReport {
    /// Activation name.
    pub name: &'static str,
    /// Number of inputs swept.
    pub inputs: usize,
    /// ISAs compared (scalar first).
    pub isas: Vec<Isa>,
    /// Max forward error in ULP (scalar = every ISA).
    pub forward_max_ulp: f64,
    /// Where it occurred.
    pub forward_worst: f32,
    /// Max derivative error in ULP, ignoring inputs accepted by `derivative_abs`.
    pub derivative_max_ulp: f64,
    /// Where it occurred.
    pub derivative_worst: f32,
    /// Everything that failed (empty when the check passes).
    pub failures: Vec<String>,
}

/// Inputs: an odd stride over every f32 bit pattern, a dense grid on [-12, 12] and the
/// special values.
///
/// ```
/// use activation_kernels::testing::sweep_inputs;
///
/// let xs = sweep_inputs();
/// assert!(xs.len() > 50_000);
/// assert!(xs.contains(&f32::INFINITY) && xs.contains(&f32::MIN_POSITIVE));
/// assert!(xs.iter().any(|x| x.is_nan()));
/// assert!(xs.iter().filter(|x| x.abs() <= 1.0).count() > 1000); // dense near zero
/// ```
pub fn sweep_inputs() -> Vec<f32> {
    let stride: u64 = if cfg!(target_arch = "aarch64") {
        65_537
    } else {
        4099
    };
    let mut v: Vec<f32> = (0..(1u64 << 32) / stride)
        .map(|i| f32::from_bits((i * stride) as u32))
        .collect();
    let mut x = -12.0f32;
    while x <= 12.0 {
        v.push(x);
        x += 1.0 / 512.0 + 1.0 / 8192.0;
    }
    v.extend([
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        -f32::NAN,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        f32::from_bits(1),
        f32::from_bits(0x8000_0001),
        f32::MAX,
        f32::MIN,
        1.0,
        -1.0,
    ]);
    v
}

fn push(fails: &mut Vec<String>, msg: String) {
    if fails.len() < 25 {
        fails.push(msg);
    }
}

/// The limit of the exact function at `±inf` (the f64 reference there, or far out when the
/// formula is indeterminate at infinity).
fn limit(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let r = f(x);
    if !r.is_nan() {
        return r;
    }
    f(x.signum() * 1e300)
}

/// Runs every check on `a` and panics with a list of failures if any fails.
///
/// ```
/// use activation_kernels::{activations::Softsign, testing};
///
/// let rep = testing::check(&Softsign); // panics if any check fails
/// assert!(rep.forward_max_ulp <= 2.0 && rep.derivative_max_ulp <= 4.0);
/// ```
#[track_caller]
pub fn check<A: Activation>(a: &A) -> CheckReport {
    let r = check_report(a);
    if !r.failures.is_empty() {
        panic!(
            "activation `{}` failed {} check(s):\n  {}",
            r.name,
            r.failures.len(),
            r.failures.join("\n  ")
        );
    }
    r
}

/// Runs every check on `a` and returns what was measured (no panic).
///
/// ```
/// use activation_kernels::{activation, testing};
///
/// // A wrong hand-written derivative is caught (d/dx x² is 2x, not 3x).
/// #[activation(name = "bad_square", forward = x * x, derivative = 3.0 * x, tests = false)]
/// pub struct BadSquare;
///
/// let rep = testing::check_report(&BadSquare);
/// assert!(!rep.failures.is_empty());
/// ```
pub fn check_report<A: Activation>(a: &A) -> CheckReport {
    let info = a.info();
    let mut rep = CheckReport {
        name: info.name,
        ..CheckReport::default()
    };
    let fails = &mut rep.failures;
    if let Err(e) = a.validate() {
        push(fails, format!("parameters invalid: {e}"));
        return rep;
    }
    let xs = sweep_inputs();
    let n = xs.len();
    rep.inputs = n;
    rep.isas = Isa::available().collect();
    let dy: Vec<f32> = (0..n).map(|i| [1.0f32, -0.75, 3.5, 1e-3][i % 4]).collect();

    // Scalar results.
    let mut y0 = vec_of(n);
    let mut d0 = vec_of(n);
    let mut b0 = vec_of(n);
    a.forward_on(Isa::Scalar, &xs, &mut y0);
    a.derivative_on(Isa::Scalar, &xs, &mut d0);
    a.backward_on(Isa::Scalar, &xs, &dy, &mut b0);
    for isa in Isa::available() {
        let mut y = vec_of(n);
        let mut d = vec_of(n);
        let mut yb = vec_of(n);
        let mut db = vec_of(n);
        let mut b = vec_of(n);
        a.forward_on(isa, &xs, &mut y);
        a.derivative_on(isa, &xs, &mut d);
        a.forward_with_derivative_on(isa, &xs, &mut yb, &mut db);
        a.backward_on(isa, &xs, &dy, &mut b);
        let mut ip = xs.clone();
        a.forward_in_place_on(isa, &mut ip);
        let mut g = dy.clone();
        a.backward_in_place_on(isa, &xs, &mut g);
        for i in 0..n {
            let x = xs[i];
            let checks = [
                ("forward", y[i], y0[i]),
                ("forward_in_place", ip[i], y0[i]),
                ("derivative", d[i], d0[i]),
                ("forward_with_derivative (value)", yb[i], y0[i]),
                ("forward_with_derivative (derivative)", db[i], d0[i]),
                ("backward", b[i], b0[i]),
                ("backward_in_place", g[i], b0[i]),
            ];
            for (what, got, want) in checks {
                if !same_result(got, want) {
                    push(
                        fails,
                        format!("{what}({x:e}) on {isa}: {got:e}, scalar gives {want:e}"),
                    );
                }
            }
            // backward is dy * f'(x), exactly.
            if !same_result(b0[i], dy[i] * d0[i]) {
                push(fails, format!("backward({x:e}) is not dy * derivative"));
            }
        }
    }

    // Accuracy of the scalar path (= every ISA) against the f64 reference.
    let (mut fw, mut fx, mut dw, mut dx) = (0.0f64, 0.0f32, 0.0f64, 0.0f32);
    for i in 0..n {
        let x = xs[i];
        if x.is_nan() {
            for (what, v) in [
                ("forward", y0[i]),
                ("derivative", d0[i]),
                ("backward", b0[i]),
            ] {
                if !v.is_nan() {
                    push(fails, format!("{what}(NaN) = {v:e}, expected NaN"));
                }
            }
            continue;
        }
        let (rf, rd) = if x.is_infinite() {
            (
                limit(|t| a.forward_reference(t), x as f64),
                limit(|t| a.derivative_reference(t), x as f64),
            )
        } else {
            (
                a.forward_reference(x as f64),
                a.derivative_reference(x as f64),
            )
        };
        if rf.is_nan() {
            if !y0[i].is_nan() {
                push(
                    fails,
                    format!(
                        "forward({x:e}): the f64 reference is NaN (give an accurate `reference = ...`)"
                    ),
                );
            }
        } else {
            let e = ulp_error(y0[i], rf);
            if e > fw {
                (fw, fx) = (e, x);
            }
            if e > info.forward_ulp {
                push(
                    fails,
                    format!(
                        "forward({x:e}) = {:e}: {e:.2} ULP from exact {rf:e} (bound {})",
                        y0[i], info.forward_ulp
                    ),
                );
            }
        }
        if !rd.is_nan() {
            let e = ulp_error(d0[i], rd);
            let abs_ok = ((d0[i] as f64) - rd).abs() <= info.derivative_abs;
            if e > info.derivative_ulp && !abs_ok {
                push(
                    fails,
                    format!(
                        "derivative({x:e}) = {:e}: {e:.2} ULP from exact {rd:e} (bound {}, abs {})",
                        d0[i], info.derivative_ulp, info.derivative_abs
                    ),
                );
            }
            if !abs_ok && e > dw {
                (dw, dx) = (e, x);
            }
        }
    }
    rep.forward_max_ulp = fw;
    rep.forward_worst = fx;
    rep.derivative_max_ulp = dw;
    rep.derivative_worst = dx;

    // The f64 derivative against finite differences and the symbolic derivative.
    let mut x: f64 = -8.0 + 0.007_31;
    while x < 8.0 {
        let h = 1e-5 * x.abs().max(1.0);
        let (fp, fm) = (a.forward_reference(x + h), a.forward_reference(x - h));
        let d = a.derivative_reference(x);
        if fp.is_finite() && fm.is_finite() && d.is_finite() {
            let fd = (fp - fm) / (2.0 * h);
            if (fd - d).abs() > 1e-5 * (1.0 + d.abs()) {
                push(
                    fails,
                    format!(
                        "derivative reference at {x}: {d:e}, but the central difference of forward is {fd:e}"
                    ),
                );
            }
        }
        if let Some(s) = a.symbolic_derivative_reference(x)
            && (s - d).abs() > 1e-9 * (1.0 + d.abs())
        {
            push(
                fails,
                format!("given derivative at {x}: {d:e}, symbolic derivative of forward: {s:e}"),
            );
        }
        x += 0.0137;
    }

    // Saturation bounds.
    for (k, s) in info.saturations.iter().enumerate() {
        let b = s.bound as f64;
        let sat = a.saturation_reference(k, b);
        let exact = a.forward_reference(b);
        let e = ulp_error(sat as f32, exact);
        if e.is_nan() || e > 1.0 {
            push(
                fails,
                format!(
                    "saturation {} {}: at the bound the saturated value {sat:e} is {e:.2} ULP from the formula's {exact:e} (must be ≤ 1)",
                    match s.side {
                        Side::Below => "below",
                        Side::Above => "above",
                    },
                    s.bound
                ),
            );
        }
        // And it stays right beyond the bound.
        for m in [1.5f64, 4.0, 64.0] {
            let xb =
                b + (b.abs().max(1.0)) * (m - 1.0) * if s.side == Side::Below { -1.0 } else { 1.0 };
            let (sv, ev) = (a.saturation_reference(k, xb), a.forward_reference(xb));
            if ev.is_finite() && ev.abs() <= f32::MAX as f64 && ulp_error(sv as f32, ev) > 1.0 {
                push(
                    fails,
                    format!(
                        "saturation at {}: beyond the bound (x = {xb:e}) the saturated value {sv:e} differs from the formula's {ev:e} by more than 1 ULP",
                        s.bound
                    ),
                );
            }
        }
    }
    check_f64(a, &xs, fails);
    rep
}

/// The f64 kernels: every ISA gives the scalar bits (forward, derivative, both, backward, in
/// place) on the sweep's inputs widened and nudged off the f32 grid, and NaN gives NaN.
fn check_f64<A: Activation>(a: &A, xs: &[f32], fails: &mut Vec<String>) {
    let x: Vec<f64> = xs
        .iter()
        .step_by(7)
        .enumerate()
        .map(|(i, &v)| f64::from(v) * (1.0 + (i % 5) as f64 * 2f64.powi(-40)))
        .collect();
    let n = x.len();
    let dy: Vec<f64> = (0..n).map(|i| [1.0, -0.75, 3.5, 1e-3][i % 4]).collect();
    let run = |isa: Isa| {
        let (mut y, mut d, mut y2, mut d2, mut b) = (
            vec![0.0f64; n],
            vec![0.0f64; n],
            vec![0.0f64; n],
            vec![0.0f64; n],
            vec![0.0f64; n],
        );
        a.forward_on(isa, &x, &mut y);
        a.derivative_on(isa, &x, &mut d);
        a.forward_with_derivative_on(isa, &x, &mut y2, &mut d2);
        a.backward_on(isa, &x, &dy, &mut b);
        let mut ip = x.clone();
        a.forward_in_place_on(isa, &mut ip);
        [y, d, y2, d2, b, ip]
    };
    let same = |p: f64, q: f64| p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan());
    let s = run(Isa::Scalar);
    let what = [
        "forward",
        "derivative",
        "forward_with_derivative (y)",
        "forward_with_derivative (d)",
        "backward",
        "forward_in_place",
    ];
    for i in 0..n {
        if x[i].is_nan() && !(s[0][i].is_nan() && s[1][i].is_nan()) {
            push(
                fails,
                format!("f64: NaN input gives {} / {}", s[0][i], s[1][i]),
            );
        }
        if !same(s[0][i], s[2][i]) || !same(s[1][i], s[3][i]) || !same(s[0][i], s[5][i]) {
            push(
                fails,
                format!(
                    "f64 scalar at x = {:e}: forward, both and in place disagree",
                    x[i]
                ),
            );
        }
    }
    for isa in Isa::available() {
        let r = run(isa);
        for (k, (p, q)) in s.iter().zip(&r).enumerate() {
            if let Some(i) = (0..n).find(|&i| !same(p[i], q[i])) {
                push(
                    fails,
                    format!(
                        "f64 {} on {isa}: {:e} gives {:e}, scalar {:e}",
                        what[k], x[i], q[i], p[i]
                    ),
                );
            }
        }
    }
}

/// Checks `backward_from_output`: bit-identical on every ISA, within the definition's
/// derivative bound of its formula evaluated in f64 on the same `y`, and NaN → NaN.
///
/// ```
/// use activation_kernels::{activations::Tanh, testing};
///
/// // Panics if `backward_from_output` is off its bound, differs between ISAs or loses a NaN.
/// testing::check_from_output(&Tanh);
/// ```
#[track_caller]
pub fn check_from_output<A: OutputDerivative>(a: &A) {
    let info = a.info();
    let xs = sweep_inputs();
    let n = xs.len();
    let mut y = vec_of(n);
    a.forward_on(Isa::Scalar, &xs, &mut y);
    let dy = vec![1.0f32; n];
    let mut fails = Vec::new();
    let mut d0 = vec_of(n);
    a.backward_from_output_on(Isa::Scalar, &y, &dy, &mut d0);
    for isa in Isa::available() {
        let mut d = vec_of(n);
        a.backward_from_output_on(isa, &y, &dy, &mut d);
        for i in 0..n {
            if !same_result(d[i], d0[i]) {
                push(
                    &mut fails,
                    format!(
                        "backward_from_output(y = {:e}) on {isa}: {:e}, scalar {:e}",
                        y[i], d[i], d0[i]
                    ),
                );
            }
        }
    }
    for i in 0..n {
        let r = a.derivative_from_output_reference(y[i] as f64);
        if y[i].is_nan() {
            if !d0[i].is_nan() {
                push(
                    &mut fails,
                    format!("backward_from_output(NaN) = {:e}", d0[i]),
                );
            }
            continue;
        }
        let e = ulp_error(d0[i], r);
        if e > info.derivative_ulp
            && ((d0[i] as f64) - r).abs() > info.derivative_abs.max(f32_ulp_at(0.0))
        {
            push(
                &mut fails,
                format!(
                    "backward_from_output(y = {:e}) = {:e}: {e:.2} ULP from {r:e}",
                    y[i], d0[i]
                ),
            );
        }
    }
    assert!(
        fails.is_empty(),
        "activation `{}`: backward_from_output failed:\n  {}",
        info.name,
        fails.join("\n  ")
    );
}

fn vec_of(n: usize) -> Vec<f32> {
    std::vec![0.0f32; n]
}
