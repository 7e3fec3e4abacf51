//! Throughput of the math core (`MathFn`) on every available ISA, out of place and in place,
//! against a plain scalar Rust loop and copy baselines.
//!
//! ```text
//! cargo bench -p activation-benches --bench math                    # everything (~10 min)
//! cargo bench -p activation-benches --bench math -- 'exp/4096'      # one function and size
//! cargo bench -p activation-benches --bench math -- '(exp|copy)/4096'
//! cargo run --release -p activation-benches --bin summary           # markdown table
//! ```
//!
//! Ids are `{func}/{n}/{variant}` (criterion group `{func}/{n}`), `n` in 4096, 262144 and 16M
//! elements (L1, L2/L3 and DRAM resident on a typical x86 core), `Throughput::Elements(n)`:
//!
//! * `scalar`, `avx2`, `avx512`, `neon`: `f.apply_on(isa, &x, &mut y)`, for every ISA in
//!   `Isa::available()`.
//! * `{isa}-inplace`: `f.apply_in_place_on(isa, &mut buf)`. The buffer is restored from `x`
//!   before every iteration (untimed), so every iteration sees the same inputs; the timer is
//!   read around each call, which adds ~tens of ns per iteration at n = 4096.
//! * `plain-loop`: the obvious scalar loop over std / `libm` (`x.exp()`, `1/(1+(-x).exp())`,
//!   `libm::erff`, ...), compiled for the crate's default target.
//!
//! The copy baselines are the group `copy/{n}`: `copy` (`copy_from_slice`, i.e. glibc memcpy),
//! `copy-4k-alias` (the same with the destination 16 bytes mod 4 KiB after the source, as two
//! consecutive heap `Vec`s are laid out: glibc's `rep movsb` path can be ~30x slower there),
//! `loop-copy` (an element loop the compiler cannot turn into memcpy) and, at 16M, `nt-copy`
//! (AVX loads + non-temporal stores). See `activation_benches::copy`.
//!
//! Inputs are deterministic pseudo-random values in [-10, 10] (`ln`: |x| + 1e-3, `ln1p`: |x|).
//! Before benching, every plain loop is checked against the kernels (same function, loose
//! tolerance), so a baseline cannot silently compute something else.

use activation_benches::copy::{
    ALIAS_DISTANCE, BENIGN_DISTANCE, Pair, loop_copy, nt_copy, nt_copy_available,
};
use activation_benches::inputs;
use activation_kernels::Isa;
use activation_kernels::math::MathFn;
use criterion::measurement::WallTime;
use criterion::{
    Bencher, BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use std::cell::OnceCell;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Sizes in elements.
const SIZES: [usize; 3] = [4096, 262_144, 16 * 1024 * 1024];
/// From this size on, iterations are long (tens of ms): flat sampling, more time per sample.
const LARGE: usize = 1 << 22;

/// A plain scalar loop `dst[i] = f(src[i])`.
type PlainLoop = fn(&[f32], &mut [f32]);

macro_rules! plain_loops {
    ($($variant:ident => |$x:ident| $e:expr;)*) => {
        /// The plain scalar loop for `f`, or `None` for a function without one (yet).
        fn plain_loop(f: MathFn) -> Option<PlainLoop> {
            match f {
                $(MathFn::$variant => {
                    #[inline(never)]
                    fn run(src: &[f32], dst: &mut [f32]) {
                        assert_eq!(src.len(), dst.len());
                        for (d, s) in dst.iter_mut().zip(src) {
                            let $x: f32 = *s;
                            *d = $e;
                        }
                    }
                    Some(run)
                })*
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
    };
}

plain_loops! {
    Exp => |x| x.exp();
    Expm1 => |x| x.exp_m1();
    Ln => |x| x.ln();
    Ln1p => |x| x.ln_1p();
    Tanh => |x| x.tanh();
    Sigmoid => |x| 1.0 / (1.0 + (-x).exp());
    Erf => |x| libm::erff(x);
    Erfc => |x| libm::erfcf(x);
    Softplus => |x| (1.0 + x.exp()).ln();
}

/// Panics unless every plain loop agrees with the kernels on every ISA (loose tolerance: the
/// naive softplus formula loses absolute accuracy ~1e-7 for negative x).
fn check_baselines() {
    let n = 4096;
    for &f in MathFn::ALL {
        let Some(plain) = plain_loop(f) else { continue };
        let x = inputs::for_math(f, n);
        let mut want = vec![0.0f32; n];
        plain(&x, &mut want);
        for isa in Isa::available() {
            let mut got = vec![0.0f32; n];
            f.apply_on(isa, &x, &mut got);
            for ((&xi, &w), &g) in x.iter().zip(&want).zip(&got) {
                let tol = 1e-5 * w.abs().max(g.abs()) + 1e-6;
                assert!(
                    (w - g).abs() <= tol,
                    "plain-loop baseline for {} disagrees with {isa} at x = {xi}: {w} vs {g}",
                    f.name()
                );
            }
        }
    }
}

fn configure(g: &mut BenchmarkGroup<'_, WallTime>, n: usize) {
    g.throughput(Throughput::Elements(n as u64));
    if n >= LARGE {
        g.sampling_mode(SamplingMode::Flat)
            .measurement_time(Duration::from_secs(2));
    }
}

/// Times `run(buf)` with `buf` restored from `x` (untimed) before every iteration.
fn in_place(b: &mut Bencher<'_>, x: &[f32], buf: &mut [f32], run: impl Fn(&mut [f32])) {
    b.iter_custom(|iters| {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            loop_copy(x, buf);
            let t = Instant::now();
            run(black_box(&mut *buf));
            total += t.elapsed();
        }
        black_box(&*buf);
        total
    });
}

fn bench_copies(c: &mut Criterion, n: usize) {
    let mut g = c.benchmark_group(format!("copy/{n}"));
    configure(&mut g, n);
    // Buffers are made on first use, so a filtered-out size costs nothing.
    let mut benign = None;
    let mut alias = None;
    fn pair(slot: &mut Option<Pair>, n: usize, distance: usize) -> (&[f32], &mut [f32]) {
        slot.get_or_insert_with(|| Pair::new(n, distance)).split()
    }
    g.bench_function("copy", |b| {
        let (src, dst) = pair(&mut benign, n, BENIGN_DISTANCE);
        b.iter(|| black_box(&mut *dst).copy_from_slice(black_box(src)))
    });
    g.bench_function("copy-4k-alias", |b| {
        let (src, dst) = pair(&mut alias, n, ALIAS_DISTANCE);
        b.iter(|| black_box(&mut *dst).copy_from_slice(black_box(src)))
    });
    g.bench_function("loop-copy", |b| {
        let (src, dst) = pair(&mut benign, n, BENIGN_DISTANCE);
        b.iter(|| loop_copy(black_box(src), black_box(&mut *dst)))
    });
    if n >= LARGE && nt_copy_available() {
        g.bench_function("nt-copy", |b| {
            let (src, dst) = pair(&mut benign, n, BENIGN_DISTANCE);
            b.iter(|| nt_copy(black_box(src), black_box(&mut *dst)))
        });
    }
    g.finish();
}

fn bench_fn(c: &mut Criterion, f: MathFn, n: usize, isas: &[Isa]) {
    // Inputs and outputs are made on first use, so a filtered-out size costs nothing.
    let x = OnceCell::new();
    let input = || x.get_or_init(|| inputs::for_math(f, n)).as_slice();
    let mut y: Vec<f32> = Vec::new();
    let mut buf: Vec<f32> = Vec::new();
    let mut g = c.benchmark_group(format!("{}/{n}", f.name()));
    configure(&mut g, n);
    for &isa in isas {
        g.bench_function(isa.name(), |b| {
            let x = input();
            y.resize(n, 0.0);
            b.iter(|| f.apply_on(isa, black_box(x), black_box(&mut y)))
        });
    }
    for &isa in isas {
        g.bench_function(format!("{isa}-inplace"), |b| {
            buf.resize(n, 0.0);
            in_place(b, input(), &mut buf, |v| f.apply_in_place_on(isa, v))
        });
    }
    if let Some(plain) = plain_loop(f) {
        g.bench_function("plain-loop", |b| {
            let x = input();
            y.resize(n, 0.0);
            b.iter(|| plain(black_box(x), black_box(&mut y)))
        });
    }
    g.finish();
}

fn bench_math(c: &mut Criterion) {
    check_baselines();
    let isas: Vec<Isa> = Isa::available().collect();
    for n in SIZES {
        bench_copies(c, n);
        for &f in MathFn::ALL {
            bench_fn(c, f, n, &isas);
        }
    }
}

/// `criterion_group!` defines a public, undocumented function; keep it out of the crate's API.
mod group {
    use super::*;
    criterion_group! {
        name = benches;
        config = Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(1))
            .nresamples(10_000)
            .without_plots();
        targets = bench_math
    }
}
criterion_main!(group::benches);
