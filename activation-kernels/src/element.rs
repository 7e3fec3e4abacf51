//! Other element types: `f64`, `half::bf16` and `half::f16` slices (and `f32`) through one
//! generic API.
//!
//! Every slice method of [`Activation`](crate::Activation) (and of the row-wise functions, the registry and
//! [`par`](crate::par)) is generic over the element type `T: Element`: `f32` is just `T = f32`.
//!
//! ```
//! use activation_kernels::{Activation, activations::Sigmoid};
//! use activation_kernels::element::half::{bf16, f16};
//!
//! let x = [bf16::from_f32(-1.0), bf16::ZERO, bf16::from_f32(2.0)];
//! let mut y = [bf16::ZERO; 3];
//! Sigmoid.forward(&x, &mut y);
//! assert_eq!(y[1], bf16::from_f32(0.5));
//!
//! // The same call on f16.
//! let xh = [f16::from_f32(-1.0), f16::ZERO, f16::from_f32(2.0)];
//! let mut yh = [f16::ZERO; 3];
//! Sigmoid.forward(&xh, &mut yh);
//! assert_eq!(yh[2], f16::from_f32(0.880_797_1)); // sigmoid(2), correctly rounded
//!
//! let mut g = [bf16::ONE; 3];
//! Sigmoid.backward_in_place(&x, &mut g); // g = g · sigmoid'(x)
//! assert_eq!(g[1], bf16::from_f32(0.25));
//! ```
//!
//! The row-wise functions (softmax, log-softmax, softmin) accept the same types; see
//! [their docs](crate::rowwise#half-types-bf16-and-f16).
//!
//! # f64
//! `f64` slices run the activations' f64 kernels: the same `#[activation]` formula on f64
//! lanes ([`Activation::forward_v64`](crate::Activation::forward_v64) and friends) with the f64 math core
//! ([`math64`](crate::math64)), bit-identical on every ISA. Measured against MPFR by
//! tests/f64_activations.rs (every built-in within its declared bound in f64 ULPs; ACCURACY.md).
//! It needs no feature.
//!
//! ```
//! use activation_kernels::{Activation, activations::Tanh};
//!
//! let x = [0.5f64, -2.0];
//! let (mut y, mut d) = ([0.0f64; 2], [0.0f64; 2]);
//! Tanh.forward_with_derivative(&x, &mut y, &mut d);
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
use crate::kernel::{
    BinaryKernel, BinaryKernel64, BinaryKernelOn, DualKernel, DualKernel64, DualKernelOn, Lane,
    Map, Map2, MapInPlace, UnaryKernel, UnaryKernel64, UnaryKernelOn, Zip, ZipInPlace, check_len,
};
use crate::rowwise::RowFunction;

#[cfg(feature = "half")]
pub use half;

pub(crate) mod sealed {
    use crate::Isa;
    use crate::kernel::{
        BinaryKernel, BinaryKernel64, DualKernel, DualKernel64, UnaryKernel, UnaryKernel64,
    };
    use crate::rowwise::RowFunction;

    /// Seals [`Element`](super::Element) and carries the per-type entry points of the row-wise
    /// functions (called by [`RowActivation`](crate::rowwise::RowActivation), which has
    /// checked the lengths; they check them again).
    pub trait Sealed: Sized {
        // Exact widening, for parameter checks.
        fn widen64(self) -> f64;
        // PReLU, RReLU (training) and maxout on slices of this type (shapes checked by the
        // callers): the f32 vector kernels for f32, the portable loops otherwise.
        fn prelu_forward_on(isa: Isa, slopes: &[Self], inner: usize, x: &[Self], y: &mut [Self]);
        fn prelu_forward_in_place_on(isa: Isa, slopes: &[Self], inner: usize, x: &mut [Self]);
        #[allow(clippy::too_many_arguments)]
        fn prelu_backward_on(
            isa: Isa,
            slopes: &[Self],
            inner: usize,
            x: &[Self],
            dy: &[Self],
            dx: &mut [Self],
            dslopes: &mut [Self],
        );
        fn rrelu_train_on(
            isa: Isa,
            t: &crate::rrelu::RreluTrain,
            x: &[Self],
            dy: Option<&[Self]>,
            out: &mut [Self],
        );
        fn maxout_forward_on(isa: Isa, k: usize, x: &[Self], y: &mut [Self]);
        fn maxout_backward(k: usize, x: &[Self], dy: &[Self], dx: &mut [Self]);
        // The run-time-typed slice of the registry's type-erased entry points.
        fn erase(x: &[Self]) -> crate::registry::Slice<'_>;
        fn erase_mut(x: &mut [Self]) -> crate::registry::SliceMut<'_>;
        // Activation kernels (which implement both the f32 and the f64 kernel traits) on a
        // slice of this type; `Activation` calls these, so it needs no per-type bounds.
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
        fn erase(x: &[Self]) -> crate::registry::Slice<'_> {
            x.into()
        }
        #[inline]
        fn erase_mut(x: &mut [Self]) -> crate::registry::SliceMut<'_> {
            x.into()
        }
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

/// The PReLU / RReLU / maxout entry points of [`sealed::Sealed`] through the portable loops
/// (every element type but f32).
macro_rules! portable_ops {
    () => {
        #[inline]
        fn prelu_forward_on(_: Isa, slopes: &[Self], inner: usize, x: &[Self], y: &mut [Self]) {
            crate::element::portable::prelu(slopes, inner, crate::prelu::PreluOp::Forward { x, y })
        }
        #[inline]
        fn prelu_forward_in_place_on(_: Isa, slopes: &[Self], inner: usize, x: &mut [Self]) {
            crate::element::portable::prelu(slopes, inner, crate::prelu::PreluOp::InPlace { x })
        }
        #[inline]
        fn prelu_backward_on(
            _: Isa,
            slopes: &[Self],
            inner: usize,
            x: &[Self],
            dy: &[Self],
            dx: &mut [Self],
            dslopes: &mut [Self],
        ) {
            let op = crate::prelu::PreluOp::Backward { x, dy, dx, dslopes };
            crate::element::portable::prelu(slopes, inner, op)
        }
        #[inline]
        fn rrelu_train_on(
            _: Isa,
            t: &crate::rrelu::RreluTrain,
            x: &[Self],
            dy: Option<&[Self]>,
            out: &mut [Self],
        ) {
            crate::element::portable::rrelu_train(t, x, dy, out)
        }
        #[inline]
        fn maxout_forward_on(_: Isa, k: usize, x: &[Self], y: &mut [Self]) {
            crate::element::portable::maxout_forward(k, x, y)
        }
        #[inline]
        fn maxout_backward(k: usize, x: &[Self], dy: &[Self], dx: &mut [Self]) {
            crate::element::portable::maxout_backward(k, x, dy, dx)
        }
    };
}

pub(crate) mod portable;

// After `act_via_element!` (textual macro scope).
#[cfg(feature = "half")]
mod halves;
#[cfg(feature = "half")]
pub(crate) use halves::{Codec, HalfJob, HalfKind};

impl sealed::Sealed for f32 {
    act_via_element!();
    fn widen64(self) -> f64 {
        f64::from(self)
    }
    fn prelu_forward_on(isa: Isa, slopes: &[f32], inner: usize, x: &[f32], y: &mut [f32]) {
        let op = crate::prelu::PreluOp::Forward { x, y };
        isa.dispatch(crate::prelu::Pass { slopes, inner, op })
    }
    fn prelu_forward_in_place_on(isa: Isa, slopes: &[f32], inner: usize, x: &mut [f32]) {
        let op = crate::prelu::PreluOp::InPlace { x };
        isa.dispatch(crate::prelu::Pass { slopes, inner, op })
    }
    fn prelu_backward_on(
        isa: Isa,
        slopes: &[f32],
        inner: usize,
        x: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        dslopes: &mut [f32],
    ) {
        let op = crate::prelu::PreluOp::Backward { x, dy, dx, dslopes };
        isa.dispatch(crate::prelu::Pass { slopes, inner, op })
    }
    fn rrelu_train_on(
        isa: Isa,
        t: &crate::rrelu::RreluTrain,
        x: &[f32],
        dy: Option<&[f32]>,
        out: &mut [f32],
    ) {
        crate::rrelu::train_f32_on(isa, t, x, dy, out)
    }
    fn maxout_forward_on(isa: Isa, k: usize, x: &[f32], y: &mut [f32]) {
        crate::maxout::forward_f32_on(isa, k, x, y)
    }
    fn maxout_backward(k: usize, x: &[f32], dy: &[f32], dx: &mut [f32]) {
        crate::maxout::backward_f32(k, x, dy, dx)
    }
    #[track_caller]
    fn row_forward_on(f: RowFunction, isa: Isa, x: &[f32], y: &mut [f32], row_len: usize) {
        f.forward_f32_on(isa, x, y, row_len)
    }
    #[track_caller]
    fn row_forward_in_place_on(f: RowFunction, isa: Isa, x: &mut [f32], row_len: usize) {
        f.forward_in_place_f32_on(isa, x, row_len)
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
        f.backward_f32_on(isa, y, dy, dx, row_len)
    }
}

/// An element type the slice kernels accept: `f32`, `f64`, and with the `half` feature
/// `half::bf16` and `half::f16`.
///
/// Sealed. The methods run any kernel of [`crate::kernel`] over slices of the type (f32 kernels
/// on `f32` and the half types, f64 kernels on `f64`; for half types: widen to f32, run the f32
/// vector kernel, round to nearest even on store); they do not check parameters, only lengths. Most users call them through the slice methods of [`Activation`](crate::Activation).
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
    /// use activation_kernels::{Activation, element::{Element, half::bf16}};
    /// use activation_kernels::Isa;
    ///
    /// let x = [bf16::from_f32(-0.5), bf16::ZERO, bf16::from_f32(3.0)];
    /// let (mut y, mut d) = ([bf16::ZERO; 3], [bf16::ZERO; 3]);
    /// bf16::map2_on(Isa::best(), Both(Tanh), &x, &mut y, &mut d);
    /// assert_eq!((y[1], d[1]), (bf16::ZERO, bf16::ONE)); // tanh(0) = 0, tanh'(0) = 1
    ///
    /// // The same values as the two separate passes.
    /// let (mut y2, mut d2) = ([bf16::ZERO; 3], [bf16::ZERO; 3]);
    /// Tanh.forward(&x, &mut y2);
    /// Tanh.derivative(&x, &mut d2);
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
    portable_ops!();
    fn widen64(self) -> f64 {
        self
    }
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
