//! Tools of the activation-kernels workspace, not part of the published library: the `report`
//! (throughput and sampled accuracy of every activation on this machine), the `sweep` (every
//! f32 input against the f64 reference, bit-identity across ISAs, digests) and, with the
//! `plots` feature, the SVG plots ([`plot`]) that `report --plots DIR` and `examples/mlp` draw.
//!
//! ```text
//! cargo run --release -p activation-tools --bin report
//! cargo run --release -p activation-tools --bin sweep -- all
//! cargo run --release -p activation-tools --features plots --bin report -- --plots DIR
//! ```

#[cfg(feature = "plots")]
pub mod plot;
