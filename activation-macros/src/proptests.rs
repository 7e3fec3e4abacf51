//! Property tests of the formula engine (`formula` + `derive`).
//!
//! Random formulas over `x` and a parameter `p`, built from the whole vocabulary (`+ - * /`,
//! unary `-`, `select`/`if` with comparisons and `&& || !`, `min`, `max`, `clamp`, `abs`, `sqrt`,
//! `powi`, `fma`, the math core and the two-argument functions), are parsed exactly as a
//! definition is, differentiated by [`derivative`], and evaluated in f64 by the evaluator below.
//! At random points away from kinks, ties and singularities:
//! * the symbolic derivative of **every node** of the formula equals the derivative that
//!   forward-mode dual numbers carry through the same graph (independent rules, e.g.
//!   `tanh' = 1/cosh²` where `derive` emits `4·sigmoid(2u)·sigmoid(-2u)`);
//! * the symbolic derivative of the whole formula equals a Richardson-extrapolated central
//!   difference of the formula's values (which checks the dual rules too).
//!
//! A separate property checks `Graph::propagates_nan`: when it claims that a NaN `x` makes the
//! formula NaN, evaluation at NaN must give NaN (the macro omits the NaN guard on that claim).
//!
//! Everything is seeded and deterministic; the tests assert how much they checked, per function.

use crate::derive::derivative;
use crate::formula::{Cmp, Ctx, Func2, Graph, Id, Node, Parser};
use std::collections::BTreeMap;
use std::f64::consts::{FRAC_2_SQRT_PI, PI};

/// SplitMix64: small, seedable, good enough to drive a generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
}

// ---- f64 math --------------------------------------------------------------------------------

fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

/// `sigmoid'(v)`, written without `sigmoid` (symmetric, no overflow).
fn sigmoid_prime(v: f64) -> f64 {
    let e = (-v.abs()).exp();
    e / ((1.0 + e) * (1.0 + e))
}

fn softplus(v: f64) -> f64 {
    v.max(0.0) + (-v.abs()).exp().ln_1p()
}

/// erf by its Maclaurin series (|x| ≤ 2: at most ~1e-15 relative) and `1 - erfc` beyond.
fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x.abs() > 2.0 {
        return (1.0 - erfc_cf(x.abs())).copysign(x);
    }
    let (mut sum, mut t, mut n) = (0.0f64, x, 0.0f64);
    loop {
        let term = t / (2.0 * n + 1.0);
        sum += term;
        if term.abs() <= 1e-17 * sum.abs() {
            break;
        }
        n += 1.0;
        t *= -x * x / n;
    }
    sum * FRAC_2_SQRT_PI
}

fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        x
    } else if x > 2.0 {
        erfc_cf(x)
    } else if x < -2.0 {
        2.0 - erfc_cf(-x)
    } else {
        1.0 - erf(x)
    }
}

/// erfc for x > 2 by its continued fraction `e^(-x²)/√π / (x + (1/2)/(x + 1/(x + (3/2)/…)))`.
fn erfc_cf(x: f64) -> f64 {
    let mut f = x;
    for k in (1..=80).rev() {
        f = x + (k as f64 / 2.0) / f;
    }
    (-x * x).exp() / PI.sqrt() / f
}

const GELU_TANH_K: f64 = 1.595_769_121_605_730_7; // 2·sqrt(2/pi)
const GELU_TANH_C: f64 = 0.044715;

/// `(f(v), f'(v))` for a math-core function, by name (`f'` NaN where the engine never needs it).
fn call(name: &str, v: f64) -> (f64, f64) {
    let phi = |v: f64| 0.5 * erfc(-v * std::f64::consts::FRAC_1_SQRT_2);
    let gelu_grad = |v: f64| phi(v) + v * (-0.5 * v * v).exp() / (2.0 * PI).sqrt();
    let gelu_tanh_grad = |v: f64| {
        let t = GELU_TANH_K * (v + GELU_TANH_C * v * v * v);
        let dt = GELU_TANH_K * (1.0 + 3.0 * GELU_TANH_C * v * v);
        sigmoid(t) + v * dt * sigmoid_prime(t)
    };
    let mish_grad = |v: f64| {
        let sp = softplus(v);
        sp.tanh() + v * sigmoid(v) / sp.cosh().powi(2)
    };
    match name {
        "exp" => (v.exp(), v.exp()),
        "expm1" => (v.exp_m1(), v.exp()),
        "ln" => (v.ln(), 1.0 / v),
        "ln1p" => (v.ln_1p(), 1.0 / (1.0 + v)),
        "tanh" => (v.tanh(), 1.0 / v.cosh().powi(2)),
        "sigmoid" => (sigmoid(v), sigmoid_prime(v)),
        "erf" => (erf(v), FRAC_2_SQRT_PI * (-v * v).exp()),
        "erfc" => (erfc(v), -FRAC_2_SQRT_PI * (-v * v).exp()),
        "softplus" => (softplus(v), sigmoid(v)),
        "gelu" => (v * phi(v), gelu_grad(v)),
        "gelu_grad" => (gelu_grad(v), f64::NAN),
        "gelu_tanh" => (
            v * sigmoid(GELU_TANH_K * (v + GELU_TANH_C * v * v * v)),
            gelu_tanh_grad(v),
        ),
        "gelu_tanh_grad" => (gelu_tanh_grad(v), f64::NAN),
        "mish" => (v * softplus(v).tanh(), mish_grad(v)),
        "mish_grad" => (mish_grad(v), f64::NAN),
        "abs" => (v.abs(), if v < 0.0 { -1.0 } else { 1.0 }),
        "sqrt" => (v.sqrt(), 0.5 / v.sqrt()),
        "softsign" => (v / (1.0 + v.abs()), 1.0 / (1.0 + v.abs()).powi(2)),
        // Functions this generator never emits.
        _ => (f64::NAN, f64::NAN),
    }
}

fn swish_grad(x: f64, b: f64) -> f64 {
    let t = b * x;
    sigmoid(t) + t * sigmoid_prime(t)
}

// ---- evaluation --------------------------------------------------------------------------------

/// Every node of a graph evaluated at one point: values, dual-number derivatives `d/dx`, a bound
/// `m` on the magnitude of the terms summed into each derivative (the scale of its rounding
/// error), and for each comparison-like node (comparison, `min`, `max`, `abs`) the branch taken
/// and whether its two sides tie; `err` bounds (to first order) the rounding error of each value.
struct Eval {
    v: Vec<f64>,
    d: Vec<f64>,
    m: Vec<f64>,
    err: Vec<f64>,
    branch: Vec<Option<bool>>,
    tie: Vec<bool>,
}

fn eval(g: &Graph, x: f64, p: f64) -> Eval {
    let n = g.nodes.len();
    let mut e = Eval {
        v: vec![0.0; n],
        d: vec![0.0; n],
        m: vec![0.0; n],
        err: vec![0.0; n],
        branch: vec![None; n],
        tie: vec![false; n],
    };
    let truth = |b: bool| if b { 1.0 } else { 0.0 };
    for id in 0..n {
        let (v, d, m) = match g.nodes[id] {
            Node::X => (x, 1.0, 1.0),
            Node::Y => (f64::NAN, f64::NAN, f64::NAN),
            Node::Param(_) => (p, 0.0, 0.0),
            Node::Const(b) => (f64::from_bits(b), 0.0, 0.0),
            Node::Neg(a) => (-e.v[a], -e.d[a], e.m[a]),
            Node::Add(a, b) => (e.v[a] + e.v[b], e.d[a] + e.d[b], e.m[a] + e.m[b]),
            Node::Sub(a, b) => (e.v[a] - e.v[b], e.d[a] - e.d[b], e.m[a] + e.m[b]),
            Node::Mul(a, b) => (
                e.v[a] * e.v[b],
                e.d[a] * e.v[b] + e.v[a] * e.d[b],
                e.m[a] * e.v[b].abs() + e.v[a].abs() * e.m[b],
            ),
            Node::Div(a, b) => {
                let q = e.v[a] / e.v[b];
                (
                    q,
                    (e.d[a] - q * e.d[b]) / e.v[b],
                    (e.m[a] + q.abs() * e.m[b]) / e.v[b].abs(),
                )
            }
            Node::Call(f, a) => {
                if f.name() == "abs" {
                    e.branch[id] = Some(e.v[a] < 0.0);
                    e.tie[id] = e.v[a] == 0.0;
                }
                let (fv, fp) = call(f.name(), e.v[a]);
                (fv, fp * e.d[a], fp.abs() * e.m[a])
            }
            Node::Call2(f, a, b) => {
                let (va, vb) = (e.v[a], e.v[b]);
                match f {
                    Func2::Swish => {
                        let (pa, pb) = (swish_grad(va, vb), va * va * sigmoid_prime(vb * va));
                        (
                            va * sigmoid(vb * va),
                            pa * e.d[a] + pb * e.d[b],
                            pa.abs() * e.m[a] + pb.abs() * e.m[b],
                        )
                    }
                    Func2::SwishGrad => (swish_grad(va, vb), f64::NAN, f64::NAN),
                    Func2::SoftplusBeta => {
                        // d/da = sigmoid(b·a); d/db = (a·sigmoid(b·a) - softplus(b·a)/b)/b.
                        let (sp, s) = (softplus(vb * va) / vb, sigmoid(vb * va));
                        let pb = (va * s - sp) / vb;
                        (
                            sp,
                            s * e.d[a] + pb * e.d[b],
                            s.abs() * e.m[a] + pb.abs() * e.m[b],
                        )
                    }
                    Func2::SigmoidBeta => {
                        let sp = sigmoid_prime(vb * va);
                        let (pa, pb) = (vb * sp, va * sp);
                        (
                            sigmoid(vb * va),
                            pa * e.d[a] + pb * e.d[b],
                            pa.abs() * e.m[a] + pb.abs() * e.m[b],
                        )
                    }
                    Func2::MulExp => {
                        let ex = vb.exp();
                        (
                            va * ex,
                            (e.d[a] + va * e.d[b]) * ex,
                            (e.m[a] + va.abs() * e.m[b]) * ex,
                        )
                    }
                }
            }
            Node::Min(a, b) | Node::Max(a, b) => {
                let take_b = if matches!(g.nodes[id], Node::Min(..)) {
                    e.v[b] < e.v[a]
                } else {
                    e.v[b] > e.v[a]
                };
                e.branch[id] = Some(take_b);
                e.tie[id] = e.v[a] == e.v[b];
                let k = if take_b { b } else { a };
                (e.v[k], e.d[k], e.m[k])
            }
            Node::Powi(a, k) => {
                let fp = k as f64 * e.v[a].powi(k - 1);
                (e.v[a].powi(k), fp * e.d[a], fp.abs() * e.m[a])
            }
            Node::Fma(a, b, c) => (
                e.v[a].mul_add(e.v[b], e.v[c]),
                e.d[a] * e.v[b] + e.v[a] * e.d[b] + e.d[c],
                e.m[a] * e.v[b].abs() + e.v[a].abs() * e.m[b] + e.m[c],
            ),
            Node::Select(c, a, b) => {
                let k = if e.v[c] != 0.0 { a } else { b };
                (e.v[k], e.d[k], e.m[k])
            }
            Node::Cmp(op, a, b) => {
                let (va, vb) = (e.v[a], e.v[b]);
                let t = match op {
                    Cmp::Lt => va < vb,
                    Cmp::Le => va <= vb,
                    Cmp::Gt => va > vb,
                    Cmp::Ge => va >= vb,
                };
                e.branch[id] = Some(t);
                e.tie[id] = va == vb;
                (truth(t), 0.0, 0.0)
            }
            Node::And(a, b) => (truth(e.v[a] != 0.0 && e.v[b] != 0.0), 0.0, 0.0),
            Node::Or(a, b) => (truth(e.v[a] != 0.0 || e.v[b] != 0.0), 0.0, 0.0),
            Node::Not(a) => (truth(e.v[a] == 0.0), 0.0, 0.0),
        };
        e.v[id] = v;
        e.d[id] = d;
        e.m[id] = m;
        e.err[id] = rounding(g, &e, id);
    }
    e
}

/// A first-order bound on the rounding error of node `id`'s value: the children's errors through
/// the partial derivatives, plus the node's own rounding (a few ULP for library functions).
fn rounding(g: &Graph, e: &Eval, id: Id) -> f64 {
    const EPS: f64 = f64::EPSILON;
    let (v, r) = (e.v[id].abs(), &e.err);
    match g.nodes[id] {
        Node::X | Node::Y | Node::Param(_) | Node::Const(_) => 0.0,
        Node::Neg(a) => r[a],
        Node::Add(a, b) | Node::Sub(a, b) => r[a] + r[b] + EPS * v,
        Node::Mul(a, b) => e.v[b].abs() * r[a] + e.v[a].abs() * r[b] + EPS * v,
        Node::Div(a, b) => (r[a] + v * r[b]) / e.v[b].abs() + EPS * v,
        Node::Call(f, a) => {
            let fp = call(f.name(), e.v[a]).1;
            // erf and erfc here are sums with absolute error ~1e-16 (see `erf`).
            let abs = if f.name().starts_with("erf") || f.name().starts_with("gelu") {
                4.0 * EPS
            } else {
                0.0
            };
            fp.abs() * r[a] + 16.0 * EPS * v + abs
        }
        Node::Call2(Func2::MulExp, a, b) => {
            e.v[b].exp() * (r[a] + e.v[a].abs() * r[b]) + 4.0 * EPS * v
        }
        Node::Call2(Func2::SoftplusBeta, a, b) => {
            let (va, vb) = (e.v[a], e.v[b]);
            let s = sigmoid(vb * va);
            s * r[a] + ((va * s - softplus(vb * va) / vb) / vb).abs() * r[b] + 16.0 * EPS * v
        }
        Node::Call2(Func2::SigmoidBeta, a, b) => {
            let (va, vb) = (e.v[a], e.v[b]);
            let sp = sigmoid_prime(vb * va);
            (vb * sp).abs() * r[a] + (va * sp).abs() * r[b] + 16.0 * EPS * v
        }
        Node::Call2(_, a, b) => {
            let (va, vb) = (e.v[a], e.v[b]);
            swish_grad(va, vb).abs() * r[a]
                + (va * va * sigmoid_prime(vb * va)).abs() * r[b]
                + 16.0 * EPS * v
        }
        Node::Min(a, b) | Node::Max(a, b) => {
            if e.branch[id] == Some(true) {
                r[b]
            } else {
                r[a]
            }
        }
        Node::Select(c, a, b) => {
            if e.v[c] != 0.0 {
                r[a]
            } else {
                r[b]
            }
        }
        Node::Powi(a, k) => (k as f64 * e.v[a].powi(k - 1)).abs() * r[a] + 4.0 * EPS * v,
        Node::Fma(a, b, c) => e.v[b].abs() * r[a] + e.v[a].abs() * r[b] + r[c] + EPS * v,
        Node::Cmp(..) | Node::And(..) | Node::Or(..) | Node::Not(..) => 0.0,
    }
}

// ---- random formulas -------------------------------------------------------------------------

const UNARY: &[&str] = &[
    "exp",
    "expm1",
    "ln",
    "ln1p",
    "tanh",
    "sigmoid",
    "erf",
    "erfc",
    "softplus",
    "abs",
    "sqrt",
    "gelu",
    "gelu_tanh",
    "mish",
    "softsign",
];
const CONSTS: &[&str] = &[
    "0.5", "2.0", "3", "1.5", "0.25", "PI", "LN_2", "0.044715", "10.0", "1.0",
];
const CMPS: &[&str] = &["<", "<=", ">", ">="];

fn leaf(r: &mut Rng) -> String {
    match r.below(10) {
        0..=4 => "x".into(),
        5 | 6 => "p".into(),
        7 => "(x * p)".into(),
        _ => r.pick(CONSTS).into(),
    }
}

fn value(r: &mut Rng, depth: u32) -> String {
    if depth == 0 || r.below(6) == 0 {
        return leaf(r);
    }
    let a = value(r, depth - 1);
    let b = value(r, depth - 1);
    match r.below(24) {
        0..=5 => {
            let op = ["+", "-", "*", "/"][r.below(4) as usize];
            format!("({a} {op} {b})")
        }
        6 => format!("-{a}"),
        7 => format!("select({}, {a}, {b})", cond(r, depth - 1)),
        8 => format!("(if {} {{ {a} }} else {{ {b} }})", cond(r, depth - 1)),
        9 => format!("min({a}, {b})"),
        10 => format!("max({a}, {b})"),
        11 => {
            let lo = r.uniform(-3.0, 1.0);
            let hi = lo + r.uniform(0.1, 4.0);
            format!("clamp({a}, {lo:?}, {hi:?})")
        }
        12..=17 => format!("{}({a})", r.pick(UNARY)),
        18 => format!("powi({a}, {})", r.below(8) as i32 - 3),
        19 => format!("fma({a}, {b}, {})", value(r, depth - 1)),
        20 => format!("mul_exp({a}, {b})"),
        _ => {
            // The slope of `swish`, `softplus_beta` and `sigmoid_beta` must not depend on `x`
            // (the engine differentiates the first argument only).
            let slope = ["p", "0.5", "(p * 2.0)", "1.0"][r.below(4) as usize];
            let f = r.pick(&["swish", "softplus_beta", "sigmoid_beta"]);
            format!("{f}({a}, {slope})")
        }
    }
}

fn cond(r: &mut Rng, depth: u32) -> String {
    match r.below(8) {
        0 => format!("({} && {})", cond(r, depth), cond(r, depth)),
        1 => format!("({} || {})", cond(r, depth), cond(r, depth)),
        2 => format!("!({})", cond(r, depth)),
        _ => {
            let op = r.pick(CMPS);
            format!("{} {op} {}", value(r, depth.min(2)), value(r, depth.min(1)))
        }
    }
}

/// Parses `text` as a forward formula with one parameter `p`, as `#[activation]` does.
fn parse(text: &str) -> (Graph, Id) {
    let e: syn::Expr = syn::parse_str(text).unwrap_or_else(|err| panic!("{text}: {err}"));
    let mut g = Graph::default();
    let mut errors = Vec::new();
    let params = ["p".to_string()];
    let root = Parser {
        g: &mut g,
        params: &params,
        ctx: Ctx::Forward,
        y: None,
        errors: &mut errors,
    }
    .value(&e);
    assert!(errors.is_empty(), "{text}: {:?}", errors[0].to_string());
    (g, root)
}

/// The kind of a node, for coverage counts.
fn kind(g: &Graph, id: Id) -> Option<String> {
    Some(match &g.nodes[id] {
        Node::Neg(_) => "neg".into(),
        Node::Add(..) => "+".into(),
        Node::Sub(..) => "-".into(),
        Node::Mul(..) => "*".into(),
        Node::Div(..) => "/".into(),
        Node::Call(f, _) => f.name().into(),
        Node::Call2(f, ..) => f.name().into(),
        Node::Min(..) => "min".into(),
        Node::Max(..) => "max".into(),
        Node::Powi(..) => "powi".into(),
        Node::Fma(..) => "fma".into(),
        Node::Select(..) => "select".into(),
        _ => return None,
    })
}

/// `|a - b| ≤ tol`, false when either is NaN.
fn within(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[derive(Default, Debug)]
struct Counts {
    formulas: usize,
    points: usize,
    skipped_points: usize,
    node_checks: usize,
    fd_checks: usize,
    per_kind: BTreeMap<String, usize>,
}

/// Where `(g, root)` with derivative memo `memo` disagrees with the dual numbers or the
/// central difference at `(x, p)`; `None` if it agrees or the point is unusable.
fn check_point(
    g: &Graph,
    forward: &[Id],
    root: Id,
    memo: &[Option<Id>],
    x: f64,
    p: f64,
    counts: &mut Counts,
) -> Option<String> {
    let e = eval(g, x, p);
    let numeric = |id: &&Id| !g.nodes[**id].is_bool();
    // Away from ties (kinks), overflow and singularities.
    let usable = forward.iter().all(|&id| !e.tie[id])
        && forward
            .iter()
            .filter(numeric)
            .all(|&id| e.v[id].abs() <= 1e12 && e.m[id] <= 1e12);
    if !usable {
        counts.skipped_points += 1;
        return None;
    }
    counts.points += 1;
    for &id in forward.iter().filter(numeric) {
        let Some(did) = memo[id] else { continue };
        let (sym, dual) = (e.v[did], e.d[id]);
        let tol = 1e-9 * e.m[id] + 1e-290;
        counts.node_checks += 1;
        if let Some(k) = kind(g, id) {
            *counts.per_kind.entry(k).or_default() += 1;
        }
        if !within(sym, dual, tol) {
            return Some(format!(
                "node {}: symbolic {sym:e}, dual {dual:e} (tol {tol:e})",
                g.text(id, &["p".to_string()])
            ));
        }
    }
    // Central difference at the root, where no branch changes within the stencil.
    let h1 = (x.abs().max(1.0)) * (2f64).powi(-10);
    let h2 = h1 / 2.0;
    let mut f = [0.0; 4];
    for (k, xs) in [x + h1, x - h1, x + h2, x - h2].into_iter().enumerate() {
        let s = eval(g, xs, p);
        if forward.iter().any(|&id| s.branch[id] != e.branch[id]) || !s.v[root].is_finite() {
            return None;
        }
        f[k] = s.v[root];
    }
    let (fd1, fd2) = ((f[0] - f[1]) / (2.0 * h1), (f[2] - f[3]) / (2.0 * h2));
    let spread = (fd1 - fd2).abs();
    let scale = forward
        .iter()
        .filter(numeric)
        .map(|&id| e.v[id].abs())
        .fold(0.0, f64::max);
    // Too curved for this step (the extrapolation would not be reliable): skip.
    if spread > 1e-2 * fd2.abs().max(1e-8 * (scale + 1.0)) {
        return None;
    }
    let richardson = (4.0 * fd2 - fd1) / 3.0;
    let sym = e.v[memo[root].expect("root derivative")];
    // The rounding errors of the four values, divided by the step: when they swamp the
    // derivative, f64 cannot resolve it here (e.g. `ln1p(expm1(u))` for u < -37): skip.
    let noise = 2.0 * e.err[root] / h2;
    if noise > 1e-4 * sym.abs().max(richardson.abs()) {
        return None;
    }
    let tol = 4.0 * spread + noise + 1e-7 * (sym.abs() + richardson.abs()) + 1e-12 * scale / h2;
    counts.fd_checks += 1;
    if !within(sym, richardson, tol) {
        return Some(format!(
            "root: symbolic {sym:e}, central difference {richardson:e} (tol {tol:e})"
        ));
    }
    None
}

const FORMULAS: usize = 6000;
const POINTS_PER_FORMULA: usize = 12;

#[test]
fn symbolic_derivative_matches_dual_numbers_and_central_differences() {
    let mut r = Rng(0x5EED_D0D1_2026_1123);
    let mut counts = Counts::default();
    let mut failures = Vec::new();
    for _ in 0..FORMULAS {
        let depth = 1 + r.below(4) as u32;
        let text = value(&mut r, depth);
        let (mut g, root) = parse(&text);
        let forward = g.reachable(&[root]);
        let mut memo = Vec::new();
        let d = derivative(&mut g, root, &mut memo);
        assert!(d.is_some(), "{text}: no symbolic derivative");
        memo.resize(g.nodes.len(), None);
        counts.formulas += 1;
        for k in 0..POINTS_PER_FORMULA {
            let x = if k % 4 == 3 {
                r.uniform(-30.0, 30.0)
            } else {
                r.uniform(-4.0, 4.0)
            };
            let p = r.uniform(0.25, 3.0);
            if let Some(msg) = check_point(&g, &forward, root, &memo, x, p, &mut counts) {
                failures.push(format!("{text} at x = {x:?}, p = {p:?}: {msg}"));
                break;
            }
        }
    }
    eprintln!("{counts:#?}");
    assert!(
        failures.is_empty(),
        "{} of {} formulas disagree; first ones:\n  {}",
        failures.len(),
        counts.formulas,
        failures[..failures.len().min(10)].join("\n  ")
    );
    // The test must have tested something: most points usable, every rule exercised.
    assert!(
        counts.points >= FORMULAS * POINTS_PER_FORMULA / 3,
        "{counts:?}"
    );
    assert!(counts.fd_checks >= FORMULAS, "{counts:?}");
    for k in UNARY
        .iter()
        .chain(&[
            "neg", "+", "-", "*", "/", "min", "max", "powi", "fma", "select",
        ])
        .chain(&["swish", "mul_exp", "softplus_beta", "sigmoid_beta"])
    {
        let n = counts.per_kind.get(*k).copied().unwrap_or(0);
        assert!(n >= 200, "`{k}` checked only {n} times: {counts:?}");
    }
}

#[test]
fn propagates_nan_is_sound() {
    let mut r = Rng(0x4E41_4E00_2026_1123);
    let (mut claimed, mut total) = (0, 0);
    for _ in 0..FORMULAS {
        let depth = 1 + r.below(4) as u32;
        let text = value(&mut r, depth);
        let (g, root) = parse(&text);
        total += 1;
        if !g.propagates_nan(root) {
            continue;
        }
        claimed += 1;
        for p in [0.5, 1.0, 2.5] {
            let v = eval(&g, f64::NAN, p).v[root];
            assert!(
                v.is_nan(),
                "{text}: propagates_nan claims NaN, evaluation gives {v:e} at p = {p}"
            );
        }
    }
    eprintln!("propagates_nan: {claimed} of {total} formulas claim NaN propagation");
    assert!(
        claimed >= total / 3 && claimed < total,
        "{claimed} of {total}"
    );
}
