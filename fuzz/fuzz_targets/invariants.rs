//! Invariants of the built-in activations: properties the exact functions have and the kernels
//! must keep, whatever the input bits and the (valid) parameters.
//!
//! Input layout:
//! * byte 0: `registry::ALL[b % N]` picks the activation;
//! * then one byte per parameter (in `ActivationInfo::params` order): `0` = the default;
//!   bit 6 clear = `±CHOICES[b & 0x3F]` (bit 7 = sign); bit 6 set = the next 4 bytes as an
//!   arbitrary f32. Parameters are validated by `registry::lookup_with`; invalid ones are the
//!   differential target's business and end the run here;
//! * the rest: little-endian f32 bit patterns (NaN payloads, ±inf, ±0, subnormals, ...).
//!
//! Each invariant is a table of the activations it applies to (below, with the condition on
//! the parameters under which it holds). For every input, on `Isa::best()` (the differential
//! target checks that every ISA gives the scalar bits):
//! * [`RANGE`]: `lo ≤ f(x) ≤ hi` for every non-NaN `x`, `±inf` included;
//! * [`BETWEEN_0_AND_X`]: `f(x)` lies between `0` and `x` (inclusive);
//! * [`AT_LEAST_RELU`]: `f(x) ≥ max(0, x)`;
//! * [`DERIVATIVE_RANGE`]: `lo ≤ f'(x) ≤ hi`;
//! * [`MONOTONE`]: `f` is non-decreasing over the sorted non-NaN inputs and their successors;
//! * [`ODD`]: `f(-x)` is `-f(x)` bit for bit; [`EVEN_DERIVATIVE`]: `f'(-x)` is `f'(x)` bit for bit;
//! * every activation: a NaN `x` gives NaN from `forward`, `forward_in_place`, `derivative`,
//!   `forward_with_derivative` and `backward` (for any `dy`), a NaN `dy` gives a NaN `dx`, and
//!   `backward_from_output` (where it exists) maps a NaN `y` or `dy` to NaN;
//! * every activation: a finite `x` whose exact result (the f64 reference) is comfortably inside
//!   the f32 range gives a finite result, for the forward function and the derivative.
#![no_main]

use activation_kernels::Isa;
use activation_kernels::registry::{self, ALL, DynActivation};
use libfuzzer_sys::fuzz_target;

const INF: f32 = f32::INFINITY;

/// Parameter values, in `ActivationInfo::params` order.
type P = [f32; 8];

/// Values a parameter byte can name directly (with either sign).
const CHOICES: [f32; 24] = [
    0.0,
    1e-30,
    1e-7,
    1e-3,
    0.01,
    0.1,
    0.2,
    1.0 / 6.0,
    0.25,
    0.5,
    0.9,
    1.0,
    1.5,
    1.6732632,
    2.0,
    3.0,
    6.0,
    10.0,
    100.0,
    1e4,
    1e10,
    1e30,
    3.4e38,
    1.2e-38,
];

/// `scale·alpha` of SELU as the kernel uses it (rounded to f32): `selu(-inf) = -SELU_SA`.
/// (`1.0507009873554805 · 1.6732632423543773 = 1.7580993408…`, folded in f64 and rounded once.)
const SELU_SA: f32 = f32::from_bits(0x3FE1_0966);

/// Minima of the non-monotone smooth activations (f64, found by golden-section search on the
/// exact functions), e.g. `min swish = -0.2784645…` at `x = -1.2784645…`.
const SWISH_MIN: f64 = -0.278_464_542_761_073_8;
const GELU_MIN: f64 = -0.169_971_207_479_903_7;
const GELU_TANH_MIN: f64 = -0.170_040_750_571_254;
const MISH_MIN: f64 = -0.308_843_413_017_250_3;

/// An analytic minimum as a lower bound for an f32 result within a few ULP of it: 4 ULP below
/// (the declared forward bound is 2).
fn below(m: f64) -> f32 {
    (m * (1.0 + 4.0 * f64::from(f32::EPSILON))) as f32
}

type Bounds = fn(&P) -> (f32, f32);
type Applies = fn(&P) -> bool;
/// Whether an input `x` (with parameters `P`) is affected by a known open finding.
type Fails = fn(&P, f32) -> bool;

/// Forward range: `lo ≤ f(x) ≤ hi` for every non-NaN `x`.
const RANGE: &[(&str, Bounds)] = &[
    ("relu", |_| (0.0, INF)),
    ("relu6", |_| (0.0, 6.0)),
    ("hardtanh", |p| (p[0], p[1])),
    ("elu", |p| (-p[0], INF)),
    ("selu", |_| (-SELU_SA, INF)),
    ("sigmoid", |_| (0.0, 1.0)),
    ("hard_sigmoid", |_| (0.0, 1.0)),
    ("swish", |p| (below(SWISH_MIN / f64::from(p[0])), INF)),
    ("gelu", |_| (below(GELU_MIN), INF)),
    ("gelu_tanh", |_| (below(GELU_TANH_MIN), INF)),
    ("mish", |_| (below(MISH_MIN), INF)),
    ("hard_swish", |_| (-0.375, INF)),
    ("softplus", |_| (0.0, INF)),
    ("softsign", |_| (-1.0, 1.0)),
    ("tanh", |_| (-1.0, 1.0)),
    ("exponential", |_| (0.0, INF)),
];

/// `f(x)` between 0 and `x`: `min(0, x) ≤ f(x) ≤ max(0, x)`, under a condition on the parameters.
const BETWEEN_0_AND_X: &[(&str, Applies)] = &[
    ("relu", |_| true),
    ("relu6", |_| true),
    ("leaky_relu", |p| p[0] <= 1.0),
    ("hardtanh", |p| p[0] <= 0.0 && p[1] >= 0.0),
    ("elu", |p| p[0] <= 1.0),
    ("swish", |_| true),
    ("gelu", |_| true),
    ("gelu_tanh", |_| true),
    ("mish", |_| true),
    ("hard_swish", |_| true),
    ("softsign", |_| true),
    ("tanh", |_| true),
    ("linear", |_| true),
    ("tanhshrink", |_| true),
    // alpha·x below 0, min(x, max_value) above it.
    ("general_relu", |p| {
        p[2] == 0.0 && (0.0..=1.0).contains(&p[0])
    }),
];

/// `f(x) ≥ max(0, x)`, under a condition on the parameters. softplus holds it for every `beta`
/// (`math::softplus_beta` carries `beta·x` unrounded; checked over all 2^32 inputs for 12 values
/// of `beta` from 1.2e-38 to 3e38).
const AT_LEAST_RELU: &[(&str, Applies)] = &[("softplus", |_| true), ("exponential", |_| true)];

/// Derivative range: `lo ≤ f'(x) ≤ hi` for every non-NaN `x`.
const DERIVATIVE_RANGE: &[(&str, Bounds)] = &[
    ("relu", |_| (0.0, 1.0)),
    ("leaky_relu", |p| (p[0].min(1.0), p[0].max(1.0))),
    ("relu6", |_| (0.0, 1.0)),
    ("hardtanh", |_| (0.0, 1.0)),
    ("elu", |p| (0.0, p[0].max(1.0))),
    ("selu", |_| (0.0, SELU_SA)),
    ("sigmoid", |_| (0.0, 0.25)),
    ("hard_sigmoid", |p| (0.0, p[0])),
    ("softplus", |_| (0.0, 1.0)),
    ("softsign", |_| (0.0, 1.0)),
    ("tanh", |_| (0.0, 1.0)),
    ("linear", |_| (1.0, 1.0)),
    ("exponential", |_| (0.0, INF)),
    ("tanhshrink", |_| (0.0, 1.0)),
    // 1, 0 or alpha.
    ("general_relu", |p| (p[0].min(0.0), p[0].max(1.0))),
];

/// Non-decreasing functions, under a condition on the parameters (`leaky_relu` has `alpha ≥ 0`,
/// ...). Not `swish`, `gelu`, `gelu_tanh`, `mish`, `hard_swish`. softplus for every `beta`, as in
/// [`AT_LEAST_RELU`].
const MONOTONE: &[(&str, Applies)] = &[
    ("relu", |_| true),
    ("leaky_relu", |_| true),
    ("relu6", |_| true),
    ("hardtanh", |_| true),
    ("elu", |_| true),
    ("selu", |_| true),
    ("sigmoid", |_| true),
    ("hard_sigmoid", |_| true),
    ("softplus", |_| true),
    ("softsign", |_| true),
    ("tanh", |_| true),
    ("linear", |_| true),
    ("exponential", |_| true),
    ("tanhshrink", |_| true),
    // alpha·(x - threshold) ≤ 0 below the threshold, min(x, max_value) ≥ threshold above it:
    // non-decreasing when alpha ≥ 0 and threshold ≥ 0 (a negative threshold jumps down from 0).
    ("general_relu", |p| p[0] >= 0.0 && p[2] >= 0.0),
];

/// Odd functions, `f(-x) = -f(x)` bit for bit, under a condition on the parameters.
const ODD: &[(&str, Applies)] = &[
    ("tanh", |_| true),
    ("softsign", |_| true),
    ("linear", |_| true),
    ("hardtanh", |p| p[0] == -p[1]),
    ("tanhshrink", |_| true),
];

/// Even derivatives, `f'(-x) = f'(x)` bit for bit. (Not `hardtanh`: its left derivatives at
/// the two corners differ, 0 at `min_val` and 1 at `max_val`.)
const EVEN_DERIVATIVE: &[&str] = &["tanh", "softsign", "linear", "sigmoid", "tanhshrink"];

/// Known open findings, exempted here so that the fuzzer keeps looking for others: (activation,
/// which checks of an input — `"forward"`, `"derivative"`, `"*"` for all, or `"monotone"`
/// (then decreases of up to [`MONOTONE_SLACK_ULP`] are tolerated) —, the inputs it fails on). Each has an `#[ignore]`d test in
/// `activation-kernels/tests/regressions.rs` that fails until it is fixed; remove the entry
/// with the fix.
const KNOWN_OPEN: &[(&str, &str, Fails)] = &[
    // Empty. Fixed findings: softsign and softplus were not monotone at the ULP level
    // (68453 and 9277 decreasing neighbour pairs in a 16M sample, each value within its 2-ULP
    // bound); both are now monotone over every f32 (`math::softsign`, `math::softplus`;
    // `sweep --monotone`).
];

/// How far (in ULP) a known-open non-monotone activation may step down between neighbours.
const MONOTONE_SLACK_ULP: u32 = 2;

fn known_open(name: &str, invariant: &str, p: &P, x: f32) -> bool {
    KNOWN_OPEN
        .iter()
        .any(|&(n, i, when)| n == name && i == invariant && when(p, x))
}

fn lookup<T: Copy>(table: &[(&str, T)], name: &str) -> Option<T> {
    table.iter().find(|(n, _)| *n == name).map(|&(_, t)| t)
}

/// Whether the f64 value `r` is comfortably inside the f32 range (4 ULP below the overflow
/// threshold), so that an f32 kernel within its bound cannot overflow.
fn fits_f32(r: f64) -> bool {
    r.is_finite() && r.abs() <= f64::from(f32::MAX) - 4.0 * 2f64.powi(104)
}

/// Picks the activation and its parameters; `None` when the input is too short or the
/// parameters are invalid.
fn decode(data: &[u8]) -> Option<(Box<dyn DynActivation>, P, Vec<f32>)> {
    let (&sel, mut rest) = data.split_first()?;
    let base = ALL[sel as usize % ALL.len()];
    let info = base.info();
    let mut values = base.param_values();
    for (i, _) in info.params.iter().enumerate() {
        let (&b, r) = rest.split_first()?;
        rest = r;
        if b == 0 {
            continue;
        }
        values[i] = if b & 0x40 == 0 {
            let v = CHOICES[(b & 0x3F) as usize % CHOICES.len()];
            if b & 0x80 != 0 { -v } else { v }
        } else {
            let (v, r) = rest.split_first_chunk::<4>()?;
            rest = r;
            f32::from_le_bytes(*v)
        };
    }
    let named: Vec<(&str, f32)> = info
        .params
        .iter()
        .zip(values)
        .map(|(p, v)| (p.name, v))
        .collect();
    let act = registry::lookup_with(info.name, &named).ok()?;
    let xs = rest
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    Some((act, values, xs))
}

fn check(a: &dyn DynActivation, p: &P, xs: &[f32]) {
    let name = a.info().name;
    let n = xs.len();
    let isa = Isa::best();
    let dy: Vec<f32> = (0..n)
        .map(|i| match i % 4 {
            0 => 1.0,
            1 => -0.5,
            2 => f32::NAN,
            _ => 3.0e38,
        })
        .collect();
    let (mut y, mut d, mut yb, mut db, mut b) = (
        vec![0.0f32; n],
        vec![0.0f32; n],
        vec![0.0f32; n],
        vec![0.0f32; n],
        vec![0.0f32; n],
    );
    a.forward_on(isa, xs, &mut y);
    a.derivative_on(isa, xs, &mut d);
    a.forward_with_derivative_on(isa, xs, &mut yb, &mut db);
    a.backward_on(isa, xs, &dy, &mut b);
    let mut ip = xs.to_vec();
    a.forward_in_place_on(isa, &mut ip);
    let mut bo = vec![0.0f32; n];
    let from_output = a.backward_from_output_on(isa, &y, &dy, &mut bo).is_ok();
    let ctx = |i: usize| format!("{name} {p:?} x = {:e} ({:#010X})", xs[i], xs[i].to_bits());

    // NaN in, NaN out; finite in, finite out where the exact result is finite.
    for i in 0..n {
        let x = xs[i];
        if x.is_nan() {
            for (what, v) in [
                ("forward", y[i]),
                ("forward_in_place", ip[i]),
                ("derivative", d[i]),
                ("forward_with_derivative.0", yb[i]),
                ("forward_with_derivative.1", db[i]),
                ("backward", b[i]),
            ] {
                assert!(v.is_nan(), "{}: {what} = {v:e}, not NaN", ctx(i));
            }
        }
        if dy[i].is_nan() {
            assert!(
                b[i].is_nan(),
                "{}: backward with dy = NaN: {:e}",
                ctx(i),
                b[i]
            );
        }
        if from_output && (y[i].is_nan() || dy[i].is_nan()) {
            assert!(
                bo[i].is_nan(),
                "{}: backward_from_output(y = {:e}, dy = {:e}) = {:e}, not NaN",
                ctx(i),
                y[i],
                dy[i],
                bo[i]
            );
        }
        if x.is_finite() && !known_open(name, "forward", p, x) {
            let r = a.forward_reference(f64::from(x));
            assert!(
                !fits_f32(r) || y[i].is_finite(),
                "{}: forward {:e}, exact {r:e}",
                ctx(i),
                y[i]
            );
        }
        if x.is_finite() && !known_open(name, "derivative", p, x) {
            let rd = a.derivative_reference(f64::from(x));
            assert!(
                !fits_f32(rd) || d[i].is_finite(),
                "{}: derivative {:e}, exact {rd:e}",
                ctx(i),
                d[i]
            );
        }
    }

    // Inputs for the forward and the derivative checks (NaN and known open findings excluded).
    let fwd = || (0..n).filter(|&i| !xs[i].is_nan() && !known_open(name, "forward", p, xs[i]));
    let der = || (0..n).filter(|&i| !xs[i].is_nan() && !known_open(name, "derivative", p, xs[i]));
    if let Some(bounds) = lookup(RANGE, name) {
        let (lo, hi) = bounds(p);
        for i in fwd() {
            assert!(
                lo <= y[i] && y[i] <= hi,
                "{}: forward {:e} outside [{lo:e}, {hi:e}]",
                ctx(i),
                y[i]
            );
        }
    }
    if lookup(BETWEEN_0_AND_X, name).is_some_and(|applies| applies(p)) {
        for i in fwd() {
            let (lo, hi) = (xs[i].min(0.0), xs[i].max(0.0));
            assert!(
                lo <= y[i] && y[i] <= hi,
                "{}: forward {:e} not between 0 and x",
                ctx(i),
                y[i]
            );
        }
    }
    if lookup(AT_LEAST_RELU, name).is_some_and(|applies| applies(p)) {
        for i in fwd() {
            assert!(
                y[i] >= xs[i].max(0.0),
                "{}: forward {:e} < max(0, x)",
                ctx(i),
                y[i]
            );
        }
    }
    if let Some(bounds) = lookup(DERIVATIVE_RANGE, name) {
        let (lo, hi) = bounds(p);
        for i in der() {
            assert!(
                lo <= d[i] && d[i] <= hi,
                "{}: derivative {:e} outside [{lo:e}, {hi:e}]",
                ctx(i),
                d[i]
            );
        }
    }
    if lookup(MONOTONE, name).is_some_and(|applies| applies(p)) {
        // Each input and its successor, so that single-ULP steps are always compared.
        let mut sorted: Vec<f32> = xs
            .iter()
            .filter(|x| !x.is_nan())
            .flat_map(|&x| [x, x.next_up()])
            .collect();
        sorted.sort_by(f32::total_cmp);
        let mut ys = vec![0.0f32; sorted.len()];
        a.forward_on(isa, &sorted, &mut ys);
        let slack = if known_open(name, "monotone", p, 0.0) {
            MONOTONE_SLACK_ULP
        } else {
            0
        };
        for k in 1..sorted.len() {
            let mut hi = ys[k];
            for _ in 0..slack {
                hi = hi.next_up();
            }
            assert!(
                ys[k - 1] <= hi,
                "{name} {p:?} not monotone: f({:e}) = {:e} > f({:e}) = {:e}",
                sorted[k - 1],
                ys[k - 1],
                sorted[k],
                ys[k]
            );
        }
    }
    let odd = lookup(ODD, name).is_some_and(|applies| applies(p));
    let even_d = EVEN_DERIVATIVE.contains(&name);
    if odd || even_d {
        let neg: Vec<f32> = xs.iter().map(|&x| -x).collect();
        let (mut yn, mut dn) = (vec![0.0f32; n], vec![0.0f32; n]);
        a.forward_on(isa, &neg, &mut yn);
        a.derivative_on(isa, &neg, &mut dn);
        if odd {
            for i in fwd() {
                assert!(
                    yn[i].to_bits() == (-y[i]).to_bits(),
                    "{}: f(-x) = {:e}, -f(x) = {:e}",
                    ctx(i),
                    yn[i],
                    -y[i]
                );
            }
        }
        if even_d {
            for i in der() {
                assert!(
                    dn[i].to_bits() == d[i].to_bits(),
                    "{}: f'(-x) = {:e}, f'(x) = {:e}",
                    ctx(i),
                    dn[i],
                    d[i]
                );
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some((act, p, mut xs)) = decode(data) {
        let name = act.info().name;
        xs.retain(|&x| !known_open(name, "*", &p, x));
        check(&*act, &p, &xs);
    }
});
