//! # activation-kernels
//!
//! Fast, exhaustively verified SIMD activation functions for tensor crates.
//!
//! * **One generic kernel per function**, written over [`pulp::Simd`] and monomorphised for
//!   scalar, AVX2+FMA, AVX-512 and NEON; the best ISA is picked at run time ([`Isa`]).
//! * **Bit-identical on every ISA**: always-fused multiply-adds, one evaluation order, no
//!   `min`/`max` NaN quirks. Switching machines (or capping the ISA with
//!   `ACTIVATION_KERNELS_ISA`) never changes a result.
//! * **Accurate everywhere**: every function's max error over *all* 2^32 f32 inputs is measured
//!   against an f64 reference and asserted; see [`accuracy`].
//!
//! ```
//! use activation_kernels::math::MathFn;
//! let x = vec![-1.0f32, 0.0, 1.0];
//! let mut y = vec![0.0f32; 3];
//! MathFn::Sigmoid.apply(&x, &mut y);
//! assert_eq!(y[1], 0.5);
//! ```
//!
//! ## Errors
//! Slice functions **panic** when the lengths of their slices differ (like
//! [`slice::copy_from_slice`]); the message names both lengths and points at the caller.
#![cfg_attr(not(feature = "std"), no_std)]

pub mod accuracy;
pub mod dispatch;
pub mod kernel;
pub mod math;
pub mod ulp;

pub use dispatch::Isa;
pub use pulp;

/// The `#[activation]` attribute (work in progress; see the `activation-macros` crate).
pub use activation_macros::activation;
