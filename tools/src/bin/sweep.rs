//! Exhaustive (or strided) accuracy sweep of the math core and the activations.
//!
//! ```text
//! cargo run --release -p activation-tools --bin sweep -- [FUNC...|all|activations|ACT|ACT'|ACT'(y)]
//!     [--isa ISA]... [--stride N] [--threads N] [--markdown FILE] [--quiet] [--identity-only]
//!     [--monotone] [--digest]
//! ```
//! Walks every f32 bit pattern `0, N, 2N, ...` (stride 1 = all 2^32), runs each function on every
//! requested ISA (default: all this CPU has), checks that every ISA gives the same bits as
//! scalar (NaN = NaN), and measures the scalar result against the f64 reference in ULP. Prints
//! max ULP, the worst input, how many inputs exceed 1 ULP and the bound, and whether the table
//! bound holds. Exit status 1 if any bound or bit-identity check fails.
//!
//! What is swept: `all` = the math core; `activations` = every built-in activation's forward
//! (`NAME`), derivative (`NAME'`) and, where it exists, `backward_from_output` (`NAME'(y)`);
//! `ACT` = that activation's rows; `ACT'` / `ACT'(y)` = one row. A `NAME'(y)` row runs
//! `backward_from_output(y = f(x), dy = 1)` with `y` from the scalar forward of each swept `x`
//! (the worst input is that `x`), and measures it against the output-derivative formula in f64
//! at the same `y`, within the derivative's bound (or its absolute tolerance, at least the
//! smallest subnormal), as `testing::check_from_output` does.
//!
//! `--monotone` instead checks that each named activation's forward never decreases between
//! neighbouring inputs: every non-NaN f32 in increasing order (`-inf`, ..., `-0`, `+0`, ...,
//! `+inf`), on every requested ISA; it prints the number of decreasing neighbour pairs and the
//! first one, and exits 1 if there is any (use it on functions that are monotone in exact
//! arithmetic: at default parameters that is every built-in except gelu, gelu_tanh, swish,
//! mish, hard_swish and their derivatives).
//!
//! `--identity-only` skips the f64 reference (most of the cost) and checks only that every ISA
//! gives scalar's bits: with the scalar path's accuracy already recorded for all 2^32 inputs,
//! that is how a new ISA (or a new machine) is added to the record. Its rows say "not
//! measured" in the accuracy columns.
//!
//! `--digest` also prints, per row, a 64-bit digest of every swept input with its scalar
//! result (NaN results count as one value; the sum over inputs of a hash of `(x, y)`, so the
//! thread split does not matter; with a single `--isa`, that ISA's results). Two builds with the same digests for a row over all 2^32
//! inputs give the same bits for it: that is how a change meant to keep every bit (a fast
//! path, a refactoring) is checked, `--identity-only --digest` before and after.

use activation_kernels::accuracy::math_bound;
use activation_kernels::activations::{
    Elu, Exponential, LeakyRelu, Relu, Relu6, Selu, Sigmoid, Softplus, Softsign, Tanh,
};
use activation_kernels::math::MathFn;
use activation_kernels::registry::{self, DynActivation};
use activation_kernels::ulp::f32_ulp_at;
use activation_kernels::ulp::{same_result, ulp_error};
use activation_kernels::{Isa, OutputDerivative};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

#[derive(Clone, Copy, Default)]
struct Stats {
    max_ulp: f64,
    worst: u32,
    over_1: u64,
    over_bound: u64,
    mismatches: u64,
    first_mismatch: Option<(u32, Isa)>,
    count: u64,
    /// Wrapping sum of `mix(x, y)` over the swept inputs (see `--digest`).
    digest: u64,
}

/// A 64-bit hash of an input and its result (splitmix64's finaliser), NaN results as one value.
fn mix(x: f32, y: f32) -> u64 {
    let y = if y.is_nan() { f32::NAN } else { y };
    let mut z =
        ((x.to_bits() as u64) << 32 | y.to_bits() as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Stats {
    fn merge(&mut self, o: &Stats) {
        if o.max_ulp > self.max_ulp {
            self.max_ulp = o.max_ulp;
            self.worst = o.worst;
        }
        self.over_1 += o.over_1;
        self.over_bound += o.over_bound;
        self.mismatches += o.mismatches;
        if self.first_mismatch.is_none() {
            self.first_mismatch = o.first_mismatch;
        }
        self.count += o.count;
        self.digest = self.digest.wrapping_add(o.digest);
    }
}

const BLOCK: u64 = 1 << 14;

/// An f64 reference function.
type Reference = fn(f64) -> f64;

/// `f'` as a function of the output `y`, in f64, for the built-ins with `backward_from_output`
/// (default parameters). The registry's trait objects run the kernel but do not expose this
/// reference, so it is listed here by name; an activation with an output derivative that is
/// missing here is still swept for bit-identity and NaN propagation, with a warning.
const FROM_OUTPUT_REFERENCES: &[(&str, Reference)] = &[
    ("relu", |y| Relu.derivative_from_output_reference(y)),
    ("leaky_relu", |y| {
        LeakyRelu::default().derivative_from_output_reference(y)
    }),
    ("relu6", |y| Relu6.derivative_from_output_reference(y)),
    ("elu", |y| {
        Elu::default().derivative_from_output_reference(y)
    }),
    ("selu", |y| Selu.derivative_from_output_reference(y)),
    ("sigmoid", |y| Sigmoid.derivative_from_output_reference(y)),
    ("softplus", |y| {
        Softplus::default().derivative_from_output_reference(y)
    }),
    ("softsign", |y| Softsign.derivative_from_output_reference(y)),
    ("tanh", |y| Tanh.derivative_from_output_reference(y)),
    ("exponential", |y| {
        Exponential.derivative_from_output_reference(y)
    }),
];

/// What a sweep measures: a math function, or an activation's forward, derivative, or
/// derivative from the output (`backward_from_output` with `dy = 1`; the f64 reference of the
/// output-derivative formula, when known).
#[derive(Copy, Clone)]
enum Target {
    Math(MathFn),
    Forward(&'static dyn DynActivation),
    Derivative(&'static dyn DynActivation),
    FromOutput(&'static dyn DynActivation, Option<Reference>),
}

impl Target {
    fn from_output(a: &'static dyn DynActivation) -> Target {
        let name = a.info().name;
        let r = FROM_OUTPUT_REFERENCES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, r)| r);
        if r.is_none() {
            eprintln!(
                "sweep: warning: no f64 output-derivative reference for `{name}` (add it to FROM_OUTPUT_REFERENCES); {name}'(y) is checked for bit-identity and NaN only"
            );
        }
        Target::FromOutput(a, r)
    }
}

impl Target {
    fn name(self) -> String {
        match self {
            Target::Math(f) => f.name().to_string(),
            Target::Forward(a) => a.info().name.to_string(),
            Target::Derivative(a) => format!("{}'", a.info().name),
            Target::FromOutput(a, _) => format!("{}'(y)", a.info().name),
        }
    }
    /// Runs the kernel on `isa`: `xs` are the swept inputs, `ys` the scalar forward of `xs`
    /// (used by `FromOutput`), `dy` ones.
    fn apply_on(self, isa: Isa, xs: &[f32], ys: &[f32], dy: &[f32], out: &mut [f32]) {
        match self {
            Target::Math(f) => f.apply_on(isa, xs, out),
            Target::Forward(a) => a.forward_on(isa, xs, out),
            Target::Derivative(a) => a.derivative_on(isa, xs, out),
            Target::FromOutput(a, _) => a
                .backward_from_output_on(isa, ys, dy, out)
                .expect("only activations with an output derivative are swept from y"),
        }
    }
    /// The f64 reference at `u` (`x`, or `y` for `FromOutput`); `None` when unknown.
    fn reference(self, u: f64) -> Option<f64> {
        Some(match self {
            Target::Math(f) => f.reference(u),
            Target::Forward(a) => a.forward_reference(u),
            Target::Derivative(a) => a.derivative_reference(u),
            Target::FromOutput(_, r) => r?(u),
        })
    }
    /// (ULP bound, absolute tolerance accepted instead near zeros of f').
    fn bounds(self) -> (f64, f64) {
        match self {
            Target::Math(f) => (math_bound(f).bound_ulp, 0.0),
            Target::Forward(a) => (a.info().forward_ulp, 0.0),
            Target::Derivative(a) => (a.info().derivative_ulp, a.info().derivative_abs),
            // As `testing::check_from_output`: at least the smallest subnormal absolutely.
            Target::FromOutput(a, _) => (
                a.info().derivative_ulp,
                a.info().derivative_abs.max(f32_ulp_at(0.0)),
            ),
        }
    }
    fn is_from_output(self) -> bool {
        matches!(self, Target::FromOutput(..))
    }
}

fn sweep_range(
    f: Target,
    isas: &[Isa],
    (start, end, stride): (u64, u64, u64),
    measure: bool,
) -> Stats {
    let (bound, abs_tol) = f.bounds();
    let mut st = Stats::default();
    let mut xs = Vec::with_capacity(BLOCK as usize);
    let mut ys: Vec<Vec<f32>> = isas.iter().map(|_| vec![0.0; BLOCK as usize]).collect();
    // For `FromOutput`: y = f(x) on the scalar path, and dy = 1.
    let mut fx = vec![0.0f32; BLOCK as usize];
    let ones = vec![1.0f32; BLOCK as usize];
    let mut i = start;
    while i < end {
        xs.clear();
        while xs.len() < BLOCK as usize && i < end {
            xs.push(f32::from_bits(i as u32));
            i += stride;
        }
        let n = xs.len();
        if let Target::FromOutput(a, _) = f {
            a.forward_on(Isa::Scalar, &xs, &mut fx[..n]);
        }
        for (k, &isa) in isas.iter().enumerate() {
            f.apply_on(isa, &xs, &fx[..n], &ones[..n], &mut ys[k][..n]);
        }
        for (j, &x) in xs.iter().enumerate() {
            let y = ys[0][j];
            st.digest = st.digest.wrapping_add(mix(x, y));
            for (k, &isa) in isas.iter().enumerate().skip(1) {
                if !same_result(y, ys[k][j]) {
                    st.mismatches += 1;
                    st.first_mismatch.get_or_insert((x.to_bits(), isa));
                }
            }
            if !measure {
                continue;
            }
            // The reference's argument: x, or y = f(x) for `FromOutput`.
            let u = if f.is_from_output() { fx[j] } else { x };
            let r = match f.reference(u as f64) {
                // Limits at ±inf: the reference there, or far out where it is indeterminate.
                Some(v) if v.is_nan() && u.is_infinite() => {
                    f.reference((u as f64).signum() * 1e300).unwrap_or(f64::NAN)
                }
                Some(v) => v,
                // No reference: only NaN propagation is checked.
                None if u.is_nan() => f64::NAN,
                None => y as f64,
            };
            let mut e = ulp_error(y, r);
            if e > bound && ((y as f64) - r).abs() <= abs_tol {
                e = 0.0; // accepted absolutely (documented neighbourhood of a zero of f')
            }
            if e > st.max_ulp || (st.count == 0 && j == 0) {
                if e > st.max_ulp {
                    st.max_ulp = e;
                }
                st.worst = x.to_bits();
            }
            st.over_1 += (e > 1.0) as u64;
            st.over_bound += (e > bound) as u64;
        }
        st.count += xs.len() as u64;
    }
    st
}

fn main() {
    let mut funcs: Vec<Target> = Vec::new();
    let mut isas: Vec<Isa> = Vec::new();
    let mut stride: u64 = 1;
    let mut threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut markdown: Option<String> = None;
    let mut quiet = false;
    let mut measure = true;
    let mut monotone = false;
    let mut digest = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = |name: &str| {
            args.next()
                .unwrap_or_else(|| die(&format!("{name} needs a value")))
        };
        match a.as_str() {
            "--isa" => {
                let v = val("--isa");
                let isa: Isa = v.parse().unwrap_or_else(|e| die(&format!("{e}")));
                if !isa.is_available() {
                    die(&format!("ISA {isa} is not available on this CPU"));
                }
                isas.push(isa);
            }
            "--stride" => {
                stride = val("--stride")
                    .parse()
                    .unwrap_or_else(|_| die("bad --stride"))
            }
            "--threads" => {
                threads = val("--threads")
                    .parse()
                    .unwrap_or_else(|_| die("bad --threads"))
            }
            "--markdown" => markdown = Some(val("--markdown")),
            "--quiet" => quiet = true,
            "--identity-only" => measure = false,
            "--monotone" => monotone = true,
            "--digest" => digest = true,
            "-h" | "--help" => {
                println!(
                    "usage: sweep [FUNC...|all|activations|ACT|ACT'|ACT'(y)] [--isa ISA]... [--stride N] [--threads N] [--markdown FILE] [--quiet] [--identity-only] [--monotone] [--digest]"
                );
                println!(
                    "functions: {}",
                    MathFn::ALL
                        .iter()
                        .map(|f| f.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                return;
            }
            "all" => funcs.extend(MathFn::ALL.iter().map(|&f| Target::Math(f))),
            "activations" => {
                for a in registry::ALL {
                    funcs.push(Target::Forward(*a));
                    funcs.push(Target::Derivative(*a));
                    if a.info().from_output {
                        funcs.push(Target::from_output(*a));
                    }
                }
            }
            name => {
                let (base, which) = if let Some(b) = name.strip_suffix("'(y)") {
                    (b, "from_output")
                } else if let Some(b) = name.strip_suffix('\'') {
                    (b, "derivative")
                } else {
                    (name, "all")
                };
                if let Some(f) = MathFn::from_name(name) {
                    funcs.push(Target::Math(f));
                } else if let Ok(a) = registry::lookup(base) {
                    let has_y = a.info().from_output;
                    match which {
                        "derivative" => funcs.push(Target::Derivative(a)),
                        "from_output" if has_y => funcs.push(Target::from_output(a)),
                        "from_output" => die(&format!(
                            "`{base}` has no backward_from_output (its derivative needs x)"
                        )),
                        _ => {
                            funcs.push(Target::Forward(a));
                            funcs.push(Target::Derivative(a));
                            if has_y {
                                funcs.push(Target::from_output(a));
                            }
                        }
                    }
                } else {
                    die(&format!(
                        "unknown function `{name}`; expected `all`, `activations`, a math function ({}) or an activation name (`NAME'` for its derivative only, `NAME'(y)` for its backward_from_output)",
                        MathFn::ALL
                            .iter()
                            .map(|f| f.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                }
            }
        }
    }
    if monotone {
        let acts: Vec<&'static dyn DynActivation> = funcs
            .iter()
            .filter_map(|f| match f {
                Target::Forward(a) => Some(*a),
                // `sigmoid`, `tanh`, `softplus`, `exp` name math functions too: here the
                // activation of that name is meant.
                Target::Math(m) => registry::lookup(m.name()).ok(),
                _ => None,
            })
            .collect();
        if acts.is_empty() {
            die("--monotone needs activation names (their forward is checked)");
        }
        let isas: Vec<Isa> = if isas.is_empty() {
            Isa::available().collect()
        } else {
            isas.clone()
        };
        let mut bad = false;
        for a in acts {
            for &isa in &isas {
                let t0 = Instant::now();
                let (count, first) = monotone_scan(a, isa, threads);
                bad |= count > 0;
                println!(
                    "{} on {isa}: {count} decreasing neighbour pairs over every non-NaN f32{} ({:.0} s)",
                    a.info().name,
                    match first {
                        Some((x, y0, y1)) => format!(
                            "; first at {x:e} (0x{:08X}): {y0:e} then {y1:e}",
                            x.to_bits()
                        ),
                        None => String::new(),
                    },
                    t0.elapsed().as_secs_f64()
                );
            }
        }
        std::process::exit(bad as i32);
    }
    if funcs.is_empty() {
        funcs.extend(MathFn::ALL.iter().map(|&f| Target::Math(f)));
    }
    if isas.is_empty() {
        isas = Isa::available().collect();
    }
    // Scalar first: it is the reference path the others must match.
    isas.sort();
    isas.dedup();
    // (A digest of one explicitly requested ISA needs no scalar run: the tests and plain
    // sweeps check that every ISA gives scalar's bits.)
    if isas[0] != Isa::Scalar && !(digest && isas.len() == 1) {
        isas.insert(0, Isa::Scalar);
    }
    let stride = stride.max(1);
    let isa_names = isas.iter().map(|i| i.name()).collect::<Vec<_>>().join("+");
    let mut rows = Vec::new();
    let mut failed = false;
    println!(
        "| function | ISAs | inputs | max ULP | worst input | > 1 ULP | bound | bit-identical | time |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for f in funcs {
        let (bound, abs_tol) = f.bounds();
        let t0 = Instant::now();
        let total: u64 = 1 << 32;
        let chunk = (total / (threads as u64 * 64)).max(BLOCK * stride) / stride * stride;
        let next = AtomicU64::new(0);
        let done = AtomicU64::new(0);
        let mut st = Stats::default();
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut local = Stats::default();
                        loop {
                            let start = next.fetch_add(chunk, Ordering::Relaxed);
                            if start >= total {
                                break;
                            }
                            let end = (start + chunk).min(total);
                            local.merge(&sweep_range(f, &isas, (start, end, stride), measure));
                            let d = done.fetch_add(end - start, Ordering::Relaxed) + (end - start);
                            if !quiet {
                                let pct = d as f64 / total as f64 * 100.0;
                                let bar = "#".repeat((pct / 2.5) as usize);
                                eprint!("\r{:>16} [{bar:<40}] {pct:5.1}% ", f.name());
                                let _ = std::io::stderr().flush();
                            }
                        }
                        local
                    })
                })
                .collect();
            for h in handles {
                st.merge(&h.join().expect("sweep thread panicked"));
            }
        });
        if !quiet {
            eprint!("\r{:80}\r", "");
        }
        let ok = st.over_bound == 0 && st.mismatches == 0;
        failed |= !ok;
        let identical = match st.first_mismatch {
            None => "yes".to_string(),
            Some((x, isa)) => format!(
                "**NO** ({} inputs; first 0x{x:08X} on {isa})",
                st.mismatches
            ),
        };
        let secs = t0.elapsed().as_secs_f64();
        let row = if !measure {
            format!(
                "| {} | {} | {} | not measured | - | - | - | {identical} | {secs:.0} s |",
                f.name(),
                isa_names,
                st.count,
            )
        } else {
            format!(
                "| {} | {} | {} | {:.3} | {:e} (0x{:08X}) | {} | {}{} {} | {identical} | {secs:.0} s |",
                f.name(),
                isa_names,
                st.count,
                st.max_ulp,
                f32::from_bits(st.worst),
                st.worst,
                st.over_1,
                bound,
                if matches!(f, Target::FromOutput(_, None)) {
                    " (not measured: no reference; bit-identity and NaN only)".to_string()
                } else if abs_tol == f32_ulp_at(0.0) {
                    " (or abs ≤ 2^-149)".to_string()
                } else if abs_tol > 0.0 {
                    format!(" (or abs ≤ {abs_tol:e})")
                } else {
                    String::new()
                },
                if st.over_bound == 0 { "ok" } else { "**FAIL**" },
            )
        };
        println!("{row}");
        if digest {
            println!(
                "digest {} {:016x} ({} inputs)",
                f.name(),
                st.digest,
                st.count
            );
        }
        rows.push(row);
    }
    if let Some(path) = markdown {
        let mut s = String::new();
        s.push_str("| function | ISAs | inputs | max ULP | worst input | > 1 ULP | bound | bit-identical | time |\n");
        s.push_str("|---|---|---|---|---|---|---|---|---|\n");
        for r in &rows {
            s.push_str(r);
            s.push('\n');
        }
        std::fs::write(&path, s).unwrap_or_else(|e| die(&format!("cannot write {path}: {e}")));
    }
    if failed {
        std::process::exit(1);
    }
}

/// The `i`-th non-NaN f32 in increasing order: `-inf` (i = 0) up to `-0`, then `+0` up to `+inf`.
fn ordered(i: u64) -> f32 {
    const HALF: u64 = 0x7F80_0001; // -inf ..= -0, and +0 ..= +inf
    if i < HALF {
        f32::from_bits(0xFF80_0000 - i as u32)
    } else {
        f32::from_bits((i - HALF) as u32)
    }
}

/// Decreasing neighbour pairs of `a`'s forward on `isa` over every non-NaN f32 in increasing
/// order, and the first one (`x`, `f(x)`, `f(next x)`).
fn monotone_scan(
    a: &'static dyn DynActivation,
    isa: Isa,
    threads: usize,
) -> (u64, Option<(f32, f32, f32)>) {
    let total: u64 = 2 * 0x7F80_0001;
    let chunk = total.div_ceil(threads as u64 * 64);
    let next = AtomicU64::new(0);
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut count = 0u64;
                    let mut first: Option<(u64, f32, f32, f32)> = None;
                    let mut xs = vec![0.0f32; BLOCK as usize + 1];
                    let mut ys = vec![0.0f32; BLOCK as usize + 1];
                    loop {
                        let start = next.fetch_add(chunk, Ordering::Relaxed);
                        if start >= total {
                            break;
                        }
                        let end = (start + chunk).min(total);
                        // Blocks overlap by one input so every neighbour pair is compared.
                        let mut i = start.saturating_sub(1);
                        while i + 1 < end {
                            let n = (end - i).min(BLOCK + 1) as usize;
                            for (k, x) in xs[..n].iter_mut().enumerate() {
                                *x = ordered(i + k as u64);
                            }
                            a.forward_on(isa, &xs[..n], &mut ys[..n]);
                            for k in 1..n {
                                if ys[k] < ys[k - 1] {
                                    count += 1;
                                    let idx = i + k as u64 - 1;
                                    if first.is_none_or(|f| idx < f.0) {
                                        first = Some((idx, xs[k - 1], ys[k - 1], ys[k]));
                                    }
                                }
                            }
                            i += n as u64 - 1;
                        }
                    }
                    (count, first)
                })
            })
            .collect();
        let mut count = 0;
        let mut first: Option<(u64, f32, f32, f32)> = None;
        for h in hs {
            let (c, f) = h.join().expect("monotone scan thread panicked");
            count += c;
            if let Some(f) = f
                && first.is_none_or(|g| f.0 < g.0)
            {
                first = Some(f);
            }
        }
        (count, first.map(|(_, x, y0, y1)| (x, y0, y1)))
    })
}

fn die(msg: &str) -> ! {
    eprintln!("sweep: {msg}");
    std::process::exit(2)
}
