//! Shared helpers for the `activation-benches` bench targets: deterministic inputs, buffers
//! placed apart, copy baselines (the memory-bandwidth ceiling every elementwise kernel is
//! compared with), textbook scalar loops, peer crates (rten-vecmath; tract-linalg and candle
//! with the feature `peers`) and the summary of criterion's results.
//!
//! ```text
//! cargo bench -p activation-benches --bench math [-- 'exp/4096']
//! cargo bench -p activation-benches [--features peers] --bench activations [-- <filter>]
//! cargo run --release -p activation-benches --bin summary [-- <criterion dir>]
//! ```
//!
//! Benchmark ids follow `{func}/{n}/{variant}`: one criterion group per function and size
//! (`exp/4096`), one benchmark per variant (`scalar`, `avx2`, `avx512`, `scalar-inplace`, ...,
//! `plain-loop`). The copy baselines are a group of their own, `copy/{n}`, with variants
//! `copy`, `copy-4k-alias`, `loop-copy` and `nt-copy`. The activations bench uses
//! `act/{activation}/{entry}/{n}/{variant}` (see [`summary`]). [`summary`] relies on this
//! naming.

pub mod clock;
pub mod copy;
pub mod inputs;
pub mod peers;
pub mod plain;
pub mod slab;
pub mod summary;
