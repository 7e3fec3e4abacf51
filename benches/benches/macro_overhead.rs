#![allow(missing_docs)] // criterion_group!/criterion_main! generate undocumented items
//! Zero-cost check of `#[activation]`: the macro-defined `Sigmoid` against the hand-written
//! kernel (`MathFn::Sigmoid`, a `Map` driver over `math::sigmoid`) on the same math core, in
//! the same run, on every available ISA. Also `Elu` (symbolic derivative) forward vs a
//! hand-written select over `math::expm1`.
//!
//! ```text
//! cargo bench -p activation-benches --bench macro_overhead
//! ```
//! Ids: `macro-overhead/{n}/{variant}` with variants `{isa}-macro`, `{isa}-hand`.

use activation_kernels::kernel::{UnaryKernel, map_on};
use activation_kernels::math::{MathFn, V, expm1};
use activation_kernels::{Activation, Isa, activations};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

#[derive(Copy, Clone)]
struct HandElu;
impl UnaryKernel for HandElu {
    #[inline(always)]
    fn apply<S: pulp::Simd>(self, simd: S, x: S::f32s) -> S::f32s {
        let x = V::new(simd, x);
        x.gt(x.k(0.0)).select(x, expm1(x)).v
    }
}

fn bench(c: &mut Criterion) {
    for n in [4096usize, 262_144] {
        let x = activation_benches::inputs::uniform(n);
        let mut y = vec![0.0f32; n];
        let mut g = c.benchmark_group(format!("macro-overhead/{n}"));
        g.throughput(Throughput::Elements(n as u64))
            .sample_size(20)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        for isa in Isa::available() {
            g.bench_function(format!("{isa}-sigmoid-macro"), |b| {
                b.iter(|| activations::Sigmoid.forward_on(isa, black_box(&x), &mut y))
            });
            g.bench_function(format!("{isa}-sigmoid-hand"), |b| {
                b.iter(|| MathFn::Sigmoid.apply_on(isa, black_box(&x), &mut y))
            });
            g.bench_function(format!("{isa}-elu-macro"), |b| {
                b.iter(|| activations::Elu::default().forward_on(isa, black_box(&x), &mut y))
            });
            g.bench_function(format!("{isa}-elu-hand"), |b| {
                b.iter(|| map_on(isa, HandElu, black_box(&x), &mut y))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
