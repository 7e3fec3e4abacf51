//! Other element types: `f64`, `half::bf16` and `half::f16` slices (and `f32`) through one
//! generic API.
//!
//! Every elementwise [`Activation`] runs on slices of any [`Element`] through the extension trait
//! [`ActivationExt`] (implemented for every activation):
//!
//! ```
//! use activation_kernels::activations::Sigmoid;
//! use activation_kernels::element::{ActivationExt, half::{bf16, f16}};
//!
//! let x = [bf16::from_f32(-1.0), bf16::ZERO, bf16::from_f32(2.0)];
//! let mut y = [bf16::ZERO; 3];
//! Sigmoid.forward_t(&x, &mut y);
//! assert_eq!(y[1], bf16::from_f32(0.5));
//!
//! // The same call on f16 and on f32 (where it is `Activation::forward`).
//! let xh = [f16::from_f32(-1.0), f16::ZERO, f16::from_f32(2.0)];
//! let mut yh = [f16::ZERO; 3];
//! Sigmoid.forward_t(&xh, &mut yh);
//! assert_eq!(yh[2], f16::from_f32(0.880_797_1)); // sigmoid(2), correctly rounded
//!
//! let mut g = [bf16::ONE; 3];
//! Sigmoid.backward_in_place_t(&x, &mut g); // g = g · sigmoid'(x)
//! assert_eq!(g[1], bf16::from_f32(0.25));
//! ```
//!
//! The row-wise functions (softmax, log-softmax, softmin) accept the same types through
//! [`RowActivationExt`](crate::rowwise::RowActivationExt); see
//! [their docs](crate::rowwise#half-types-bf16-and-f16).
//!
//! # f64
//! `f64` slices run the activations' f64 kernels: the same `#[activation]` formula on f64
//! lanes ([`Activation::forward_v64`] and friends) with the f64 math core
//! ([`math64`](crate::math64)), bit-identical on every ISA. Measured against MPFR by
//! tests/f64_activations.rs (every built-in within its declared bound in f64 ULPs; ACCURACY.md).
//! It needs no feature.
//!
//! ```
//! use activation_kernels::activations::Tanh;
//! use activation_kernels::element::ActivationExt;
//!
//! let x = [0.5f64, -2.0];
//! let (mut y, mut d) = ([0.0f64; 2], [0.0f64; 2]);
//! Tanh.forward_with_derivative_t(&x, &mut y, &mut d);
//! assert!((y[0] - 0.5f64.tanh()).abs() <= 1e-16);
//! assert!((d[1] - (1.0 - y[1] * y[1])).abs() <= 1e-16);
//! ```
//!
//! # How half types are computed
//! Each half value is widened to f32 (exactly), the activation's f32 vector kernel runs on it,
//! and the f32 result is rounded **to nearest, ties to even** into the half type. A `backward`
//! forms `dy · f'(x)` in f32 and rounds once. So a half result is always
//! `round(f32 kernel result)`; since the f32 kernels are within a few f32 ULPs of the exact
//! value, the half result is the correctly rounded exact value except where the exact value
//! lies within those few f32 ULPs of a rounding tie of the half type, and never more than 1 ULP
//! of the half type away (measured over all 2^16 inputs of both types by the crate's tests).
//!
//! The conversions use the CPU's own instructions where they pay and integer operations on the
//! u32 lanes elsewhere; both give the same bits (checked on every half value and every rounding
//! case), so every ISA gives the same results:
//! * f16 on AVX2 (F16C) and AVX-512 (AVX-512F): `vcvtph2ps` / `vcvtps2ph` with round to
//!   nearest even. About 2x (sigmoid) to 5x (relu) faster than the integer code at 4096
//!   elements on the Zen 5 development machine.
//! * bf16 on AVX-512 with AVX512_BF16: `vcvtne2ps2bf16` narrows two f32 vectors at once; the
//!   instruction flushes f32 subnormals to zero, so a vector holding one takes the integer
//!   rounding instead. Widening bf16 is a shift everywhere. The integer bf16 code is already
//!   cheap, so the gain is small: about 6% (sigmoid) and 7% (relu) at 4096 elements on the
//!   Zen 5 machine, both codecs timed in one process.
//! * Portable integer code (scalar, NEON, bf16 on AVX2): two half values are loaded per 32-bit
//!   lane; each is moved to the upper 16 bits of its own lane (the lower 16 bits zero), which
//!   is already the f32 for bf16; for f16 the exponent is re-biased, subnormals are normalised
//!   with one exact f32 subtraction, and infinities/NaN keep their class. f32 → bf16 adds
//!   `0x7FFF` plus the lowest kept bit and truncates; f32 → f16 re-biases and rounds in the
//!   integer domain with the same trick, results in the f16 subnormal range round through one
//!   exact-by-construction f32 addition (which rounds to nearest even in hardware), overflow
//!   gives `±inf`.
//! * NaN: f16 → f32 makes the NaN quiet and keeps its payload; f32 → half keeps the sign and
//!   the upper payload bits and makes it quiet. These are the CPUs' rules and the `half`
//!   crate's, on every ISA; bf16 → f32 is exact (a signaling NaN stays signaling until the
//!   activation's arithmetic quiets it).
//!
//! NaN in gives NaN out (which NaN depends on the activation's arithmetic), `±inf` give the activation's
//! limits rounded into the type.

use crate::Isa;
use crate::activation::{Activation, Back, Both, Deriv, Fwd};
use crate::kernel::{
    BinaryKernel, BinaryKernel64, BinaryKernelOn, DualKernel, DualKernel64, DualKernelOn, Lane,
    Map, Map2, MapInPlace, UnaryKernel, UnaryKernel64, UnaryKernelOn, Zip, ZipInPlace, check_len,
};
use crate::rowwise::{RowActivation, RowFunction};

#[cfg(feature = "half")]
pub use half;

pub(crate) mod sealed {
    use crate::Isa;
    use crate::kernel::{
        BinaryKernel, BinaryKernel64, DualKernel, DualKernel64, UnaryKernel, UnaryKernel64,
    };
    use crate::rowwise::RowFunction;

    /// Seals [`Element`](super::Element) and carries the per-type entry points of the row-wise
    /// functions (called by [`RowActivationExt`](crate::rowwise::RowActivationExt), which has
    /// checked the lengths; they check them again).
    pub trait Sealed: Sized {
        // Activation kernels (which implement both the f32 and the f64 kernel traits) on a
        // slice of this type; `ActivationExt` calls these, so it needs no per-type bounds.
        fn act_map_on<K: UnaryKernel + UnaryKernel64>(
            isa: Isa,
            k: K,
            src: &[Self],
            dst: &mut [Self],
        );
        fn act_map_in_place_on<K: UnaryKernel + UnaryKernel64>(isa: Isa, k: K, x: &mut [Self]);
        fn act_map2_on<K: DualKernel + DualKernel64>(
            isa: Isa,
            k: K,
            src: &[Self],
            a: &mut [Self],
            b: &mut [Self],
        );
        fn act_zip_on<K: BinaryKernel + BinaryKernel64>(
            isa: Isa,
            k: K,
            a: &[Self],
            b: &[Self],
            dst: &mut [Self],
        );
        fn act_zip_in_place_on<K: BinaryKernel + BinaryKernel64>(
            isa: Isa,
            k: K,
            a: &[Self],
            b: &mut [Self],
        );
        fn row_forward_on(f: RowFunction, isa: Isa, x: &[Self], y: &mut [Self], row_len: usize);
        fn row_forward_in_place_on(f: RowFunction, isa: Isa, x: &mut [Self], row_len: usize);
        fn row_backward_on(
            f: RowFunction,
            isa: Isa,
            y: &[Self],
            dy: &[Self],
            dx: &mut [Self],
            row_len: usize,
        );
    }
}

/// The activation-kernel entry points of [`sealed::Sealed`], through [`Element`]'s own.
macro_rules! act_via_element {
    () => {
        #[inline]
        #[track_caller]
        fn act_map_on<K: UnaryKernel + UnaryKernel64>(
            isa: Isa,
            k: K,
            src: &[Self],
            dst: &mut [Self],
        ) {
            <Self as Element>::map_on(isa, k, src, dst)
        }
        #[inline]
        fn act_map_in_place_on<K: UnaryKernel + UnaryKernel64>(isa: Isa, k: K, x: &mut [Self]) {
            <Self as Element>::map_in_place_on(isa, k, x)
        }
        #[inline]
        #[track_caller]
        fn act_map2_on<K: DualKernel + DualKernel64>(
            isa: Isa,
            k: K,
            src: &[Self],
            a: &mut [Self],
            b: &mut [Self],
        ) {
            <Self as Element>::map2_on(isa, k, src, a, b)
        }
        #[inline]
        #[track_caller]
        fn act_zip_on<K: BinaryKernel + BinaryKernel64>(
            isa: Isa,
            k: K,
            a: &[Self],
            b: &[Self],
            dst: &mut [Self],
        ) {
            <Self as Element>::zip_on(isa, k, a, b, dst)
        }
        #[inline]
        #[track_caller]
        fn act_zip_in_place_on<K: BinaryKernel + BinaryKernel64>(
            isa: Isa,
            k: K,
            a: &[Self],
            b: &mut [Self],
        ) {
            <Self as Element>::zip_in_place_on(isa, k, a, b)
        }
    };
}

// After `act_via_element!` (textual macro scope).
#[cfg(feature = "half")]
mod halves;
#[cfg(feature = "half")]
pub(crate) use halves::{Codec, HalfJob, HalfKind};

impl sealed::Sealed for f32 {
    act_via_element!();
    #[track_caller]
    fn row_forward_on(f: RowFunction, isa: Isa, x: &[f32], y: &mut [f32], row_len: usize) {
        f.forward_on(isa, x, y, row_len)
    }
    #[track_caller]
    fn row_forward_in_place_on(f: RowFunction, isa: Isa, x: &mut [f32], row_len: usize) {
        f.forward_in_place_on(isa, x, row_len)
    }
    #[track_caller]
    fn row_backward_on(
        f: RowFunction,
        isa: Isa,
        y: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        row_len: usize,
    ) {
        f.backward_on(isa, y, dy, dx, row_len)
    }
}

/// An element type the slice kernels accept: `f32`, `f64`, and with the `half` feature
/// `half::bf16` and `half::f16`.
///
/// Sealed. The methods run any kernel of [`crate::kernel`] over slices of the type (f32 kernels
/// on `f32` and the half types, f64 kernels on `f64`; for half types: widen to f32, run the f32
/// vector kernel, round to nearest even on store); they do not check parameters, only lengths. Most users call them through [`ActivationExt`].
///
/// ```
/// use activation_kernels::element::{Element, half::bf16};
/// use activation_kernels::kernel::UnaryKernel;
/// use activation_kernels::{Isa, pulp::Simd};
///
/// #[derive(Copy, Clone)]
/// struct Double;
/// impl UnaryKernel for Double {
///     #[inline(always)]
///     fn apply<S: Simd>(self, simd: S, x: S::f32s) -> S::f32s {
///         simd.add_f32s(x, x)
///     }
/// }
/// let x = [bf16::from_f32(1.5), bf16::from_f32(-3.0)];
/// let mut y = [bf16::ZERO; 2];
/// bf16::map_on(Isa::best(), Double, &x, &mut y);
/// assert_eq!(y, [bf16::from_f32(3.0), bf16::from_f32(-6.0)]);
/// ```
pub trait Element: Copy + Send + Sync + sealed::Sealed + 'static {
    /// The lane type kernels compute in: `f32` for `f32`, `bf16` and `f16`; `f64` for `f64`.
    type Compute: Lane;
    /// `dst[i] = k(src[i])` on `isa`. Panics on a length mismatch.
    ///
    /// ```
    /// use activation_kernels::element::{Element, half::f16};
    /// use activation_kernels::{Isa, math::{MathFn, kernels}};
    ///
    /// let x: Vec<f16> = [-1.0f32, 0.0, 0.5, 2.0].iter().map(|&v| f16::from_f32(v)).collect();
    /// let mut y = vec![f16::ZERO; 4];
    /// f16::map_on(Isa::best(), kernels::Exp, &x, &mut y);
    /// assert_eq!(y[1], f16::ONE);
    ///
    /// // Each result is the f32 kernel on the widened input, rounded once to nearest even.
    /// let xf: Vec<f32> = x.iter().map(|v| v.to_f32()).collect();
    /// let mut yf = vec![0.0f32; 4];
    /// MathFn::Exp.apply(&xf, &mut yf);
    /// assert!(y.iter().zip(&yf).all(|(h, &f)| *h == f16::from_f32(f)));
    /// ```
    fn map_on<K: UnaryKernelOn<Self::Compute>>(isa: Isa, k: K, src: &[Self], dst: &mut [Self]);
    /// `x[i] = k(x[i])` on `isa`.
    ///
    /// Widening is exact and rounding an exact value returns it, so the identity kernel gives
    /// back every f16 value (subnormals and infinities included; NaN stays NaN):
    ///
    /// ```
    /// use activation_kernels::element::{Element, half::f16};
    /// use activation_kernels::kernel::UnaryKernel;
    /// use activation_kernels::{Isa, pulp::Simd};
    ///
    /// #[derive(Copy, Clone)]
    /// struct Identity;
    /// impl UnaryKernel for Identity {
    ///     #[inline(always)]
    ///     fn apply<S: Simd>(self, _simd: S, x: S::f32s) -> S::f32s {
    ///         x
    ///     }
    /// }
    /// let all: Vec<f16> = (0..=u16::MAX).map(f16::from_bits).collect();
    /// let mut x = all.clone();
    /// f16::map_in_place_on(Isa::Scalar, Identity, &mut x);
    /// for (a, b) in all.iter().zip(&x) {
    ///     assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
    /// }
    /// ```
    fn map_in_place_on<K: UnaryKernelOn<Self::Compute>>(isa: Isa, k: K, x: &mut [Self]);
    /// `(a[i], b[i]) = k(src[i])` on `isa`. Panics on a length mismatch.
    ///
    /// ```
    /// use activation_kernels::activation::Both;
    /// use activation_kernels::activations::Tanh;
    /// use activation_kernels::element::{ActivationExt, Element, half::bf16};
    /// use activation_kernels::Isa;
    ///
    /// let x = [bf16::from_f32(-0.5), bf16::ZERO, bf16::from_f32(3.0)];
    /// let (mut y, mut d) = ([bf16::ZERO; 3], [bf16::ZERO; 3]);
    /// bf16::map2_on(Isa::best(), Both(Tanh), &x, &mut y, &mut d);
    /// assert_eq!((y[1], d[1]), (bf16::ZERO, bf16::ONE)); // tanh(0) = 0, tanh'(0) = 1
    ///
    /// // The same values as the two separate passes.
    /// let (mut y2, mut d2) = ([bf16::ZERO; 3], [bf16::ZERO; 3]);
    /// Tanh.forward_t(&x, &mut y2);
    /// Tanh.derivative_t(&x, &mut d2);
    /// assert_eq!((y, d), (y2, d2));
    /// ```
    fn map2_on<K: DualKernelOn<Self::Compute>>(
        isa: Isa,
        k: K,
        src: &[Self],
        a: &mut [Self],
        b: &mut [Self],
    );
    /// `dst[i] = k(a[i], b[i])` on `isa`. Panics on a length mismatch.
    ///
    /// ```
    /// use activation_kernels::activation::Back;
    /// use activation_kernels::activations::{Relu, Sigmoid};
    /// use activation_kernels::element::{Element, half::f16};
    /// use activation_kernels::Isa;
    ///
    /// let x = [f16::from_f32(-1.0), f16::from_f32(2.0)];
    /// let dy = [f16::from_f32(0.1); 2];
    /// let mut dx = [f16::ONE; 2];
    /// f16::zip_on(Isa::Scalar, Back(Relu), &x, &dy, &mut dx); // dx = dy · relu'(x)
    /// assert_eq!(dx, [f16::ZERO, dy[1]]);
    ///
    /// f16::zip_on(Isa::best(), Back(Sigmoid), &[f16::ZERO; 2], &dy, &mut dx);
    /// assert_eq!(dx[0].to_f32(), dy[0].to_f32() / 4.0); // sigmoid'(0) = 1/4 (exact here)
    /// ```
    fn zip_on<K: BinaryKernelOn<Self::Compute>>(
        isa: Isa,
        k: K,
        a: &[Self],
        b: &[Self],
        dst: &mut [Self],
    );
    /// `b[i] = k(a[i], b[i])` on `isa`. Panics on a length mismatch.
    ///
    /// ```
    /// use activation_kernels::activation::Back;
    /// use activation_kernels::activations::Sigmoid;
    /// use activation_kernels::element::{Element, half::bf16};
    /// use activation_kernels::Isa;
    ///
    /// let x = [bf16::ZERO, bf16::from_f32(20.0)];
    /// let mut g = [bf16::from_f32(4.0); 2];
    /// bf16::zip_in_place_on(Isa::best(), Back(Sigmoid), &x, &mut g); // g = g · sigmoid'(x)
    /// assert_eq!(g[0], bf16::ONE);
    /// assert!(g[1] > bf16::ZERO && g[1].to_f32() < 1e-8); // 4·e^-20, tiny but not flushed
    ///
    /// // The same as the out-of-place call.
    /// let mut dx = [bf16::ZERO; 2];
    /// bf16::zip_on(Isa::best(), Back(Sigmoid), &x, &[bf16::from_f32(4.0); 2], &mut dx);
    /// assert_eq!(g, dx);
    /// ```
    fn zip_in_place_on<K: BinaryKernelOn<Self::Compute>>(
        isa: Isa,
        k: K,
        a: &[Self],
        b: &mut [Self],
    );
}

/// [`Element`] for a lane type itself (`f32`, `f64`): the generic drivers on the slices.
macro_rules! lane_element {
    ($t:ty) => {
        impl Element for $t {
            type Compute = $t;
            #[inline]
            #[track_caller]
            fn map_on<K: UnaryKernelOn<$t>>(isa: Isa, k: K, src: &[$t], dst: &mut [$t]) {
                check_len("input and output", src.len(), dst.len());
                isa.dispatch(Map { k, src, dst })
            }
            #[inline]
            fn map_in_place_on<K: UnaryKernelOn<$t>>(isa: Isa, k: K, x: &mut [$t]) {
                isa.dispatch(MapInPlace { k, x })
            }
            #[inline]
            #[track_caller]
            fn map2_on<K: DualKernelOn<$t>>(
                isa: Isa,
                k: K,
                src: &[$t],
                a: &mut [$t],
                b: &mut [$t],
            ) {
                check_len("input and first output", src.len(), a.len());
                check_len("input and second output", src.len(), b.len());
                isa.dispatch(Map2 { k, src, a, b })
            }
            #[inline]
            #[track_caller]
            fn zip_on<K: BinaryKernelOn<$t>>(isa: Isa, k: K, a: &[$t], b: &[$t], dst: &mut [$t]) {
                check_len("first input and output", a.len(), dst.len());
                check_len("second input and output", b.len(), dst.len());
                isa.dispatch(Zip { k, a, b, dst })
            }
            #[inline]
            #[track_caller]
            fn zip_in_place_on<K: BinaryKernelOn<$t>>(isa: Isa, k: K, a: &[$t], b: &mut [$t]) {
                check_len("first input and second input/output", a.len(), b.len());
                isa.dispatch(ZipInPlace { k, a, b })
            }
        }
    };
}
lane_element!(f32);
// `f64` computes in f64 lanes: the activations' f64 kernels (`Activation::forward_v64`, ...)
// and the f64 math core (`math64`).
lane_element!(f64);

impl sealed::Sealed for f64 {
    act_via_element!();
    #[track_caller]
    fn row_forward_on(f: RowFunction, isa: Isa, x: &[f64], y: &mut [f64], row_len: usize) {
        crate::rowwise64::forward_on(f, isa, x, y, row_len)
    }
    #[track_caller]
    fn row_forward_in_place_on(f: RowFunction, isa: Isa, x: &mut [f64], row_len: usize) {
        crate::rowwise64::forward_in_place_on(f, isa, x, row_len)
    }
    #[track_caller]
    fn row_backward_on(
        f: RowFunction,
        isa: Isa,
        y: &[f64],
        dy: &[f64],
        dx: &mut [f64],
        row_len: usize,
    ) {
        crate::rowwise64::backward_on(f, isa, y, dy, dx, row_len)
    }
}

/// The slice API of every [`Activation`] over any [`Element`] type (`f32`, `f64`, `bf16`,
/// `f16`).
///
/// Implemented for every activation; bring it into scope and call `forward_t` etc. with the
/// element type inferred from the slices. Same conventions as [`Activation`]: lengths must
/// match (panic otherwise), the `_on` variants take an explicit [`Isa`], results are identical
/// on every ISA, and on `f32` every method gives exactly the bits of its [`Activation`]
/// counterpart. Half types are computed in f32 and rounded to nearest even (see the
/// [module docs](self)).
///
/// ```
/// use activation_kernels::activations::Gelu;
/// use activation_kernels::element::{ActivationExt, half::f16};
///
/// let x: Vec<f16> = [-2.0f32, 0.5, 3.0].iter().map(|&v| f16::from_f32(v)).collect();
/// let (mut y, mut d) = (vec![f16::ZERO; 3], vec![f16::ZERO; 3]);
/// Gelu.forward_with_derivative_t(&x, &mut y, &mut d);
/// let mut d2 = vec![f16::ZERO; 3];
/// Gelu.derivative_t(&x, &mut d2);
/// assert_eq!(d, d2);
/// ```
pub trait ActivationExt: Activation {
    /// `y = f(x)`.
    ///
    /// ```
    /// use activation_kernels::{Activation, activations::Tanh};
    /// use activation_kernels::element::{ActivationExt, half::bf16};
    ///
    /// let x = [bf16::from_f32(-10.0), bf16::ZERO, bf16::from_f32(10.0)];
    /// let mut y = [bf16::ZERO; 3];
    /// Tanh.forward_t(&x, &mut y);
    /// assert_eq!(y, [-bf16::ONE, bf16::ZERO, bf16::ONE]); // ±tanh(10) rounds to ±1
    ///
    /// // On f32 it is exactly `Activation::forward`.
    /// let xf = [-0.3f32, 0.7, 1.9];
    /// let (mut a, mut b) = ([0.0f32; 3], [0.0f32; 3]);
    /// Tanh.forward_t(&xf, &mut a);
    /// Tanh.forward(&xf, &mut b);
    /// assert_eq!(a, b);
    /// ```
    #[track_caller]
    fn forward_t<T: Element>(&self, x: &[T], y: &mut [T]) {
        self.forward_t_on(Isa::best(), x, y)
    }
    /// `y = f(x)` on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, activations::Gelu};
    /// use activation_kernels::element::{ActivationExt, half::f16};
    ///
    /// let x: Vec<f16> = (-40..40).map(|i| f16::from_f32(i as f32 / 8.0)).collect();
    /// let (mut a, mut b) = (vec![f16::ZERO; 80], vec![f16::ZERO; 80]);
    /// Gelu.forward_t_on(Isa::Scalar, &x, &mut a);
    /// Gelu.forward_t_on(Isa::best(), &x, &mut b);
    /// assert_eq!(a, b); // the same bits on every ISA
    /// assert_eq!(a[40], f16::ZERO); // gelu(0) = 0
    /// ```
    #[track_caller]
    fn forward_t_on<T: Element>(&self, isa: Isa, x: &[T], y: &mut [T]) {
        check_len("input and output", x.len(), y.len());
        self.checked();
        T::act_map_on(isa, Fwd(*self), x, y)
    }
    /// `x = f(x)`.
    ///
    /// ```
    /// use activation_kernels::activations::Sigmoid;
    /// use activation_kernels::element::{ActivationExt, half::bf16};
    ///
    /// let x = [bf16::from_f32(-2.0), bf16::ZERO, bf16::from_f32(1.5)];
    /// let mut y = [bf16::ZERO; 3];
    /// Sigmoid.forward_t(&x, &mut y);
    /// let mut z = x;
    /// Sigmoid.forward_in_place_t(&mut z);
    /// assert_eq!(z, y);
    /// assert_eq!(z[1], bf16::from_f32(0.5));
    /// ```
    #[track_caller]
    fn forward_in_place_t<T: Element>(&self, x: &mut [T]) {
        self.forward_in_place_t_on(Isa::best(), x)
    }
    /// `x = f(x)` on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Activation, Isa, activations::Gelu};
    /// use activation_kernels::element::{ActivationExt, half::f16};
    ///
    /// let mut x: Vec<f16> = [-1.5f32, -0.25, 0.75, 2.5].iter().map(|&v| f16::from_f32(v)).collect();
    /// let xf: Vec<f32> = x.iter().map(|v| v.to_f32()).collect();
    /// Gelu.forward_in_place_t_on(Isa::Scalar, &mut x);
    ///
    /// // round(f32 result on the widened input), element by element.
    /// let mut yf = [0.0f32; 4];
    /// Gelu.forward_on(Isa::Scalar, &xf, &mut yf);
    /// assert!(x.iter().zip(&yf).all(|(h, &f)| *h == f16::from_f32(f)));
    /// ```
    #[track_caller]
    fn forward_in_place_t_on<T: Element>(&self, isa: Isa, x: &mut [T]) {
        self.checked();
        T::act_map_in_place_on(isa, Fwd(*self), x)
    }
    /// `d = f'(x)`.
    ///
    /// ```
    /// use activation_kernels::activations::Sigmoid;
    /// use activation_kernels::element::{ActivationExt, half::f16};
    ///
    /// let x = [f16::ZERO, f16::from_f32(-30.0)];
    /// let mut d = [f16::ONE; 2];
    /// Sigmoid.derivative_t(&x, &mut d);
    /// assert_eq!(d[0], f16::from_f32(0.25));
    /// assert_eq!(d[1], f16::ZERO); // e^-30 is far below the smallest f16 subnormal
    /// ```
    #[track_caller]
    fn derivative_t<T: Element>(&self, x: &[T], d: &mut [T]) {
        self.derivative_t_on(Isa::best(), x, d)
    }
    /// `d = f'(x)` on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, activations::Softsign};
    /// use activation_kernels::element::{ActivationExt, half::bf16};
    ///
    /// let x: Vec<bf16> = (-20..20).map(|i| bf16::from_f32(i as f32 * 0.3)).collect();
    /// let (mut a, mut b) = (vec![bf16::ZERO; 40], vec![bf16::ZERO; 40]);
    /// Softsign.derivative_t_on(Isa::Scalar, &x, &mut a);
    /// Softsign.derivative_t_on(Isa::best(), &x, &mut b);
    /// assert_eq!(a, b);
    /// assert_eq!(a[20], bf16::ONE); // softsign'(0) = 1/(1 + |0|)^2
    /// ```
    #[track_caller]
    fn derivative_t_on<T: Element>(&self, isa: Isa, x: &[T], d: &mut [T]) {
        check_len("input and output", x.len(), d.len());
        self.checked();
        T::act_map_on(isa, Deriv(*self), x, d)
    }
    /// `dx = dy · f'(x)` (product formed in f32, rounded once).
    ///
    /// ```
    /// use activation_kernels::{Activation, activations::Tanh};
    /// use activation_kernels::element::{ActivationExt, half::bf16};
    ///
    /// let x = [bf16::from_f32(-0.7), bf16::from_f32(0.2), bf16::from_f32(1.3)];
    /// let dy = [bf16::from_f32(3.0), bf16::from_f32(-0.5), bf16::from_f32(0.1)];
    /// let mut dx = [bf16::ZERO; 3];
    /// Tanh.backward_t(&x, &dy, &mut dx);
    ///
    /// // The f32 derivative of the widened x times the widened dy, rounded once.
    /// let xf = x.map(|v| v.to_f32());
    /// let mut d = [0.0f32; 3];
    /// Tanh.derivative(&xf, &mut d);
    /// for i in 0..3 {
    ///     assert_eq!(dx[i], bf16::from_f32(d[i] * dy[i].to_f32()));
    /// }
    /// ```
    #[track_caller]
    fn backward_t<T: Element>(&self, x: &[T], dy: &[T], dx: &mut [T]) {
        self.backward_t_on(Isa::best(), x, dy, dx)
    }
    /// `dx = dy · f'(x)` on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, activations::Mish};
    /// use activation_kernels::element::{ActivationExt, half::f16};
    ///
    /// let x: Vec<f16> = (-30..30).map(|i| f16::from_f32(i as f32 / 4.0)).collect();
    /// let dy = vec![f16::from_f32(-2.0); 60];
    /// let (mut a, mut b) = (vec![f16::ZERO; 60], vec![f16::ZERO; 60]);
    /// Mish.backward_t_on(Isa::Scalar, &x, &dy, &mut a);
    /// Mish.backward_t_on(Isa::best(), &x, &dy, &mut b);
    /// assert_eq!(a, b); // the same bits on every ISA
    /// assert_eq!(a[30], f16::from_f32(-1.2)); // mish'(0) = tanh(ln 2) = 0.6
    /// ```
    #[track_caller]
    fn backward_t_on<T: Element>(&self, isa: Isa, x: &[T], dy: &[T], dx: &mut [T]) {
        check_len("x and dx", x.len(), dx.len());
        check_len("dy and dx", dy.len(), dx.len());
        self.checked();
        T::act_zip_on(isa, Back(*self), x, dy, dx)
    }
    /// `g = g · f'(x)`: backward over the upstream gradient in place.
    ///
    /// ```
    /// use activation_kernels::activations::Elu;
    /// use activation_kernels::element::{ActivationExt, half::bf16};
    ///
    /// let elu = Elu::new(1.0).unwrap();
    /// let x = [bf16::from_f32(-1.0), bf16::from_f32(2.0)];
    /// let dy = [bf16::from_f32(0.5); 2];
    /// let mut dx = [bf16::ZERO; 2];
    /// elu.backward_t(&x, &dy, &mut dx);
    /// let mut g = dy;
    /// elu.backward_in_place_t(&x, &mut g);
    /// assert_eq!(g, dx);
    /// assert_eq!(g[1], dy[1]); // slope 1 for x > 0
    /// ```
    #[track_caller]
    fn backward_in_place_t<T: Element>(&self, x: &[T], g: &mut [T]) {
        self.backward_in_place_t_on(Isa::best(), x, g)
    }
    /// `g = g · f'(x)` on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, activations::Relu6};
    /// use activation_kernels::element::{ActivationExt, half::f16};
    ///
    /// let x = [f16::from_f32(-1.0), f16::from_f32(3.0), f16::from_f32(7.0)];
    /// let mut g = [f16::from_f32(2.5); 3];
    /// Relu6.backward_in_place_t_on(Isa::Scalar, &x, &mut g);
    /// assert_eq!(g, [f16::ZERO, f16::from_f32(2.5), f16::ZERO]); // flat outside (0, 6)
    /// ```
    #[track_caller]
    fn backward_in_place_t_on<T: Element>(&self, isa: Isa, x: &[T], g: &mut [T]) {
        check_len("x and gradient", x.len(), g.len());
        self.checked();
        T::act_zip_in_place_on(isa, Back(*self), x, g)
    }
    /// `y = f(x)` and `d = f'(x)` in one pass.
    ///
    /// ```
    /// use activation_kernels::activations::Softplus;
    /// use activation_kernels::element::{ActivationExt, half::bf16};
    ///
    /// let f = Softplus::default();
    /// let x = [bf16::from_f32(-3.0), bf16::ZERO, bf16::from_f32(4.0)];
    /// let (mut y, mut d) = ([bf16::ZERO; 3], [bf16::ZERO; 3]);
    /// f.forward_with_derivative_t(&x, &mut y, &mut d);
    ///
    /// let (mut y2, mut d2) = ([bf16::ZERO; 3], [bf16::ZERO; 3]);
    /// f.forward_t(&x, &mut y2);
    /// f.derivative_t(&x, &mut d2);
    /// assert_eq!((y, d), (y2, d2));
    /// assert_eq!(d[1], bf16::from_f32(0.5)); // softplus'(0) = sigmoid(0)
    /// ```
    #[track_caller]
    fn forward_with_derivative_t<T: Element>(&self, x: &[T], y: &mut [T], d: &mut [T]) {
        self.forward_with_derivative_t_on(Isa::best(), x, y, d)
    }
    /// `y = f(x)` and `d = f'(x)` in one pass on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, activations::Sigmoid};
    /// use activation_kernels::element::{ActivationExt, half::f16};
    ///
    /// let x = [f16::ZERO, f16::INFINITY, f16::NEG_INFINITY];
    /// let (mut y, mut d) = ([f16::ONE; 3], [f16::ONE; 3]);
    /// Sigmoid.forward_with_derivative_t_on(Isa::Scalar, &x, &mut y, &mut d);
    /// assert_eq!(y, [f16::from_f32(0.5), f16::ONE, f16::ZERO]); // limits at ±inf
    /// assert_eq!(d, [f16::from_f32(0.25), f16::ZERO, f16::ZERO]);
    /// ```
    #[track_caller]
    fn forward_with_derivative_t_on<T: Element>(
        &self,
        isa: Isa,
        x: &[T],
        y: &mut [T],
        d: &mut [T],
    ) {
        check_len("input and output", x.len(), y.len());
        check_len("input and derivative", x.len(), d.len());
        self.checked();
        T::act_map2_on(isa, Both(*self), x, y, d)
    }
}

impl<A: Activation> ActivationExt for A {}
