//! Prints a markdown summary of the latest criterion results of the `activation-benches`
//! benches (see `activation_benches::summary`): activations (our best ISA, best peer, textbook
//! loop, ratios), multi-core scaling and per-call cost, the math core and the copy baselines,
//! each section only if its benchmarks have results.
//!
//! ```text
//! cargo bench -p activation-benches [--features peers] --bench activations  # target/criterion/**
//! cargo bench -p activation-benches --bench parallel
//! cargo run --release -p activation-benches --bin summary [-- <criterion dir>]
//! ```
//!
//! (The `activations` bench prints the same table for the benchmarks it ran.)
//! The criterion directory defaults to `$CARGO_TARGET_DIR/criterion`, else `target/criterion`.

use activation_benches::summary;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(summary::default_criterion_dir);
    let records = match summary::collect(&dir) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("summary: cannot read {}: {e}", dir.display());
            eprintln!("run `cargo bench -p activation-benches --bench activations` first");
            return ExitCode::FAILURE;
        }
    };
    if records.is_empty() {
        eprintln!("summary: no criterion results under {}", dir.display());
        return ExitCode::FAILURE;
    }
    println!("<!-- {} results from {} -->", records.len(), dir.display());
    print!("{}", summary::render(&records));
    ExitCode::SUCCESS
}
