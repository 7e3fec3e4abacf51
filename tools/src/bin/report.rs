//! The main report: per math function and per built-in activation, on every ISA, throughput and
//! sampled max ULP.
//!
//! ```text
//! cargo run --release -p activation-tools --bin report [-- --quick | --print-isa]
//! cargo run --release -p activation-tools --features plots --bin report -- --plots DIR [--plot-samples N]
//! ```
//! `--plots DIR` renders SVG plots of every built-in activation instead of the report (needs the
//! `plots` feature; see `activation_tools::plot::render_all`): `activations.svg` (all of them
//! with their derivatives on [-6, 6]), `NAME.svg`, and `ulp-NAME.svg` (the measured ULP error of
//! forward and derivative per ISA, on [-20, 20] and over all f32, N inputs each, default 2^18).
//! Throughput is the median of several timed batches (elements per nanosecond, single thread,
//! out of place, 4096 and 16M elements), next to a plain scalar `f32` loop (`f32::exp`-style
//! formula, std's libm) and a `copy_from_slice` of the same size measured in the same run.
//! Accuracy is the max ULP error over 2^20 inputs spread over the whole f32 bit range (the full
//! 2^32 record is `sweep`'s job), with the bound from the accuracy table.
//!
//! The activation table has, per built-in activation (default parameters): forward out of place
//! on every ISA, forward in place (fresh inputs every call; the refresh copy is timed separately
//! and subtracted), `backward(x, dy, dx)` and the f64 forward (the same inputs widened) on the
//! best ISA, the best forward
//! against a `copy_from_slice`, and the sampled max ULP (2^18 inputs over the whole f32 range,
//! every ISA) of forward and derivative against their bounds (derivatives accept the declared
//! absolute error near zeros of f').

use activation_kernels::Isa;
use activation_kernels::math::MathFn;
use activation_kernels::registry::{self, DynActivation, Slice, SliceMut};
use activation_kernels::ulp::ulp_error;
use std::hint::black_box;
use std::time::Instant;

fn plain(f: MathFn, x: f32) -> f32 {
    match f {
        MathFn::Exp => x.exp(),
        MathFn::Expm1 => x.exp_m1(),
        MathFn::Ln => x.ln(),
        MathFn::Ln1p => x.ln_1p(),
        MathFn::Tanh => x.tanh(),
        MathFn::Sigmoid => 1.0 / (1.0 + (-x).exp()),
        MathFn::Erf => libm::erff(x),
        MathFn::Erfc => libm::erfcf(x),
        MathFn::Softplus => (1.0 + x.exp()).ln(),
        // A new math function without a textbook loop here yet: no baseline.
        _ => f32::NAN,
    }
}

/// Median elements/ns of `run` over `reps` batches, each long enough to be timed reliably.
fn measure(n: usize, reps: usize, mut run: impl FnMut()) -> f64 {
    run();
    let t = Instant::now();
    run();
    let once = t.elapsed().as_secs_f64().max(1e-9);
    let inner = ((2e-3 / once).ceil() as usize).clamp(1, 10_000);
    let mut rates: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..inner {
                run();
            }
            (n * inner) as f64 / (t.elapsed().as_secs_f64() * 1e9)
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    rates[reps / 2]
}

/// Inputs in a range where every function is interesting (and defined: ln gets |x|).
fn inputs(n: usize, f: MathFn) -> Vec<f32> {
    let mut s: u32 = 0x9E37_79B9;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            let v = (s as f32 / u32::MAX as f32) * 20.0 - 10.0;
            match f {
                MathFn::Ln => v.abs() + 1e-3,
                MathFn::Ln1p => v.abs(),
                _ => v,
            }
        })
        .collect()
}

/// A destination window of `buf` whose address is 2 KiB away from `src` modulo 4 KiB. Two
/// same-size allocations made one after the other often sit a few bytes apart modulo 4 KiB,
/// which makes glibc's `rep movsb` memcpy ~30x slower on some AMD CPUs (4K aliasing); keeping
/// them apart makes the copy baseline reproducible.
fn apart<'a>(src: &[f32], buf: &'a mut [f32], n: usize) -> &'a mut [f32] {
    let s = src.as_ptr() as usize;
    let b = buf.as_ptr() as usize;
    let off = (0..1024)
        .find(|k| (b + 4 * k).wrapping_sub(s) % 4096 == 2048)
        .unwrap_or(0);
    &mut buf[off..off + n]
}

fn sampled_max_ulp(f: MathFn, isa: Isa) -> f64 {
    let xs: Vec<f32> = (0..1u64 << 20)
        .map(|i| f32::from_bits((i * 4099) as u32))
        .collect();
    let mut ys = vec![0.0f32; xs.len()];
    f.apply_on(isa, &xs, &mut ys);
    xs.iter()
        .zip(&ys)
        .map(|(&x, &y)| ulp_error(y, f.reference(x as f64)))
        .fold(0.0, f64::max)
}

fn main() {
    if std::env::args().any(|a| a == "--print-isa") {
        // Used by the dispatch tests to observe ACTIVATION_KERNELS_ISA in a fresh process.
        println!("{}", Isa::best());
        if let Some(msg) = Isa::cap_warning() {
            eprintln!("{msg}");
        }
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--plots") {
        let Some(dir) = args.get(i + 1) else {
            eprintln!("--plots needs a directory: report --plots DIR [--plot-samples N]");
            std::process::exit(2);
        };
        let samples = match args.iter().position(|a| a == "--plot-samples") {
            Some(j) => match args.get(j + 1).and_then(|n| n.parse::<usize>().ok()) {
                Some(n) if n >= 2 => n,
                _ => {
                    eprintln!("--plot-samples needs a number of inputs >= 2");
                    std::process::exit(2);
                }
            },
            None => 1 << 18,
        };
        std::process::exit(plots(std::path::Path::new(dir), samples));
    }
    let quick = args.iter().any(|a| a == "--quick");
    let reps = if quick { 3 } else { 7 };
    let sizes: &[usize] = if quick { &[4096] } else { &[4096, 1 << 24] };
    let isas: Vec<Isa> = Isa::available().collect();
    let _ = Isa::best();
    if let Some(msg) = Isa::cap_warning() {
        eprintln!("{msg}");
    }
    println!("activation-kernels report");
    println!(
        "ISAs available: {} (dispatch uses {}); single thread; elements/ns, median of {reps}",
        isas.iter().map(|i| i.name()).collect::<Vec<_>>().join(", "),
        Isa::best()
    );
    println!();
    for &n in sizes {
        let src = vec![1.0f32; n];
        let mut dst_buf = vec![0.0f32; n + 1024];
        let dst = apart(&src, &mut dst_buf, n);
        let copy = measure(n, reps, || {
            dst.copy_from_slice(black_box(&src));
            black_box(&mut *dst);
        });
        println!("n = {n}: copy_from_slice {copy:.2} elem/ns");
        print!("| function | plain loop |");
        for isa in &isas {
            print!(" {isa} |");
        }
        println!(" best / plain | best / copy | sampled max ULP | bound |");
        print!("|---|---|");
        for _ in &isas {
            print!("---|");
        }
        println!("---|---|---|---|");
        for &f in MathFn::ALL {
            let x = inputs(n, f);
            let mut y = vec![0.0f32; n];
            let p = measure(n, reps, || {
                for (d, s) in y.iter_mut().zip(black_box(&x)) {
                    *d = plain(f, *s);
                }
                black_box(&mut y);
            });
            print!("| {} | {p:.3} |", f.name());
            let mut best: f64 = 0.0;
            for &isa in &isas {
                let r = measure(n, reps, || {
                    f.apply_on(isa, black_box(&x), &mut y);
                    black_box(&mut y);
                });
                best = best.max(r);
                print!(" {r:.3} |");
            }
            let ulp = isas
                .iter()
                .map(|&i| sampled_max_ulp(f, i))
                .fold(0.0, f64::max);
            println!(
                " {:.1}x | {:.2} | {ulp:.3} | {} |",
                best / p,
                best / copy,
                f.max_ulp()
            );
        }
        println!();
        activation_table(n, reps, &isas, copy);
    }
}

/// Max ULP error of `run(isa, xs, ys)` against `reference` over 2^18 inputs spread over all f32
/// bit patterns, on every ISA; errors over `bound` but within `abs_tol` absolutely count as 0
/// (documented neighbourhoods of zeros of a derivative), as in `sweep`.
fn sampled_activation_ulp(
    isas: &[Isa],
    (bound, abs_tol): (f64, f64),
    run: impl Fn(Isa, &[f32], &mut [f32]),
    reference: impl Fn(f64) -> f64,
) -> f64 {
    let xs: Vec<f32> = (0..1u64 << 18)
        .map(|i| f32::from_bits((i * 16411) as u32))
        .collect();
    let mut ys = vec![0.0f32; xs.len()];
    let mut worst: f64 = 0.0;
    for &isa in isas {
        run(isa, &xs, &mut ys);
        for (&x, &y) in xs.iter().zip(&ys) {
            let mut r = reference(x as f64);
            if r.is_nan() && x.is_infinite() {
                r = reference((x as f64).signum() * 1e300); // the limit at ±inf
            }
            let e = ulp_error(y, r);
            if e > bound && ((y as f64) - r).abs() <= abs_tol {
                continue;
            }
            worst = worst.max(e);
        }
    }
    worst
}

/// The per-activation table at size `n`.
fn activation_table(n: usize, reps: usize, isas: &[Isa], copy: f64) {
    let best = Isa::best();
    print!("| activation |");
    for isa in isas {
        print!(" forward {isa} |");
    }
    println!(
        " in place ({best}) | backward ({best}) | f64 forward ({best}) | best / copy | max ULP f (bound) | max ULP f' (bound) |"
    );
    print!("|---|");
    for _ in isas {
        print!("---|");
    }
    println!("---|---|---|---|---|---|");
    let x = inputs(n, MathFn::Tanh);
    let dy = vec![1.0f32; n];
    let mut y = vec![0.0f32; n];
    let mut work = x.clone();
    let x64: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
    let mut y64 = vec![0.0f64; n];
    for a in registry::ALL {
        let a: &dyn DynActivation = *a;
        let info = a.info();
        print!("| {} |", info.name);
        let mut top: f64 = 0.0;
        for &isa in isas {
            let r = measure(n, reps, || {
                a.forward_on(isa, black_box(&x), &mut y);
                black_box(&mut y);
            });
            top = top.max(r);
            print!(" {r:.3} |");
        }
        // In place: each call gets fresh inputs (a copy of `x`, timed separately and
        // subtracted), so repeated application never drifts into other value ranges.
        let refresh = measure(n, reps, || {
            work.copy_from_slice(black_box(&x));
            black_box(&mut work);
        });
        let both = measure(n, reps, || {
            work.copy_from_slice(black_box(&x));
            a.forward_in_place_on(best, black_box(&mut work));
        });
        let inplace = 1.0 / (1.0 / both - 1.0 / refresh).max(1e-6);
        let bwd = measure(n, reps, || {
            a.backward_on(best, black_box(&x), black_box(&dy), &mut y);
            black_box(&mut y);
        });
        // The f64 kernels (same formulas on f64 lanes), through the type-erased entry point.
        let f64_fwd = measure(n, reps, || {
            a.forward_any_on(best, Slice::F64(black_box(&x64)), SliceMut::F64(&mut y64))
                .expect("f64 slices");
            black_box(&mut y64);
        });
        let fu = sampled_activation_ulp(
            isas,
            (info.forward_ulp, 0.0),
            |isa, xs, ys| a.forward_on(isa, xs, ys),
            |u| a.forward_reference(u),
        );
        let du = sampled_activation_ulp(
            isas,
            (info.derivative_ulp, info.derivative_abs),
            |isa, xs, ys| a.derivative_on(isa, xs, ys),
            |u| a.derivative_reference(u),
        );
        // A no-op in place (linear) leaves nothing but noise after the subtraction.
        let inplace = if inplace > 100.0 {
            "> 100".to_string()
        } else {
            format!("{inplace:.3}")
        };
        let over = |e: f64, bound: f64| if e > bound { " **OVER**" } else { "" };
        println!(
            " {inplace} | {bwd:.3} | {f64_fwd:.3} | {:.2} | {fu:.3} ({}){} | {du:.3} ({}){} |",
            top / copy,
            info.forward_ulp,
            over(fu, info.forward_ulp),
            info.derivative_ulp,
            over(du, info.derivative_ulp),
        );
    }
    println!();
}

/// `--plots DIR`: renders every built-in activation; the exit status.
#[cfg(feature = "plots")]
fn plots(dir: &std::path::Path, samples: usize) -> i32 {
    use activation_kernels::registry;
    use activation_tools::plot::{Direction, render_all};
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let t = Instant::now();
    match render_all(dir, registry::ALL, samples, threads) {
        Ok(out) => {
            println!(
                "measured max ULP per activation ({samples} inputs per panel, every ISA: {}):",
                Isa::available()
                    .map(|i| i.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            println!("| activation | kernel | domain | max ULP |");
            println!("|---|---|---|---|");
            for (name, d, dom, max) in &out.max_ulp {
                let k = match d {
                    Direction::Forward => "f",
                    Direction::Derivative => "f'",
                };
                println!("| {name} | {k} | {dom} | {max:.3} |");
            }
            let bytes: u64 = out
                .files
                .iter()
                .filter_map(|f| std::fs::metadata(f).ok())
                .map(|m| m.len())
                .sum();
            println!(
                "wrote {} SVG files ({:.0} KiB) to {} in {:.1} s",
                out.files.len(),
                bytes as f64 / 1024.0,
                dir.display(),
                t.elapsed().as_secs_f64()
            );
            0
        }
        Err(e) => {
            eprintln!("report --plots: {e}");
            1
        }
    }
}

/// `--plots DIR` without the feature: says how to get it.
#[cfg(not(feature = "plots"))]
fn plots(_dir: &std::path::Path, _samples: usize) -> i32 {
    eprintln!(
        "report --plots needs the `plots` feature of activation-kernels; run:\n  \
         cargo run --release -p activation-tools --features plots --bin report -- --plots DIR"
    );
    2
}
