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
//! use activation_kernels::{Activation, activations::Gelu};
//!
//! let x = [-1.0f32, 0.0, 1.0];
//! let mut y = [0.0f32; 3];
//! Gelu.forward(&x, &mut y); // the same call on f64, bf16 and f16 slices
//! assert_eq!(y[1], 0.0);
//! ```
//!
//! One slice API throughout: parameters go to the constructor, slices to the call.
//! [`Activation`] (elementwise), [`rowwise`] (the softmax family), [`prelu`], [`rrelu`] and
//! [`maxout`] share the method names (`forward`, `forward_in_place`, `backward`, ..., each
//! with an `_on(isa, ..)` variant), and every call is generic over the element type (`f32`,
//! `f64`, `bf16`, `f16`). The type-erased form is `dyn`
//! [`DynActivation`] (the same names, from [`registry`]); the parallel form is the `par`
//! module (feature `rayon`; the same names, the activation first). The vector-level layer
//! ([`kernel`], [`math`]) is for kernel authors.
//!
//! ## Guide
//!
//! ### Choosing an activation
//!
//! | where | usual choice | here |
//! |---|---|---|
//! | hidden layers of MLPs and CNNs | the ReLU family; smooth variants when gradients matter | [`activations::Relu`], [`activations::LeakyRelu`], [`prelu`], [`rrelu`], [`activations::Elu`], [`activations::Selu`] (self-normalising nets), [`activations::Gelu`] / [`activations::GeluTanh`] (transformers), [`activations::Swish`] (SiLU), [`activations::Mish`], [`activations::HardSwish`] (mobile) |
//! | recurrent gates (LSTM/GRU) | sigmoid for gates, tanh for the cell candidate | [`activations::Sigmoid`], [`activations::Tanh`] |
//! | binary or multi-label outputs | sigmoid per output | [`activations::Sigmoid`] (use [`activations::Softplus`] / [`rowwise::LogSoftmax`] for log-likelihoods) |
//! | multi-class outputs | softmax over each row (log-softmax for the loss) | [`rowwise::Softmax`], [`rowwise::LogSoftmax`] |
//! | regression outputs | identity | [`activations::Linear`] |
//!
//! Every activation is a small `Copy` struct: construct it with `new` (which validates the
//! parameters) or `Default`, or by name through [`registry`] (Keras-style names and aliases,
//! e.g. `"silu"`), and call the slice methods of [`Activation`] (forward, in place, derivative,
//! backward, forward with derivative, and `backward_from_output` where the derivative is a
//! function of the output):
//!
//! ```
//! use activation_kernels::{Activation, activations::Swish, registry};
//!
//! let silu = Swish::default();
//! let x = [-2.0f32, 0.0, 3.0];
//! let (mut y, mut dy_dx) = ([0.0f32; 3], [0.0f32; 3]);
//! silu.forward_with_derivative(&x, &mut y, &mut dy_dx);
//! let grad_out = [1.0f32; 3];
//! let mut grad_in = [0.0f32; 3];
//! silu.backward(&x, &grad_out, &mut grad_in);
//! assert_eq!(grad_in, dy_dx);
//!
//! let by_name = registry::lookup("silu").unwrap();
//! let mut y2 = [0.0f32; 3];
//! by_name.forward(&x, &mut y2);
//! assert_eq!(y, y2);
//! ```
//!
//! ### Accuracy guarantees
//!
//! Each elementwise function declares a bound in ULP (forward ≤ 2, derivative ≤ 4, with an
//! absolute tolerance only inside documented neighbourhoods of zeros of f'); the piecewise-linear
//! ones are correctly rounded. The bounds are checked over all 2^32 inputs (ACCURACY.md in the
//! repository records the measured maxima) and by `testing::check` in every generated test. NaN
//! propagates, `±inf` give the mathematical limits, there is no spurious overflow, and outputs
//! stay in range. The row-wise functions are within 4 ULP on adversarial rows.
//!
//! ### Element types: f32, f64, bf16, f16
//!
//! The slice methods take slices of any [`element::Element`]: `f64` runs the f64 kernels (the
//! same formulas on f64 lanes with the [`math64`] core, bit-identical on every ISA, measured against MPFR within the same ULP bounds
//! in f64 ULPs: ACCURACY.md's f64 section); `bf16`/`f16` (feature `half`) are computed in f32 and
//! rounded once. [`registry::Slice`] carries the element type at run time for tensor crates
//! with a dynamic dtype.
//!
//! ```
//! use activation_kernels::{Activation, activations::Gelu};
//!
//! let x = [-1.0f64, 0.0, 2.0];
//! let mut y = [0.0f64; 3];
//! Gelu.forward(&x, &mut y);
//! assert!((y[2] - 1.9544997361036416).abs() <= 4e-16);
//! ```
//!
//! ### ISA dispatch
//!
//! [`Isa::best`] is detected once; every slice function has an `_on(isa, ..)` variant, and the
//! environment variable `ACTIVATION_KERNELS_ISA=scalar|avx2|avx512|neon` caps the ISA for a
//! process. Results are bit-identical on every ISA, so this only changes speed.
//!
//! ### Extending
//!
//! Define your own activation with `#[activation]` (below): the same macro defines the
//! built-ins, so yours get the same SIMD kernels on every ISA, f64 reference and verification.
//!
//! ## Defining activations: `#[activation]`
//!
//! The built-ins in [`activations`] and your own activations are written the same way: a
//! declarative definition on a struct whose fields are the `f32` parameters.
//!
//! ```
//! use activation_kernels::{activation, Activation};
//!
//! /// Swish with a slope parameter (derivative left to the macro).
//! #[activation(
//!     name = "my_swish",
//!     aliases = ["my_silu"],
//!     forward = x * sigmoid(beta * x),
//!     saturate(below = -200.0 => -0.0),   // beyond the bound, the output is this expression
//!     saturate(above = 200.0 => x),
//!     check(beta > 0.0),                  // constructing with beta <= 0 is an error
//!     ulp = 4.0,                          // declared bounds, verified by `testing::check`
//!     derivative_ulp = 8.0,
//!     derivative_abs = 1e-6,
//!     tests = false,
//! )]
//! pub struct MySwish {
//!     #[param(default = 1.0)]
//!     pub beta: f32,
//! }
//!
//! let s = MySwish::new(1.5).unwrap();
//! let x = [-1.0f32, 0.0, 2.0];
//! let (mut y, mut d) = ([0.0f32; 3], [0.0f32; 3]);
//! s.forward_with_derivative(&x, &mut y, &mut d);
//! assert_eq!(y[1], 0.0);
//! assert!(MySwish::new(-1.0).is_err());
//! assert_eq!(s.info().name, "my_swish");
//! ```
//!
//! | key | meaning |
//! |---|---|
//! | `forward = <formula>` | required; in `x` and the parameters |
//! | `derivative = <formula>` | optional; may also use `y` (the forward output). Omitted: the macro differentiates `forward` symbolically. Given: `testing::check` compares it with the symbolic derivative |
//! | `output_derivative = <formula>` | optional; f' written in `y` only, enabling [`OutputDerivative::backward_from_output`] (inferred when `derivative` uses only `y`) |
//! | `reference = <formula>` | optional; a more accurate form of `forward` for the f64 reference |
//! | `saturate(below = B => v)`, `saturate(above = B => v)` | beyond a constant bound the output is `v` (constant or linear in `x`; optional `, derivative = d`). Also keeps `±inf` and overflow out of the formula. `testing::check` verifies each bound to 1 ULP |
//! | `#[param(default = v)]` on a field | an `f32` parameter and its default (at most 8 parameters: more is a compile error); parameters must be finite unless the field also says `allow_infinite` (then `±inf` are valid and `default = inf` is allowed, e.g. Keras' `max_value = None`) |
//! | `check(<condition>)` | parameter constraint; checked at compile time against the defaults and by the generated `new` / [`Activation::validate`] |
//! | `ulp`, `derivative_ulp`, `derivative_abs` | declared error bounds (defaults 2, 4, 0) |
//! | `name`, `aliases` | metadata (default name: the struct name in snake case) |
//! | `tests = false` | do not generate the `#[cfg(test)]` test that runs `testing::check` on the defaults |
//! | `crate = "::path"` | where generated code finds this crate, for crates that re-export it |
//!
//! Formulas use numbers, `x`, `y`, parameters, constants (`PI`, `E`, `LN_2`, `SQRT_2`,
//! `FRAC_1_SQRT_2`, `FRAC_2_SQRT_PI`, `SQRT_2_OVER_PI`, ...), `+ - * /`, unary `-`,
//! comparisons with `&& || !` inside `select(cond, a, b)` or `if cond { a } else { b }`,
//! `min`, `max`, `clamp`, `abs`, `sqrt`, `powi(_, n)` and the math core: `exp`, `expm1`, `ln`,
//! `ln1p`, `tanh`, `sigmoid`, `erf`, `erfc`, `softplus`, and the activation kernels `gelu`, `gelu_tanh`,
//! `mish`, `tanhshrink`, `swish(x, beta)` (each with its `_grad` where it has one), `mul_exp(m, x)`,
//! `softplus_beta(x, beta) = softplus(beta·x)/beta` and `sigmoid_beta(x, beta) = sigmoid(beta·x)`
//! (the two-argument forms carry `beta·x` unrounded, so a slope costs no accuracy).
//!
//! The macro generates one SIMD body generic over the ISA on f32 lanes and one on f64 lanes
//! (the [`math64`] core), the reference of the same formula in any [`RefFloat`] type (`f64`;
//! MPFR in the crate's tests), the [`Activation`] impl (forward, in place, derivative, backward,
//! forward_with_derivative, metadata) and a NaN guard wherever NaN would not propagate by
//! itself. Malformed definitions are spanned compile errors.
//!
//! ## Errors
//! Slice functions **panic** when the lengths of their slices differ (like
//! [`slice::copy_from_slice`]); the message names both lengths and points at the caller.
//! Invalid parameters are a `Result` at construction (`new`) and a panic if an invalid struct
//! literal reaches a slice function.
//!
//! ## The `pulp` dependency
//! The slice API (activations, registry, row-wise functions) has no `pulp` type in its
//! signatures. The kernel-author layer does: [`kernel`]'s traits and drivers and
//! [`math::V`] are generic over `pulp::Simd`, and [`Isa::dispatch`] takes a `pulp::WithSimd`.
//! For that layer the crate re-exports the `pulp` it is built with as
//! [`activation_kernels::pulp`]; name it through that path rather than depending on
//! `pulp` yourself, so the versions always match. Every 0.1.x release uses pulp 0.22.x; moving
//! to a new pulp minor version is a breaking release of this crate.
#![cfg_attr(not(feature = "std"), no_std)]
// docs.rs: a badge naming the feature on every feature-gated item.
#![cfg_attr(docsrs, feature(doc_cfg))]

// Generated code names `::activation_kernels::...`; make that path work inside this crate too.
extern crate self as activation_kernels;

pub mod accuracy;
pub mod activation;
pub mod activations;
pub mod dispatch;
pub mod element;
pub mod kernel;
pub mod math;
pub mod math64;
pub mod maxout;
#[cfg(feature = "rayon")]
pub mod par;
pub mod prelu;
mod reduce;
pub mod registry;
pub mod rowwise;
mod rowwise64;
pub mod rrelu;
#[cfg(feature = "std")]
pub mod testing;
pub mod ulp;

pub use activation::{Activation, ActivationInfo, OutputDerivative, ParamError};
pub use dispatch::Isa;
pub use math::reference::RefFloat;
pub use pulp;
pub use registry::DynActivation;

pub use activation_macros::activation;

/// What code generated by `#[activation]` names (through absolute paths). Not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::activation::{
        Activation, ActivationInfo, OutputDerivative, ParamError, ParamInfo, Saturation, Side,
    };
    pub use crate::math::reference::RefFloat;
    pub use crate::math::{V, V64};
    pub use pulp::Simd;
    /// Vector math for generated SIMD bodies.
    pub mod math {
        pub use crate::math::{
            erf, erfc, exp, expm1, gelu, gelu_grad, gelu_tanh, gelu_tanh_grad, ln, ln1p, mish,
            mish_grad, mul_exp, sigmoid, sigmoid_beta, sigmoid_pair, softplus, softplus_beta,
            softsign, swish, swish_grad, tanh, tanhshrink,
        };
    }
    /// f64 vector math for generated f64 SIMD bodies.
    pub mod math64 {
        pub use crate::math64::{
            erf, erfc, exp, expm1, gelu, gelu_grad, gelu_tanh, gelu_tanh_grad, ln, ln1p, mish,
            mish_grad, mul_exp, sigmoid, sigmoid_beta, sigmoid_pair, softplus, softplus_beta,
            softsign, swish, swish_grad, tanh, tanhshrink,
        };
    }
    /// f64 math for generated references.
    pub mod reference {
        pub use crate::math::reference::*;
    }
}
