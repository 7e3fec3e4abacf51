//! The f32 vector math core.
//!
//! Every function is one generic body over [`pulp::Simd`] operating on [`V`] (a zero-cost
//! operator wrapper over `S::f32s`), `#[inline(always)]` all the way down. Results are
//! **bit-identical on every ISA**: every multiply-add is fused on every backend (pulp's
//! `mul_add_f32s`), evaluation order is fixed, clamps use compare + select (never `min`/`max`,
//! whose NaN behaviour differs per ISA), and the only other operations (`+ - * /`, `sqrt`, bit
//! operations) are correctly rounded IEEE operations everywhere.
//!
//! Each function's file documents its method, domain, the provenance of its coefficients
//! (`tools/fit.sollya`, generated into `coeffs.rs`) and its measured max error. The bounds
//! themselves live in one table, [`crate::accuracy`].
//!
//! The slice entry point is [`MathFn`]:
//! ```
//! use activation_kernels::math::MathFn;
//! let x = [0.0f32, 1.0, -1.0];
//! let mut y = [0.0f32; 3];
//! MathFn::Exp.apply(&x, &mut y);
//! assert_eq!(y[0], 1.0);
//! assert!((y[1] - core::f32::consts::E).abs() <= f32::EPSILON * 3.0);
//! ```

pub mod coeffs;
mod erf;
mod exp;
mod expm1;
mod gelu;
mod ln;
mod mish;
pub mod reference;
mod sigmoid;
mod softplus;
mod softsign;
mod swish;
mod tanh;
mod tanhshrink;
pub mod vec;
pub mod vec64;

pub use erf::{erf, erfc};
pub use exp::{exp, mul_exp};
pub(crate) use exp::{exp_dw_2p64, exp_dw_2p64_in_range};
pub use expm1::expm1;
pub use gelu::{gelu, gelu_grad};
pub use ln::{ln, ln1p};
pub use mish::{mish, mish_grad};
pub use sigmoid::{sigmoid, sigmoid_beta, sigmoid_pair};
pub use softplus::{softplus, softplus_beta};
pub use softsign::softsign;
pub use swish::{gelu_tanh, gelu_tanh_grad, swish, swish_grad};
pub use tanh::tanh;
pub use tanhshrink::tanhshrink;
pub use vec::V;
pub use vec64::{M64, U64, V64, horner64};

use crate::Isa;
use crate::kernel::{Map, MapInPlace, UnaryKernel, check_len};
use pulp::Simd;

macro_rules! math_fns {
    ($($variant:ident => $f:ident, $name:literal, $doc:literal;)*) => {
        /// A function of the math core, for slice-level use, tests, benches and reports.
        ///
        /// ```
        /// use activation_kernels::math::MathFn;
        ///
        /// for &f in MathFn::ALL {
        ///     assert_eq!(MathFn::from_name(f.name()), Some(f));
        /// }
        /// let mut y = [0.0f32; 1];
        /// MathFn::Erf.apply(&[0.0], &mut y);
        /// assert_eq!(y, [0.0]);
        /// ```
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum MathFn {
            $(#[doc = $doc] $variant,)*
        }

        impl MathFn {
            /// Every function, in a fixed order.
            pub const ALL: &'static [MathFn] = &[$(MathFn::$variant,)*];

            /// The function's name (as used by the sweep tool and the report).
            ///
            /// ```
            /// use activation_kernels::math::MathFn;
            ///
            /// assert_eq!(MathFn::Ln1p.name(), "ln1p");
            /// assert_eq!(MathFn::Softplus.name(), "softplus");
            /// ```
            pub const fn name(self) -> &'static str {
                match self { $(MathFn::$variant => $name,)* }
            }

            /// Applies the function to every element of `src`, writing `dst`, on `isa`.
            ///
            /// # Panics
            /// If `src.len() != dst.len()`, or if `isa` is not available on this CPU.
            ///
            /// # Examples
            /// ```
            /// use activation_kernels::{Isa, math::MathFn};
            ///
            /// let x = [0.0f32, 20.0, -20.0];
            /// let (mut a, mut b) = ([0.0f32; 3], [0.0f32; 3]);
            /// MathFn::Tanh.apply_on(Isa::Scalar, &x, &mut a);
            /// MathFn::Tanh.apply_on(Isa::best(), &x, &mut b);
            /// assert_eq!(a, [0.0, 1.0, -1.0]);
            /// assert_eq!(a, b); // the same bits on every ISA
            /// ```
            #[track_caller]
            pub fn apply_on(self, isa: Isa, src: &[f32], dst: &mut [f32]) {
                check_len("input and output", src.len(), dst.len());
                match self { $(MathFn::$variant => isa.dispatch(Map { k: kernels::$variant, src, dst }),)* }
            }

            /// In-place variant of [`MathFn::apply_on`].
            ///
            /// ```
            /// use activation_kernels::{Isa, math::MathFn};
            ///
            /// let mut x = [0.0f32, f32::NEG_INFINITY];
            /// MathFn::Exp.apply_in_place_on(Isa::Scalar, &mut x);
            /// assert_eq!(x, [1.0, 0.0]);
            /// ```
            pub fn apply_in_place_on(self, isa: Isa, x: &mut [f32]) {
                match self { $(MathFn::$variant => isa.dispatch(MapInPlace { k: kernels::$variant, x }),)* }
            }
        }

        /// One zero-sized [`UnaryKernel`] per math function, for use with the generic drivers.
        pub mod kernels {
            use super::*;
            $(
                #[doc = $doc]
                #[doc = ""]
                #[doc = "Within [`MathFn::max_ulp`] of [`MathFn::reference`] through a driver:"]
                #[doc = ""]
                #[doc = "```"]
                #[doc = "use activation_kernels::{Isa, kernel::Map, math::{MathFn, kernels}, ulp::ulp_error};"]
                #[doc = ""]
                #[doc = "let x = [0.25f32, 0.5, 1.5];"]
                #[doc = "let mut y = [0.0f32; 3];"]
                #[doc = concat!("Isa::best().dispatch(Map { k: kernels::", stringify!($variant), ", src: &x, dst: &mut y });")]
                #[doc = concat!("let f = MathFn::", stringify!($variant), ";")]
                #[doc = "for (&x, &y) in x.iter().zip(&y) {"]
                #[doc = "    assert!(ulp_error(y, f.reference(x as f64)) <= f.max_ulp());"]
                #[doc = "}"]
                #[doc = "```"]
                #[derive(Copy, Clone, Debug, Default)]
                pub struct $variant;
                impl UnaryKernel for $variant {
                    #[inline(always)]
                    fn apply<S: Simd>(self, simd: S, x: S::f32s) -> S::f32s {
                        super::$f(V::new(simd, x)).v
                    }
                }
            )*
        }
    };
}

math_fns! {
    Exp => exp, "exp", "`e^x`.";
    Expm1 => expm1, "expm1", "`e^x - 1`.";
    Ln => ln, "ln", "Natural logarithm.";
    Ln1p => ln1p, "ln1p", "`ln(1 + x)`.";
    Tanh => tanh, "tanh", "Hyperbolic tangent.";
    Sigmoid => sigmoid, "sigmoid", "Logistic function `1/(1+e^-x)`.";
    Erf => erf, "erf", "Error function.";
    Erfc => erfc, "erfc", "Complementary error function.";
    Softplus => softplus, "softplus", "`ln(1 + e^x)`.";
}

impl MathFn {
    /// Applies the function on the process-wide best ISA ([`Isa::best`]).
    ///
    /// # Panics
    /// If `src.len() != dst.len()`.
    ///
    /// # Examples
    /// ```
    /// use activation_kernels::math::MathFn;
    ///
    /// let mut y = [0.0f32; 2];
    /// MathFn::Ln.apply(&[1.0, core::f32::consts::E], &mut y);
    /// assert_eq!(y[0], 0.0);
    /// assert!((y[1] - 1.0).abs() <= f32::EPSILON);
    /// ```
    #[track_caller]
    pub fn apply(self, src: &[f32], dst: &mut [f32]) {
        self.apply_on(Isa::best(), src, dst)
    }

    /// Applies the function in place on [`Isa::best`].
    ///
    /// ```
    /// use activation_kernels::math::MathFn;
    ///
    /// let mut x = [0.0f32, 1e-30];
    /// MathFn::Expm1.apply_in_place(&mut x);
    /// assert_eq!(x, [0.0, 1e-30]); // e^x - 1 without cancellation
    /// ```
    pub fn apply_in_place(self, x: &mut [f32]) {
        self.apply_in_place_on(Isa::best(), x)
    }

    /// Looks a function up by [`name`](MathFn::name).
    ///
    /// ```
    /// use activation_kernels::math::MathFn;
    ///
    /// assert_eq!(MathFn::from_name("erfc"), Some(MathFn::Erfc));
    /// assert_eq!(MathFn::from_name("cos"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<MathFn> {
        MathFn::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The f64 reference value (see [`mod@reference`]).
    ///
    /// ```
    /// use activation_kernels::math::MathFn;
    ///
    /// assert_eq!(MathFn::Sigmoid.reference(0.0), 0.5);
    /// assert_eq!(MathFn::Erfc.reference(0.0), 1.0);
    /// assert!((MathFn::Exp.reference(1.0) - core::f64::consts::E).abs() <= f64::EPSILON * 3.0);
    /// ```
    pub fn reference(self, x: f64) -> f64 {
        use reference as r;
        match self {
            MathFn::Exp => r::exp(x),
            MathFn::Expm1 => r::expm1(x),
            MathFn::Ln => r::ln(x),
            MathFn::Ln1p => r::ln1p(x),
            MathFn::Tanh => r::tanh(x),
            MathFn::Sigmoid => r::sigmoid(x),
            MathFn::Erf => r::erf(x),
            MathFn::Erfc => r::erfc(x),
            MathFn::Softplus => r::softplus(x),
        }
    }

    /// The guaranteed max error in ULP over all f32 inputs (from [`crate::accuracy`]).
    ///
    /// ```
    /// use activation_kernels::{math::MathFn, ulp::ulp_error};
    ///
    /// let f = MathFn::Sigmoid;
    /// let x = [-9.5f32, -1.25, 0.3, 4.0];
    /// let mut y = [0.0f32; 4];
    /// f.apply(&x, &mut y);
    /// for (&x, &y) in x.iter().zip(&y) {
    ///     assert!(ulp_error(y, f.reference(x as f64)) <= f.max_ulp());
    /// }
    /// assert_eq!(MathFn::Exp.max_ulp(), 1.0);
    /// ```
    pub fn max_ulp(self) -> f64 {
        crate::accuracy::math_bound(self).bound_ulp
    }
}
