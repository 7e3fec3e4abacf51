//! Shared helpers for the `activation-benches` bench targets: deterministic inputs, copy
//! baselines (the memory-bandwidth ceiling every elementwise kernel is compared with) and the
//! summary of criterion's results.
//!
//! ```text
//! cargo bench -p activation-benches --bench math [-- 'exp/4096']
//! cargo run --release -p activation-benches --bin summary [-- <criterion dir>]
//! ```
//!
//! Benchmark ids follow `{func}/{n}/{variant}`: one criterion group per function and size
//! (`exp/4096`), one benchmark per variant (`scalar`, `avx2`, `avx512`, `scalar-inplace`, ...,
//! `plain-loop`; peers later). The copy baselines are a group of their own, `copy/{n}`, with
//! variants `copy`, `copy-4k-alias`, `loop-copy` and `nt-copy`. [`summary`] relies on this naming.

pub mod copy;
pub mod inputs;
pub mod summary;
