//! Ours against the fastest peer, in one process, interleaved: per activation and size, our
//! forward out of place and in place (plus backward and forward-with-derivative), rten-vecmath's
//! out-of-place and in-place forms and (feature `peers`) tract-linalg's in-place kernel, and
//! the ratio of each of our forms to the best peer form.
//!
//! ```text
//! cargo run --release -p activation-benches --features peers --bin versus            # everything
//! cargo run --release -p activation-benches --features peers --bin versus -- sigmoid softmax
//! cargo run --release -p activation-benches --bin versus -- --sizes 4096 --rounds 21 tanh
//! ```
//!
//! Each round times one batch (about 1 ms) of every variant of a row in turn, so slow phases
//! of the machine hit every variant alike; the table gives the median over the rounds, in
//! elements per nanosecond (single thread, best ISA, or the one `ACTIVATION_KERNELS_ISA`
//! caps). Inputs are uniform in [-10, 10] (`inputs::uniform`); every buffer comes from one
//! [`Slab`] (64-byte aligned, no 4 KiB aliasing between buffers). In-place calls see fresh
//! inputs every time: each is preceded by a copy of `x` into the buffer, and the median time
//! of the same copies alone, measured in the same rounds, is subtracted.
//!
//! Row-wise functions (`softmax`, `log_softmax`, `softmin`) run on rows of 128, 1024 and 4096
//! elements (`softmax-r1024`).

use activation_benches::{inputs, peers, slab::Slab};
use activation_kernels::Isa;
use activation_kernels::registry::{self, DynActivation};
use activation_kernels::rowwise::{LogSoftmax, RowActivation, Softmax, Softmin};
use std::hint::black_box;
use std::time::Instant;

/// The elementwise activations, hot ones first.
const ELEMENTWISE: &[&str] = &[
    "sigmoid",
    "tanh",
    "swish",
    "gelu_tanh",
    "gelu",
    "elu",
    "exponential",
    "hard_swish",
    "leaky_relu",
    "selu",
    "mish",
    "softplus",
    "softsign",
    "tanhshrink",
    "relu",
    "relu6",
    "hardtanh",
    "hard_sigmoid",
    "linear",
    "general_relu",
];
const ROWWISE: &[&str] = &["softmax", "log_softmax", "softmin"];
const ROW_LENS: &[usize] = &[128, 1024, 4096];

/// A call on the slab's buffers `(x, dy, y, d)`: `y` is the output (or the in-place buffer).
type Run<'a> = Box<dyn FnMut(&[f32], &mut [f32], &mut [f32], &mut [f32]) + 'a>;

/// One timed variant: runs once per call on the slab's buffers.
struct Variant<'a> {
    name: String,
    /// Whether the call overwrites its input (timed with a refresh copy before it).
    in_place: bool,
    /// Whether this is a peer's form.
    peer: bool,
    run: Run<'a>,
}

/// Median over `rounds` of the time per call (ns) of every variant, interleaved.
fn time_interleaved(
    n: usize,
    rounds: usize,
    variants: &mut [Variant<'_>],
    copy_ns: &mut f64,
) -> Vec<f64> {
    let mut slab = Slab::new(n, 4);
    let x = inputs::uniform(n);
    let mut bufs = slab.all_mut();
    let (b0, rest) = bufs.split_first_mut().unwrap();
    let (b1, rest) = rest.split_first_mut().unwrap();
    let (b2, rest) = rest.split_first_mut().unwrap();
    let b3 = &mut rest[0];
    b0.copy_from_slice(&x);
    let dy = inputs::normalish(n, 1.0, 7);
    b1.copy_from_slice(&dy);
    // Calls per batch: about 1 ms of the slowest variant.
    let mut inner = Vec::new();
    for v in variants.iter_mut() {
        b2.copy_from_slice(&x);
        (v.run)(b0, b1, b2, b3);
        let t = Instant::now();
        b2.copy_from_slice(&x);
        (v.run)(b0, b1, b2, b3);
        let once = t.elapsed().as_secs_f64().max(1e-8);
        inner.push(((1e-3 / once).ceil() as usize).clamp(1, 100_000));
    }
    let copy_inner = inner.iter().copied().max().unwrap_or(1);
    let mut samples = vec![Vec::with_capacity(rounds); variants.len()];
    let mut copies = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..copy_inner {
            b2.copy_from_slice(black_box(&x));
            black_box(&mut *b2);
        }
        copies.push(t.elapsed().as_secs_f64() * 1e9 / copy_inner as f64);
        for (k, v) in variants.iter_mut().enumerate() {
            let t = Instant::now();
            for _ in 0..inner[k] {
                if v.in_place {
                    b2.copy_from_slice(black_box(&x));
                }
                (v.run)(b0, b1, b2, b3);
                black_box(&mut *b2);
            }
            samples[k].push(t.elapsed().as_secs_f64() * 1e9 / inner[k] as f64);
        }
    }
    *copy_ns = median(&mut copies);
    samples
        .iter_mut()
        .zip(variants.iter())
        .map(|(s, v)| {
            let m = median(s);
            if v.in_place {
                (m - *copy_ns).max(m * 0.05)
            } else {
                m
            }
        })
        .collect()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn elementwise_variants<'a>(name: &str, act: &'a dyn DynActivation, isa: Isa) -> Vec<Variant<'a>> {
    let mut v: Vec<Variant<'a>> = vec![
        Variant {
            name: "fwd".into(),
            in_place: false,
            peer: false,
            run: Box::new(move |x, _, y, _| act.forward_on(isa, x, y)),
        },
        Variant {
            name: "in-place".into(),
            in_place: true,
            peer: false,
            run: Box::new(move |_, _, y, _| act.forward_in_place_on(isa, y)),
        },
        Variant {
            name: "bwd".into(),
            in_place: false,
            peer: false,
            run: Box::new(move |x, dy, dx, _| act.backward_on(isa, x, dy, dx)),
        },
        Variant {
            name: "fwd+deriv".into(),
            in_place: false,
            peer: false,
            run: Box::new(move |x, _, y, d| act.forward_with_derivative_on(isa, x, y, d)),
        },
    ];
    if let Some(r) = peers::rten(name) {
        let r2 = peers::rten(name).unwrap();
        v.push(Variant {
            name: "rten".into(),
            in_place: false,
            peer: true,
            run: Box::new(move |x, _, y, _| r.forward(x, y)),
        });
        v.push(Variant {
            name: "rten-in-place".into(),
            in_place: true,
            peer: true,
            run: Box::new(move |_, _, y, _| r2.forward_in_place(y)),
        });
    }
    #[cfg(feature = "peers")]
    if let Some(t) = peers::tract(name) {
        v.push(Variant {
            name: format!("tract-in-place ({})", t.kernel_name()),
            in_place: true,
            peer: true,
            run: Box::new(move |_, _, y, _| t.run(y)),
        });
    }
    v
}

fn row_variants(name: &str, row_len: usize, isa: Isa) -> Vec<Variant<'static>> {
    fn ours<R: RowActivation + 'static>(r: R, row_len: usize, isa: Isa) -> Vec<Variant<'static>> {
        vec![
            Variant {
                name: "fwd".into(),
                in_place: false,
                peer: false,
                run: Box::new(move |x, _, y, _| r.forward_on(isa, x, y, row_len)),
            },
            Variant {
                name: "in-place".into(),
                in_place: true,
                peer: false,
                run: Box::new(move |_, _, y, _| r.forward_in_place_on(isa, y, row_len)),
            },
            Variant {
                name: "bwd".into(),
                in_place: false,
                peer: false,
                run: Box::new(move |x, dy, dx, _| {
                    r.backward_from_output_on(isa, x, dy, dx, row_len)
                }),
            },
        ]
    }
    let mut v = match name {
        "softmax" => ours(Softmax::default(), row_len, isa),
        "log_softmax" => ours(LogSoftmax::default(), row_len, isa),
        _ => ours(Softmin::default(), row_len, isa),
    };
    if let Some(r) = peers::rten_rows(name) {
        let r2 = peers::rten_rows(name).unwrap();
        v.push(Variant {
            name: "rten".into(),
            in_place: false,
            peer: true,
            run: Box::new(move |x, _, y, _| r.forward(x, y, row_len)),
        });
        v.push(Variant {
            name: "rten-in-place".into(),
            in_place: true,
            peer: true,
            run: Box::new(move |_, _, y, _| r2.forward_in_place(y, row_len)),
        });
    }
    #[cfg(feature = "peers")]
    if let Some(t) = peers::tract_rows(name) {
        v.push(Variant {
            name: "tract-in-place".into(),
            in_place: true,
            peer: true,
            run: Box::new(move |_, _, y, _| t.run(y, row_len)),
        });
    }
    v
}

fn report(label: &str, n: usize, rounds: usize, mut variants: Vec<Variant<'_>>) {
    let mut copy_ns = 0.0;
    let ns = time_interleaved(n, rounds, &mut variants, &mut copy_ns);
    let rate = |k: usize| n as f64 / ns[k];
    let find = |name: &str| variants.iter().position(|v| v.name == name);
    let best_peer = (0..variants.len())
        .filter(|&k| variants[k].peer)
        .max_by(|&a, &b| rate(a).total_cmp(&rate(b)));
    let cell = |name: &str| find(name).map_or("–".to_string(), |k| format!("{:.2}", rate(k)));
    let (peer_name, peer_rate) = best_peer.map_or(("–".to_string(), f64::NAN), |k| {
        (variants[k].name.clone(), rate(k))
    });
    let ratio = |name: &str| {
        find(name)
            .filter(|_| peer_rate.is_finite())
            .map_or("–".to_string(), |k| format!("{:.2}", rate(k) / peer_rate))
    };
    let in_ratio = match (find("fwd"), find("in-place")) {
        (Some(a), Some(b)) => format!("{:.2}", rate(b) / rate(a)),
        _ => "–".into(),
    };
    let peer_cell = if peer_rate.is_finite() {
        format!("{peer_rate:.2} {peer_name}")
    } else {
        "–".into()
    };
    println!(
        "| {label} | {n} | {} | {} | {in_ratio} | {} | {} | {peer_cell} | {} | {} | {:.2} |",
        cell("fwd"),
        cell("in-place"),
        cell("bwd"),
        cell("fwd+deriv"),
        ratio("fwd"),
        ratio("in-place"),
        n as f64 / copy_ns,
    );
}

fn main() {
    let mut sizes = vec![4096usize, 262_144];
    let mut rounds = 15usize;
    let mut only: Vec<String> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--sizes" => {
                sizes = args
                    .next()
                    .expect("--sizes N,N,...")
                    .split(',')
                    .map(|s| s.parse().expect("--sizes takes integers"))
                    .collect()
            }
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--rounds N")
            }
            "-h" | "--help" => {
                println!("usage: versus [--sizes 4096,262144] [--rounds 15] [NAME ...]");
                return;
            }
            _ => only.push(a),
        }
    }
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    let isa = Isa::best();
    println!(
        "versus: ISA {isa:?}, {rounds} interleaved rounds, inputs U[-10, 10], elements/ns (medians); \
         ratio = ours / best peer form"
    );
    println!();
    println!(
        "| op | n | ours | ours in place | in place / out | bwd | fwd+deriv | best peer | ratio | ratio in place | copy |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for &name in ELEMENTWISE.iter().filter(|n| wanted(n)) {
        let act = registry::lookup(name).expect("built-in activation");
        for &n in &sizes {
            report(name, n, rounds, elementwise_variants(name, act, isa));
        }
    }
    for &name in ROWWISE.iter().filter(|n| wanted(n)) {
        for &row_len in ROW_LENS {
            for &n in &sizes {
                let n = n.max(row_len).next_multiple_of(row_len);
                report(
                    &format!("{name}-r{row_len}"),
                    n,
                    rounds,
                    row_variants(name, row_len, isa),
                );
            }
        }
    }
}
