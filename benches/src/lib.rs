//! Shared helpers for the benches (inputs, baselines).
