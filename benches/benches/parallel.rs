#![allow(missing_docs)] // criterion_group!/criterion_main! generate undocumented items
//! Multi-core scaling (feature `rayon`) and per-call overhead.
//!
//! ```text
//! cargo bench -p activation-benches --bench parallel
//! ```
//! * `parallel/16777216/{act}-{1t,par}`: single-thread call vs `activation_kernels::par` on the
//!   default rayon pool (one thread per core), 16M elements out of place;
//! * `overhead/16/{sigmoid,relu}`: a 16-element `forward` call (dispatch + drivers), to check the
//!   per-call cost.

use activation_kernels::activations::{Gelu, Relu, Sigmoid, Swish};
use activation_kernels::{Activation, par};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let n = 1 << 24;
    let x = activation_benches::inputs::uniform(n);
    let mut y = vec![0.0f32; n];
    let mut g = c.benchmark_group(format!("parallel/{n}"));
    g.throughput(Throughput::Elements(n as u64))
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("swish-1t", |b| {
        b.iter(|| Swish::default().forward(black_box(&x), &mut y))
    });
    g.bench_function("swish-par", |b| {
        b.iter(|| par::forward(&Swish::default(), black_box(&x), &mut y))
    });
    g.bench_function("gelu-1t", |b| {
        b.iter(|| Gelu.forward(black_box(&x), &mut y))
    });
    g.bench_function("gelu-par", |b| {
        b.iter(|| par::forward(&Gelu, black_box(&x), &mut y))
    });
    g.bench_function("relu-1t", |b| {
        b.iter(|| Relu.forward(black_box(&x), &mut y))
    });
    g.bench_function("relu-par", |b| {
        b.iter(|| par::forward(&Relu, black_box(&x), &mut y))
    });
    g.finish();

    let xs = [0.25f32; 16];
    let mut ys = [0.0f32; 16];
    let mut g = c.benchmark_group("overhead/16");
    g.throughput(Throughput::Elements(16));
    g.bench_function("sigmoid", |b| {
        b.iter(|| Sigmoid.forward(black_box(&xs), &mut ys))
    });
    g.bench_function("relu", |b| b.iter(|| Relu.forward(black_box(&xs), &mut ys)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
