//! Throughput of every built-in activation (`activation_kernels::registry::ALL`, default
//! parameters): forward out of place and in place, backward and forward_with_derivative, on
//! every available ISA, next to the textbook scalar loop, rten-vecmath and (feature `peers`)
//! tract-linalg and candle, at 4096, 262144 and 16M elements. Prints a markdown summary of
//! what it ran at the end.
//!
//! ```text
//! cargo bench -p activation-benches --features peers --bench activations             # all (~2 h)
//! cargo bench -p activation-benches --features peers --bench activations -- 'act/sigmoid/'
//! cargo bench -p activation-benches --features peers --bench activations -- \
//!     '^act/[^/]+/(fwd|fwd-inplace|bwd)/(4096|262144)/(avx2|plain-loop|plain-loop-avx2|tract|rten|candle)$'
//! cargo run --release -p activation-benches --bin summary       # the table again, from disk
//! ```
//!
//! Ids are `act/{activation}/{entry}/{n}/{variant}` (criterion group `act/{activation}/{entry}/{n}`),
//! `Throughput::Elements(n)`:
//!
//! * entries: `fwd` (`forward_on(isa, x, y)`), `fwd-inplace` (`forward_in_place_on`), `bwd`
//!   (`backward_on(isa, x, dy, dx)`), `fwd-deriv` (`forward_with_derivative_on(isa, x, y, d)`);
//! * the softmax family (`activation_kernels::rowwise`: `softmax`, `log_softmax`, `softmin`)
//!   appears as `act/{name}-r{row_len}/{entry}/{n}` with rows of 128, 1024 and 4096 elements,
//!   entries `fwd`, `fwd-inplace` and `bwd` (from the forward output `y`);
//! * variants: every ISA of `Isa::available()` (`scalar`, `avx2`, `avx512`, `neon`);
//!   `plain-loop` and, on x86-64 with AVX2+FMA, `plain-loop-avx2` (the textbook loops of
//!   `activation_benches::plain`, compiled for the default target and with `avx2,fma`), and
//!   on AVX-512 machines `plain-loop-avx512` (with AVX-512 F/BW/CD/DQ/VL enabled too, what
//!   `-C target-cpu=native` gives there);
//!   `rten` (out of place and in place) and, with the `peers` feature, `tract` (in place only)
//!   and `candle` (out of place, allocating its result), see `activation_benches::peers`.
//!
//! The copy baselines of each size come first, as in the `math` bench: group `copy/{n}` with
//! `copy` (`copy_from_slice`) and, at 16M, `nt-copy` (streaming stores); the summary compares
//! every row with `copy`.
//!
//! Inputs: `inputs::activation_inputs` (bell-shaped on [-8, 8]); upstream gradients
//! `inputs::upstream_gradients`. Buffers come from one `slab::Slab` per size, 1 KiB apart
//! modulo 4 KiB (no 4K aliasing between input and output). The rayon pool is set to one
//! thread, so every row is single-threaded (candle's softmax would otherwise use every core).
//!
//! Clock: the benchmark thread's **CPU time** (`activation_benches::clock`, Unix), not wall
//! time, so time slices lost to other processes on a shared machine do not count;
//! `ACTIVATION_BENCH_CLOCK=wall` selects criterion's wall clock. Either way values are ns.
//!
//! In place: the buffer is restored from `x` (untimed) before every call, so every call sees
//! the same inputs; each call is timed alone, and the cost of reading the clock, measured at
//! startup and printed (~600 ns for the CPU clock on the VM these benches were written on,
//! with ~10 ns of jitter), is subtracted. (Timing `iters` × (restore + call) minus `iters` ×
//! restore avoids per-call readings but was too noisy on a shared machine: at 262144
//! elements the difference of two similar totals came out as zero in some samples.)
//!
//! Before benching, every baseline is checked against our kernels (`plain::check_against_kernels`,
//! `peers::check_against_kernels`), so a baseline cannot silently compute something else.

use activation_benches::copy::{BENIGN_DISTANCE, Pair, nt_copy, nt_copy_available};
use activation_benches::{clock, inputs, plain, slab::Slab, summary};
use activation_kernels::Isa;
use activation_kernels::registry::{self, DynActivation};
use activation_kernels::rowwise::{LogSoftmax, RowActivation, Softmax, Softmin};
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Bencher, BenchmarkGroup, Criterion, SamplingMode, Throughput};
use std::cell::RefCell;
use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Sizes in elements.
const SIZES: [usize; 3] = [4096, 262_144, 16 * 1024 * 1024];
/// Row lengths of the softmax family (rows of at most `n` elements are benched at size `n`).
const ROW_LENS: [usize; 3] = [128, 1024, 4096];
/// From this size on, iterations are long (tens of ms): flat sampling, fewer samples.
const LARGE: usize = 1 << 22;

/// Entry points (the `{entry}` part of the ids).
const FWD: &str = "fwd";
const FWD_INPLACE: &str = "fwd-inplace";
const BWD: &str = "bwd";
const FWD_DERIV: &str = "fwd-deriv";

/// Buffers of one size, made on first use (a filtered-out size costs nothing).
struct Bufs {
    /// x, dy, out1, out2.
    slab: Slab,
    #[cfg(feature = "peers")]
    candle_x: candle_core::Tensor,
}

impl Bufs {
    fn new(n: usize) -> Bufs {
        let mut slab = Slab::new(n, 4);
        {
            let mut b = slab.all_mut();
            b[0].copy_from_slice(&inputs::activation_inputs(n));
            b[1].copy_from_slice(&inputs::upstream_gradients(n));
        }
        #[cfg(feature = "peers")]
        let candle_x = activation_benches::peers::candle_tensor(&inputs::activation_inputs(n));
        Bufs {
            slab,
            #[cfg(feature = "peers")]
            candle_x,
        }
    }

    /// (x, dy, out1, out2).
    fn split(&mut self) -> (&[f32], &[f32], &mut [f32], &mut [f32]) {
        let mut it = self.slab.all_mut().into_iter();
        let (x, dy, a, b) = (
            it.next().unwrap(),
            it.next().unwrap(),
            it.next().unwrap(),
            it.next().unwrap(),
        );
        (x, dy, a, b)
    }
}

/// Lazily made buffers of the current size, shared by the benchmark closures of that size.
struct Lazy {
    n: usize,
    bufs: RefCell<Option<Bufs>>,
}

impl Lazy {
    fn with<R>(&self, f: impl FnOnce(&mut Bufs) -> R) -> R {
        let mut b = self.bufs.borrow_mut();
        f(b.get_or_insert_with(|| Bufs::new(self.n)))
    }
}

fn configure<M: Measurement>(g: &mut BenchmarkGroup<'_, M>, n: usize) {
    g.throughput(Throughput::Elements(n as u64));
    if n >= LARGE {
        g.sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3));
    }
}

/// Thread CPU time as a criterion measurement (see `activation_benches::clock`); values are
/// durations in ns like criterion's `WallTime`, so reports and the summary read the same.
struct CpuTime;

/// Criterion's wall-clock measurement, for its duration formatter.
static WALL: WallTime = WallTime;

impl Measurement for CpuTime {
    type Intermediate = Duration;
    type Value = Duration;
    fn start(&self) -> Duration {
        cpu_now()
    }
    fn end(&self, start: Duration) -> Duration {
        cpu_now().saturating_sub(start)
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

fn cpu_now() -> Duration {
    clock::thread_cpu_time().expect("thread CPU clock")
}

fn wall_now() -> Duration {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// The clock of this run (the one behind the criterion measurement) and the cost of reading it.
struct Clock {
    now: fn() -> Duration,
    /// Median of 10 000 back-to-back readings (lowest of three rounds): what reading the clock
    /// adds to a timed region.
    overhead: Duration,
}

static CLOCK: OnceLock<Clock> = OnceLock::new();

fn set_clock(now: fn() -> Duration) -> &'static Clock {
    CLOCK.get_or_init(|| {
        let overhead = (0..3)
            .map(|_| {
                let mut v: Vec<Duration> = (0..10_000)
                    .map(|_| {
                        let t = now();
                        now().saturating_sub(t)
                    })
                    .collect();
                v.sort_unstable();
                v[v.len() / 2]
            })
            .min()
            .unwrap_or_default();
        Clock { now, overhead }
    })
}

/// Times `run(buf)` in place, with `buf` restored from `x` (untimed) before every call: each
/// call is timed alone and the cost of reading the clock is subtracted (at least 1 ns per call
/// remains, so a no-op never reads as zero time).
fn in_place<M: Measurement<Value = Duration>>(
    b: &mut Bencher<'_, M>,
    x: &[f32],
    buf: &mut [f32],
    mut run: impl FnMut(&mut [f32]),
) {
    let clock = CLOCK.get().expect("clock set in main");
    b.iter_custom(|iters| {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            buf.copy_from_slice(x);
            let t = (clock.now)();
            run(black_box(&mut *buf));
            total += (clock.now)().saturating_sub(t);
        }
        black_box(&*buf);
        let floor = Duration::from_nanos(iters);
        let reads = Duration::from_nanos((clock.overhead.as_nanos() as u64).saturating_mul(iters));
        total.saturating_sub(reads).max(floor)
    });
}

/// Records the ids that ran, for the summary printed at the end.
#[derive(Default)]
struct Ran(RefCell<Vec<(String, String)>>);

impl Ran {
    fn note(&self, group: &str, variant: &str) {
        let mut v = self.0.borrow_mut();
        let id = (group.to_owned(), variant.to_owned());
        if !v.contains(&id) {
            v.push(id);
        }
    }
}

/// Benches of one activation, one entry point, one size.
#[allow(clippy::too_many_arguments)]
fn bench_entry<M: Measurement<Value = Duration>>(
    c: &mut Criterion<M>,
    act: &dyn DynActivation,
    entry: &str,
    bufs: &Lazy,
    isas: &[Isa],
    plains: &[(&str, plain::Loops)],
    ran: &Ran,
) {
    let name = act.info().name;
    let n = bufs.n;
    let group = format!("act/{name}/{entry}/{n}");
    let mut g = c.benchmark_group(&group);
    configure(&mut g, n);
    let note = |v: &str| ran.note(&group, v);

    for &isa in isas {
        g.bench_function(isa.name(), |b| {
            note(isa.name());
            bufs.with(|bu| {
                let (x, dy, o1, o2) = bu.split();
                match entry {
                    FWD => b.iter(|| act.forward_on(isa, black_box(x), black_box(&mut *o1))),
                    FWD_INPLACE => in_place(b, x, o1, |v| act.forward_in_place_on(isa, v)),
                    BWD => b.iter(|| {
                        act.backward_on(isa, black_box(x), black_box(dy), black_box(&mut *o1))
                    }),
                    _ => b.iter(|| {
                        act.forward_with_derivative_on(
                            isa,
                            black_box(x),
                            black_box(&mut *o1),
                            black_box(&mut *o2),
                        )
                    }),
                }
            })
        });
    }
    for &(variant, l) in plains {
        g.bench_function(variant, |b| {
            note(variant);
            bufs.with(|bu| {
                let (x, dy, o1, o2) = bu.split();
                match entry {
                    FWD => b.iter(|| (l.forward)(black_box(x), black_box(&mut *o1))),
                    FWD_INPLACE => in_place(b, x, o1, l.forward_in_place),
                    BWD => {
                        b.iter(|| (l.backward)(black_box(x), black_box(dy), black_box(&mut *o1)))
                    }
                    _ => b.iter(|| {
                        (l.forward_with_derivative)(
                            black_box(x),
                            black_box(&mut *o1),
                            black_box(&mut *o2),
                        )
                    }),
                }
            })
        });
    }
    bench_peers(&mut g, name, entry, bufs, &note);
    g.finish();
}

fn bench_peers<M: Measurement<Value = Duration>>(
    g: &mut BenchmarkGroup<'_, M>,
    name: &str,
    entry: &str,
    bufs: &Lazy,
    note: &dyn Fn(&str),
) {
    use activation_benches::peers::{self, RTEN};
    #[cfg(feature = "peers")]
    use activation_benches::peers::{CANDLE, TRACT};
    match entry {
        FWD => {
            if let Some(r) = peers::rten(name) {
                g.bench_function(RTEN, |b| {
                    note(RTEN);
                    bufs.with(|bu| {
                        let (x, _, o1, _) = bu.split();
                        b.iter(|| r.forward(black_box(x), black_box(&mut *o1)))
                    })
                });
            }
            #[cfg(feature = "peers")]
            if let Some(op) = peers::candle(name) {
                g.bench_function(CANDLE, |b| {
                    note(CANDLE);
                    bufs.with(|bu| {
                        let x = &bu.candle_x;
                        b.iter(|| op(black_box(x)).expect("candle op"))
                    })
                });
            }
        }
        FWD_INPLACE => {
            #[cfg(feature = "peers")]
            if let Some(t) = peers::tract(name) {
                g.bench_function(TRACT, |b| {
                    note(TRACT);
                    bufs.with(|bu| {
                        let (x, _, o1, _) = bu.split();
                        in_place(b, x, o1, |v| t.run(v))
                    })
                });
            }
            if let Some(r) = peers::rten(name) {
                g.bench_function(RTEN, |b| {
                    note(RTEN);
                    bufs.with(|bu| {
                        let (x, _, o1, _) = bu.split();
                        in_place(b, x, o1, |v| r.forward_in_place(v))
                    })
                });
            }
        }
        _ => {}
    }
}

/// Benches of one row-wise activation (softmax family), one entry point, one size, one row
/// length. Group `act/{name}-r{row_len}/{entry}/{n}`; `bwd` runs from the forward output
/// (computed untimed before the benchmark).
fn bench_rows<R: RowActivation, M: Measurement<Value = Duration>>(
    c: &mut Criterion<M>,
    r: R,
    entry: &str,
    row_len: usize,
    bufs: &Lazy,
    isas: &[Isa],
    ran: &Ran,
) {
    let name = r.name();
    let n = bufs.n;
    let group = format!("act/{name}-r{row_len}/{entry}/{n}");
    let mut g = c.benchmark_group(&group);
    configure(&mut g, n);
    let note = |v: &str| ran.note(&group, v);
    for &isa in isas {
        g.bench_function(isa.name(), |b| {
            note(isa.name());
            bufs.with(|bu| {
                let (x, dy, o1, o2) = bu.split();
                match entry {
                    FWD => b.iter(|| r.forward_on(isa, black_box(x), black_box(&mut *o1), row_len)),
                    FWD_INPLACE => in_place(b, x, o1, |v| r.forward_in_place_on(isa, v, row_len)),
                    _ => {
                        r.forward(x, o2, row_len);
                        let y = &*o2;
                        b.iter(|| {
                            r.backward_from_output_on(
                                isa,
                                black_box(y),
                                black_box(dy),
                                black_box(&mut *o1),
                                row_len,
                            )
                        })
                    }
                }
            })
        });
    }
    if let Some(l) = plain::row_loops(name) {
        g.bench_function("plain-loop", |b| {
            note("plain-loop");
            bufs.with(|bu| {
                let (x, dy, o1, o2) = bu.split();
                match entry {
                    FWD => b.iter(|| (l.forward)(black_box(x), black_box(&mut *o1), row_len)),
                    FWD_INPLACE => in_place(b, x, o1, |v| (l.forward_in_place)(v, row_len)),
                    _ => {
                        r.forward(x, o2, row_len);
                        let y = &*o2;
                        b.iter(|| {
                            (l.backward)(black_box(y), black_box(dy), black_box(&mut *o1), row_len)
                        })
                    }
                }
            })
        });
    }
    bench_row_peers(&mut g, name, entry, row_len, bufs, &note);
    g.finish();
}

fn bench_row_peers<M: Measurement<Value = Duration>>(
    g: &mut BenchmarkGroup<'_, M>,
    name: &str,
    entry: &str,
    row_len: usize,
    bufs: &Lazy,
    note: &dyn Fn(&str),
) {
    use activation_benches::peers::{self, RTEN};
    #[cfg(feature = "peers")]
    use activation_benches::peers::{CANDLE, TRACT};
    match entry {
        FWD => {
            if let Some(p) = peers::rten_rows(name) {
                g.bench_function(RTEN, |b| {
                    note(RTEN);
                    bufs.with(|bu| {
                        let (x, _, o1, _) = bu.split();
                        b.iter(|| p.forward(black_box(x), black_box(&mut *o1), row_len))
                    })
                });
            }
            #[cfg(feature = "peers")]
            if let Some(op) = peers::candle_rows(name) {
                g.bench_function(CANDLE, |b| {
                    note(CANDLE);
                    bufs.with(|bu| {
                        let rows = bu.candle_x.dims1().expect("1-D") / row_len;
                        let x = bu.candle_x.reshape((rows, row_len)).expect("reshape");
                        b.iter(|| op(black_box(&x)).expect("candle op"))
                    })
                });
            }
        }
        FWD_INPLACE => {
            #[cfg(feature = "peers")]
            if let Some(t) = peers::tract_rows(name) {
                g.bench_function(TRACT, |b| {
                    note(TRACT);
                    bufs.with(|bu| {
                        let (x, _, o1, _) = bu.split();
                        in_place(b, x, o1, |v| t.run(v, row_len))
                    })
                });
            }
            if let Some(p) = peers::rten_rows(name) {
                g.bench_function(RTEN, |b| {
                    note(RTEN);
                    bufs.with(|bu| {
                        let (x, _, o1, _) = bu.split();
                        in_place(b, x, o1, |v| p.forward_in_place(v, row_len))
                    })
                });
            }
        }
        _ => {}
    }
}

/// Copy baselines of size `n` (group `copy/{n}`, as in the `math` bench): `copy`
/// (`copy_from_slice` between buffers 2 KiB apart modulo 4 KiB) and, from [`LARGE`] on,
/// `nt-copy` (streaming stores) where available.
fn bench_copy<M: Measurement>(c: &mut Criterion<M>, n: usize, ran: &Ran) {
    let group = format!("copy/{n}");
    let mut g = c.benchmark_group(&group);
    configure(&mut g, n);
    let mut pair: Option<Pair> = None;
    g.bench_function("copy", |b| {
        ran.note(&group, "copy");
        let (src, dst) = pair
            .get_or_insert_with(|| Pair::new(n, BENIGN_DISTANCE))
            .split();
        b.iter(|| black_box(&mut *dst).copy_from_slice(black_box(src)))
    });
    if n >= LARGE && nt_copy_available() {
        g.bench_function("nt-copy", |b| {
            ran.note(&group, "nt-copy");
            let (src, dst) = pair
                .get_or_insert_with(|| Pair::new(n, BENIGN_DISTANCE))
                .split();
            b.iter(|| nt_copy(black_box(src), black_box(&mut *dst)))
        });
    }
    g.finish();
}

fn check_baselines() {
    let mut x = inputs::activation_inputs(4099);
    x.extend([-8.0, -1.0, 0.0, 1.0, 8.0]);
    plain::check_against_kernels(&x);
    activation_benches::peers::check_against_kernels(&x);
    let x = inputs::activation_inputs(4096);
    for row_len in ROW_LENS {
        activation_benches::peers::check_rows_against_kernels(&x, row_len);
    }
}

fn bench_activations<M: Measurement<Value = Duration>>(c: &mut Criterion<M>, ran: &Ran) {
    check_baselines();
    #[cfg(feature = "peers")]
    {
        for name in ["sigmoid", "tanh", "swish", "gelu_tanh"] {
            if let Some(t) = activation_benches::peers::tract(name) {
                eprintln!("tract kernel for {name}: {}", t.kernel_name());
            }
        }
    }
    let isas: Vec<Isa> = Isa::available().collect();
    for n in SIZES {
        bench_copy(c, n, ran);
        let bufs = Lazy {
            n,
            bufs: RefCell::new(None),
        };
        for &act in registry::ALL {
            let name = act.info().name;
            let plains: Vec<(&str, plain::Loops)> = [
                ("plain-loop", plain::Build::Default),
                ("plain-loop-avx2", plain::Build::Avx2),
                ("plain-loop-avx512", plain::Build::Avx512),
            ]
            .into_iter()
            .filter_map(|(v, build)| Some((v, plain::loops(name, build)?)))
            .collect();
            for entry in [FWD, FWD_INPLACE, BWD, FWD_DERIV] {
                bench_entry(c, act, entry, &bufs, &isas, &plains, ran);
            }
        }
        for row_len in ROW_LENS.into_iter().filter(|&r| r <= n) {
            for entry in [FWD, FWD_INPLACE, BWD] {
                bench_rows(c, Softmax::new(), entry, row_len, &bufs, &isas, ran);
                bench_rows(c, LogSoftmax::new(), entry, row_len, &bufs, &isas, ran);
                bench_rows(c, Softmin::new(), entry, row_len, &bufs, &isas, ran);
            }
        }
    }
}

fn main() {
    // Single-threaded peers: candle-nn runs some ops on the rayon pool; with this thread as
    // the pool's only worker they run here, inline, and its CPU clock sees them. First thing,
    // before anything touches rayon (the baseline checks do).
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global()
        .expect("rayon global pool");
    let wall = std::env::var("ACTIVATION_BENCH_CLOCK").is_ok_and(|v| v == "wall");
    if wall || clock::thread_cpu_time().is_none() {
        let clock = set_clock(wall_now);
        eprintln!("clock: wall time (reading it costs {:?})", clock.overhead);
        run(Criterion::default());
    } else {
        let clock = set_clock(cpu_now);
        eprintln!(
            "clock: thread CPU time (reading it costs {:?}, subtracted from every timed \
             in-place call; ACTIVATION_BENCH_CLOCK=wall for wall time)",
            clock.overhead
        );
        run(Criterion::default().with_measurement(CpuTime));
    }
}

fn run<M: Measurement<Value = Duration> + 'static>(c: Criterion<M>) {
    let mut c = c
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .nresamples(10_000)
        .without_plots()
        .configure_from_args();
    let ran = Ran::default();
    bench_activations(&mut c, &ran);
    c.final_summary();

    // The summary of what ran (criterion's `--list` / `--test` modes measure nothing).
    let args: Vec<String> = std::env::args().collect();
    let measured = !args.iter().any(|a| a == "--list" || a == "--test");
    let ran = ran.0.into_inner();
    if measured && !ran.is_empty() {
        let dir = summary::criterion_dir_of_bench();
        match summary::collect(&dir) {
            Ok(records) => {
                let records: Vec<_> = records
                    .into_iter()
                    .filter(|r| ran.contains(&(r.group.clone(), r.variant.clone())))
                    .collect();
                println!(
                    "\n<!-- {} results from {} -->",
                    records.len(),
                    dir.display()
                );
                print!("{}", summary::render(&records));
            }
            Err(e) => eprintln!("summary: cannot read {}: {e}", dir.display()),
        }
    }
}
