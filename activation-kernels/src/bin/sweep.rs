//! Exhaustive (or strided) accuracy sweep of the math core and the activations.
//!
//! ```text
//! cargo run --release -p activation-kernels --bin sweep -- [FUNC...|all|activations|ACT|ACT'] [--isa ISA]...
//!     [--stride N] [--threads N] [--markdown FILE] [--quiet]
//! ```
//! Walks every f32 bit pattern `0, N, 2N, ...` (stride 1 = all 2^32), runs each function on every
//! requested ISA (default: all this CPU has), checks that every ISA gives the same bits as
//! scalar (NaN = NaN), and measures the scalar result against the f64 reference in ULP. Prints
//! max ULP, the worst input, how many inputs exceed 1 ULP and the bound, and whether the table
//! bound holds. Exit status 1 if any bound or bit-identity check fails.

use activation_kernels::Isa;
use activation_kernels::accuracy::math_bound;
use activation_kernels::math::MathFn;
use activation_kernels::registry::{self, DynActivation};
use activation_kernels::ulp::{same_result, ulp_error};
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
    }
}

const BLOCK: u64 = 1 << 14;

/// What a sweep measures: a math function, or an activation's forward or derivative.
#[derive(Copy, Clone)]
enum Target {
    Math(MathFn),
    Forward(&'static dyn DynActivation),
    Derivative(&'static dyn DynActivation),
}

impl Target {
    fn name(self) -> String {
        match self {
            Target::Math(f) => f.name().to_string(),
            Target::Forward(a) => a.info().name.to_string(),
            Target::Derivative(a) => format!("{}'", a.info().name),
        }
    }
    fn apply_on(self, isa: Isa, xs: &[f32], ys: &mut [f32]) {
        match self {
            Target::Math(f) => f.apply_on(isa, xs, ys),
            Target::Forward(a) => a.forward_on(isa, xs, ys),
            Target::Derivative(a) => a.derivative_on(isa, xs, ys),
        }
    }
    fn reference(self, x: f64) -> f64 {
        match self {
            Target::Math(f) => f.reference(x),
            Target::Forward(a) => a.forward_reference(x),
            Target::Derivative(a) => a.derivative_reference(x),
        }
    }
    /// (ULP bound, absolute tolerance accepted instead near zeros of f').
    fn bounds(self) -> (f64, f64) {
        match self {
            Target::Math(f) => (math_bound(f).bound_ulp, 0.0),
            Target::Forward(a) => (a.info().forward_ulp, 0.0),
            Target::Derivative(a) => (a.info().derivative_ulp, a.info().derivative_abs),
        }
    }
}

fn sweep_range(f: Target, isas: &[Isa], start: u64, end: u64, stride: u64) -> Stats {
    let (bound, abs_tol) = f.bounds();
    let mut st = Stats::default();
    let mut xs = Vec::with_capacity(BLOCK as usize);
    let mut ys: Vec<Vec<f32>> = isas.iter().map(|_| vec![0.0; BLOCK as usize]).collect();
    let mut i = start;
    while i < end {
        xs.clear();
        while xs.len() < BLOCK as usize && i < end {
            xs.push(f32::from_bits(i as u32));
            i += stride;
        }
        for (k, &isa) in isas.iter().enumerate() {
            f.apply_on(isa, &xs, &mut ys[k][..xs.len()]);
        }
        for (j, &x) in xs.iter().enumerate() {
            let y = ys[0][j];
            for (k, &isa) in isas.iter().enumerate().skip(1) {
                if !same_result(y, ys[k][j]) {
                    st.mismatches += 1;
                    st.first_mismatch.get_or_insert((x.to_bits(), isa));
                }
            }
            let r = if x.is_infinite() {
                // Limits at ±inf: the reference there, or far out where it is indeterminate.
                let v = f.reference(x as f64);
                if v.is_nan() {
                    f.reference((x as f64).signum() * 1e300)
                } else {
                    v
                }
            } else {
                f.reference(x as f64)
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
            "-h" | "--help" => {
                println!(
                    "usage: sweep [FUNC...|all] [--isa ISA]... [--stride N] [--threads N] [--markdown FILE] [--quiet]"
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
                }
            }
            name => {
                let base = name.trim_end_matches('\'');
                if let Some(f) = MathFn::from_name(name) {
                    funcs.push(Target::Math(f));
                } else if let Ok(a) = registry::lookup(base) {
                    if name.ends_with('\'') {
                        funcs.push(Target::Derivative(a));
                    } else {
                        funcs.push(Target::Forward(a));
                        funcs.push(Target::Derivative(a));
                    }
                } else {
                    die(&format!(
                        "unknown function `{name}`; expected `all`, `activations`, a math function ({}) or an activation name (`NAME'` for its derivative only)",
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
    if funcs.is_empty() {
        funcs.extend(MathFn::ALL.iter().map(|&f| Target::Math(f)));
    }
    if isas.is_empty() {
        isas = Isa::available().collect();
    }
    // Scalar first: it is the reference path the others must match.
    isas.sort();
    isas.dedup();
    if isas[0] != Isa::Scalar {
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
                            local.merge(&sweep_range(f, &isas, start, end, stride));
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
        let row = format!(
            "| {} | {} | {} | {:.3} | {:e} (0x{:08X}) | {} | {}{} {} | {} | {:.0} s |",
            f.name(),
            isa_names,
            st.count,
            st.max_ulp,
            f32::from_bits(st.worst),
            st.worst,
            st.over_1,
            bound,
            if abs_tol > 0.0 {
                format!(" (or abs ≤ {abs_tol:e})")
            } else {
                String::new()
            },
            if st.over_bound == 0 { "ok" } else { "**FAIL**" },
            match st.first_mismatch {
                None => "yes".to_string(),
                Some((x, isa)) => format!(
                    "**NO** ({} inputs; first 0x{x:08X} on {isa})",
                    st.mismatches
                ),
            },
            t0.elapsed().as_secs_f64()
        );
        println!("{row}");
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

fn die(msg: &str) -> ! {
    eprintln!("sweep: {msg}");
    std::process::exit(2)
}
