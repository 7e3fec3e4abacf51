//! Activations by name, as trait objects.
//!
//! ```
//! use activation_kernels::registry;
//!
//! let s = registry::lookup("Logistic").unwrap();      // aliases, any case
//! assert_eq!(s.info().name, "sigmoid");
//!
//! let elu = registry::lookup("elu").unwrap();          // default parameters, no allocation
//! let mut y = [0.0f32; 2];
//! elu.forward(&[1.0, -30.0], &mut y);
//! assert_eq!(y, [1.0, -1.0]);
//!
//! let leaky = registry::lookup_with("leaky_relu", &[("alpha", 0.2)]).unwrap();
//! leaky.forward(&[-1.0, 2.0], &mut y);
//! assert_eq!(y, [-0.2, 2.0]);
//!
//! let err = registry::lookup("relu7").unwrap_err().to_string();
//! assert!(err.contains("relu6"));                       // the error lists the valid names
//! ```
//!
//! Names are the Keras-style canonical names ([`ActivationInfo::name`]) and their aliases,
//! matched case-insensitively with `-` and `_` treated alike.

use crate::Isa;
use crate::activation::{Activation, ActivationInfo, ParamError};
use crate::activations::*;
use crate::element::Element;
use core::fmt;

/// The object-safe face of an [`Activation`], for choosing activations at run time.
///
/// A `dyn DynActivation` has the slice methods of [`Activation`] under the same names, with
/// the same arguments, generic over the element type ([`forward`](#method.forward),
/// [`forward_on`](#method.forward_on), [`backward`](#method.backward), ...; panics on length
/// mismatch; results identical on every ISA and to the typed activation). For tensor crates
/// that know the element type only at run time, the trait's own methods (`*_any_on`) take
/// [`Slice`] / [`SliceMut`], which carry it.
///
/// The registry's entries are `DynActivation`s, and any [`Activation`] becomes one wrapped in
/// [`Erased`] (the concrete types do not implement this trait themselves, so `Relu.forward(..)`
/// is never ambiguous). The trait object prints its name and parameters with `{:?}`.
///
/// ```
/// use activation_kernels::{DynActivation, activations::{LeakyRelu, Relu}, registry::{self, Erased}};
///
/// let choices: [&dyn DynActivation; 3] =
///     [&Erased(Relu), &Erased(LeakyRelu { alpha: 0.5 }), registry::lookup("hardtanh").unwrap()];
/// let x = [-2.0f32, 3.0];
/// let mut y = [[0.0f32; 2]; 3];
/// for (f, y) in choices.iter().zip(&mut y) {
///     f.forward(&x, y);
/// }
/// assert_eq!(y, [[0.0, 3.0], [-1.0, 3.0], [-1.0, 1.0]]);
/// assert_eq!(format!("{:?}", choices[1]), "leaky_relu { alpha: 0.5 }");
///
/// // The same methods on f64 (and bf16, f16).
/// let mut y64 = [0.0f64; 2];
/// choices[1].forward(&[-2.0f64, 3.0], &mut y64);
/// assert_eq!(y64, [-1.0, 3.0]);
/// ```
pub trait DynActivation: Send + Sync {
    /// Static metadata.
    ///
    /// ```
    /// use activation_kernels::registry;
    ///
    /// let info = registry::lookup("SiLU").unwrap().info();
    /// assert_eq!((info.name, info.params[0].name), ("swish", "beta"));
    /// ```
    fn info(&self) -> &'static ActivationInfo;
    /// Current parameter values (in [`ActivationInfo::params`] order).
    ///
    /// ```
    /// use activation_kernels::registry;
    ///
    /// let h = registry::lookup_with("hardtanh", &[("max_val", 2.0)]).unwrap();
    /// assert_eq!(h.param_values()[..2], [-1.0, 2.0]); // min_val keeps its default
    /// ```
    fn param_values(&self) -> [f32; 8];
    /// The exact forward function in f64 (the accuracy reference).
    ///
    /// ```
    /// use activation_kernels::registry;
    ///
    /// let f = registry::lookup("softplus").unwrap();
    /// assert!((f.forward_reference(0.0) - core::f64::consts::LN_2).abs() < 1e-15);
    /// let mut y = [0.0f32];
    /// f.forward(&[0.0], &mut y);
    /// assert_eq!(y[0], core::f32::consts::LN_2); // the f32 kernel rounds it correctly here
    /// ```
    fn forward_reference(&self, x: f64) -> f64;
    /// The exact derivative in f64.
    ///
    /// ```
    /// use activation_kernels::registry;
    ///
    /// let t = registry::lookup("tanh").unwrap();
    /// assert_eq!(t.derivative_reference(0.0), 1.0);
    /// assert_eq!(registry::lookup("sigmoid").unwrap().derivative_reference(0.0), 0.25);
    /// ```
    fn derivative_reference(&self, x: f64) -> f64;

    /// `y = f(x)` on slices of a run-time element type ([`Slice`]: `f32`, `f64`, and with the
    /// `half` feature `bf16`, `f16`), on `isa`. [`RegistryError::MixedElementTypes`] unless both
    /// slices have the same type; lengths must match (panics otherwise, as everywhere).
    ///
    /// ```
    /// use activation_kernels::{Isa, registry::{self, RegistryError, Slice, SliceMut}};
    ///
    /// let act = registry::lookup("sigmoid").unwrap();
    /// let x = [0.0f64, 2.0];
    /// let mut y = [0.0f64; 2];
    /// act.forward_any_on(Isa::best(), Slice::F64(&x), SliceMut::F64(&mut y)).unwrap();
    /// assert_eq!(y[0], 0.5);
    ///
    /// let mut y32 = [0.0f32; 2];
    /// let e = act.forward_any_on(Isa::best(), Slice::F64(&x), SliceMut::F32(&mut y32));
    /// assert_eq!(e, Err(RegistryError::MixedElementTypes { first: "f64", other: "f32" }));
    /// ```
    fn forward_any_on(&self, isa: Isa, x: Slice<'_>, y: SliceMut<'_>) -> Result<(), RegistryError>;
    /// `x = f(x)` in place on a slice of a run-time element type.
    ///
    /// ```
    /// use activation_kernels::{Isa, registry::{self, SliceMut}};
    ///
    /// let mut x = [-1.0f64, 2.0];
    /// registry::lookup("relu").unwrap().forward_in_place_any_on(Isa::best(), SliceMut::F64(&mut x));
    /// assert_eq!(x, [0.0, 2.0]);
    /// ```
    fn forward_in_place_any_on(&self, isa: Isa, x: SliceMut<'_>);
    /// `d = f'(x)` on slices of a run-time element type.
    ///
    /// ```
    /// use activation_kernels::{Isa, registry::{self, Slice, SliceMut}};
    ///
    /// let mut d = [0.0f64; 1];
    /// let tanh = registry::lookup("tanh").unwrap();
    /// tanh.derivative_any_on(Isa::best(), Slice::F64(&[0.0]), SliceMut::F64(&mut d)).unwrap();
    /// assert_eq!(d, [1.0]);
    /// ```
    fn derivative_any_on(
        &self,
        isa: Isa,
        x: Slice<'_>,
        d: SliceMut<'_>,
    ) -> Result<(), RegistryError>;
    /// `dx = dy·f'(x)` on slices of a run-time element type.
    ///
    /// ```
    /// use activation_kernels::{Isa, registry::{self, Slice, SliceMut}};
    ///
    /// let mut dx = [0.0f64; 2];
    /// let relu = registry::lookup("relu").unwrap();
    /// let (x, dy) = ([-1.0f64, 1.0], [5.0f64, 5.0]);
    /// relu.backward_any_on(Isa::best(), Slice::F64(&x), Slice::F64(&dy), SliceMut::F64(&mut dx))
    ///     .unwrap();
    /// assert_eq!(dx, [0.0, 5.0]);
    /// ```
    fn backward_any_on(
        &self,
        isa: Isa,
        x: Slice<'_>,
        dy: Slice<'_>,
        dx: SliceMut<'_>,
    ) -> Result<(), RegistryError>;
    /// `g = g·f'(x)` on slices of a run-time element type.
    ///
    /// ```
    /// use activation_kernels::{Isa, registry::{self, Slice, SliceMut}};
    ///
    /// let mut g = [2.0f64, 2.0];
    /// let relu = registry::lookup("relu").unwrap();
    /// relu.backward_in_place_any_on(Isa::best(), Slice::F64(&[-1.0, 1.0]), SliceMut::F64(&mut g))
    ///     .unwrap();
    /// assert_eq!(g, [0.0, 2.0]);
    /// ```
    fn backward_in_place_any_on(
        &self,
        isa: Isa,
        x: Slice<'_>,
        g: SliceMut<'_>,
    ) -> Result<(), RegistryError>;
    /// `y = f(x)`, `d = f'(x)` in one pass on slices of a run-time element type.
    ///
    /// ```
    /// use activation_kernels::{Isa, registry::{self, Slice, SliceMut}};
    ///
    /// let (mut y, mut d) = ([0.0f64; 2], [0.0f64; 2]);
    /// registry::lookup("relu").unwrap().forward_with_derivative_any_on(
    ///     Isa::best(), Slice::F64(&[-1.0, 3.0]), SliceMut::F64(&mut y), SliceMut::F64(&mut d),
    /// ).unwrap();
    /// assert_eq!((y, d), ([0.0, 3.0], [0.0, 1.0]));
    /// ```
    fn forward_with_derivative_any_on(
        &self,
        isa: Isa,
        x: Slice<'_>,
        y: SliceMut<'_>,
        d: SliceMut<'_>,
    ) -> Result<(), RegistryError>;
    /// `dx = dy·f'(x)` from `y = f(x)` on slices of a run-time element type;
    /// [`RegistryError::NoOutputDerivative`] when the activation's derivative is not a function
    /// of its output.
    ///
    /// ```
    /// use activation_kernels::{Isa, registry::{self, RegistryError, Slice, SliceMut}};
    ///
    /// let mut dx = [0.0f64; 2];
    /// let s = registry::lookup("sigmoid").unwrap();
    /// let (y, dy) = ([0.5f64, 1.0], [4.0f64, 4.0]);
    /// s.backward_from_output_any_on(Isa::Scalar, Slice::F64(&y), Slice::F64(&dy), SliceMut::F64(&mut dx))
    ///     .unwrap();
    /// assert_eq!(dx, [1.0, 0.0]); // 4·y·(1 - y)
    /// ```
    fn backward_from_output_any_on(
        &self,
        isa: Isa,
        y: Slice<'_>,
        dy: Slice<'_>,
        dx: SliceMut<'_>,
    ) -> Result<(), RegistryError>;
}

/// Both slices have the element type `T`, so the type-erased call cannot report mixed types.
#[inline]
fn same_type_ok(r: Result<(), RegistryError>) {
    debug_assert!(r.is_ok(), "one element type cannot mix");
}

/// The slice methods of [`Activation`] on a type-erased activation: the same names, arguments
/// and behaviour, generic over the element type.
impl dyn DynActivation + '_ {
    /// `y = f(x)` on [`Isa::best`].
    ///
    /// ```
    /// use activation_kernels::{Activation, activations::Swish, registry};
    ///
    /// let x = [-3.0f32, 0.0, 0.75, 5.0];
    /// let (mut a, mut b) = ([0.0f32; 4], [0.0f32; 4]);
    /// registry::lookup("silu").unwrap().forward(&x, &mut a);
    /// Swish::default().forward(&x, &mut b);
    /// assert_eq!(a, b);
    /// ```
    #[track_caller]
    pub fn forward<T: Element>(&self, x: &[T], y: &mut [T]) {
        self.forward_on(Isa::best(), x, y)
    }
    /// `y = f(x)` on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Activation, Isa, activations::Sigmoid, registry};
    ///
    /// let x = [-4.0f32, 0.0, 1.5];
    /// let (mut a, mut b) = ([0.0f32; 3], [0.0f32; 3]);
    /// registry::lookup("logistic").unwrap().forward_on(Isa::Scalar, &x, &mut a);
    /// Sigmoid.forward_on(Isa::best(), &x, &mut b);
    /// assert_eq!(a, b); // the same as the typed activation, on any ISA
    /// assert_eq!(a[1], 0.5);
    /// ```
    #[track_caller]
    pub fn forward_on<T: Element>(&self, isa: Isa, x: &[T], y: &mut [T]) {
        same_type_ok(self.forward_any_on(isa, T::erase(x), T::erase_mut(y)))
    }
    /// `x = f(x)` on [`Isa::best`].
    ///
    /// ```
    /// use activation_kernels::registry;
    ///
    /// let mut x = [-1.0f32, 2.0];
    /// registry::lookup("ReLU").unwrap().forward_in_place(&mut x);
    /// assert_eq!(x, [0.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn forward_in_place<T: Element>(&self, x: &mut [T]) {
        self.forward_in_place_on(Isa::best(), x)
    }
    /// `x = f(x)` on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, registry};
    ///
    /// let mut x = [-1.0f32, 3.0, 9.0];
    /// registry::lookup("relu6").unwrap().forward_in_place_on(Isa::best(), &mut x);
    /// assert_eq!(x, [0.0, 3.0, 6.0]);
    /// ```
    #[track_caller]
    pub fn forward_in_place_on<T: Element>(&self, isa: Isa, x: &mut [T]) {
        self.forward_in_place_any_on(isa, T::erase_mut(x))
    }
    /// `d = f'(x)` on [`Isa::best`].
    ///
    /// ```
    /// use activation_kernels::registry;
    ///
    /// // softsign'(x) = 1 / (1 + |x|)²
    /// let mut d = [0.0f32; 3];
    /// registry::lookup("softsign").unwrap().derivative(&[-1.0, 0.0, 3.0], &mut d);
    /// assert_eq!(d, [0.25, 1.0, 0.0625]);
    /// ```
    #[track_caller]
    pub fn derivative<T: Element>(&self, x: &[T], d: &mut [T]) {
        self.derivative_on(Isa::best(), x, d)
    }
    /// `d = f'(x)` on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, registry};
    ///
    /// let s = registry::lookup("sigmoid").unwrap();
    /// let x = [0.0f32, 3.0, 100.0];
    /// let (mut a, mut b) = ([0.0f32; 3], [0.0f32; 3]);
    /// s.derivative_on(Isa::Scalar, &x, &mut a);
    /// s.derivative_on(Isa::best(), &x, &mut b);
    /// assert_eq!(a, b);
    /// assert_eq!(a[0], 0.25);
    /// assert!(a[2] > 0.0 && a[2] < 1e-40); // e^-100: tiny, but not flushed to zero
    /// ```
    #[track_caller]
    pub fn derivative_on<T: Element>(&self, isa: Isa, x: &[T], d: &mut [T]) {
        same_type_ok(self.derivative_any_on(isa, T::erase(x), T::erase_mut(d)))
    }
    /// `dx = dy·f'(x)` on [`Isa::best`].
    ///
    /// ```
    /// use activation_kernels::registry;
    ///
    /// let mut dx = [0.0f32; 2];
    /// registry::lookup("relu").unwrap().backward(&[-1.0, 2.0], &[5.0, 5.0], &mut dx);
    /// assert_eq!(dx, [0.0, 5.0]);
    /// ```
    #[track_caller]
    pub fn backward<T: Element>(&self, x: &[T], dy: &[T], dx: &mut [T]) {
        self.backward_on(Isa::best(), x, dy, dx)
    }
    /// `dx = dy·f'(x)` on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, registry};
    ///
    /// let mut dx = [0.0f32; 3];
    /// let h = registry::lookup("hardtanh").unwrap();
    /// h.backward_on(Isa::best(), &[-2.0, 0.5, 2.0], &[3.0; 3], &mut dx);
    /// assert_eq!(dx, [0.0, 3.0, 0.0]); // gradient only inside [-1, 1]
    /// ```
    #[track_caller]
    pub fn backward_on<T: Element>(&self, isa: Isa, x: &[T], dy: &[T], dx: &mut [T]) {
        same_type_ok(self.backward_any_on(isa, T::erase(x), T::erase(dy), T::erase_mut(dx)))
    }
    /// `g = g·f'(x)` on [`Isa::best`].
    ///
    /// ```
    /// use activation_kernels::registry;
    ///
    /// let mut g = [3.0f32; 3];
    /// registry::lookup("relu6").unwrap().backward_in_place(&[-1.0, 1.0, 7.0], &mut g);
    /// assert_eq!(g, [0.0, 3.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn backward_in_place<T: Element>(&self, x: &[T], g: &mut [T]) {
        self.backward_in_place_on(Isa::best(), x, g)
    }
    /// `g = g·f'(x)` on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, registry};
    ///
    /// let mut g = [2.0f64, 2.0];
    /// let leaky = registry::lookup_with("leaky_relu", &[("alpha", 0.25)]).unwrap();
    /// leaky.backward_in_place_on(Isa::Scalar, &[-1.0, 1.0], &mut g);
    /// assert_eq!(g, [0.5, 2.0]);
    /// ```
    #[track_caller]
    pub fn backward_in_place_on<T: Element>(&self, isa: Isa, x: &[T], g: &mut [T]) {
        same_type_ok(self.backward_in_place_any_on(isa, T::erase(x), T::erase_mut(g)))
    }
    /// `y`, `d` in one pass on [`Isa::best`].
    ///
    /// ```
    /// use activation_kernels::registry;
    ///
    /// let (mut y, mut d) = ([0.0f32; 2], [0.0f32; 2]);
    /// registry::lookup("identity").unwrap().forward_with_derivative(&[-3.0, 4.0], &mut y, &mut d);
    /// assert_eq!((y, d), ([-3.0, 4.0], [1.0, 1.0]));
    /// ```
    #[track_caller]
    pub fn forward_with_derivative<T: Element>(&self, x: &[T], y: &mut [T], d: &mut [T]) {
        self.forward_with_derivative_on(Isa::best(), x, y, d)
    }
    /// `y = f(x)`, `d = f'(x)` in one pass on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, registry};
    ///
    /// let f = registry::lookup("swish").unwrap();
    /// let x = [-1.0f32, 0.0, 2.0];
    /// let (mut y, mut d) = ([0.0f32; 3], [0.0f32; 3]);
    /// f.forward_with_derivative_on(Isa::best(), &x, &mut y, &mut d);
    /// let (mut y2, mut d2) = ([0.0f32; 3], [0.0f32; 3]);
    /// f.forward_on(Isa::Scalar, &x, &mut y2);
    /// f.derivative_on(Isa::Scalar, &x, &mut d2);
    /// assert_eq!((y, d), (y2, d2)); // the same as the two separate passes
    /// assert_eq!((y[1], d[1]), (0.0, 0.5));
    /// ```
    #[track_caller]
    pub fn forward_with_derivative_on<T: Element>(
        &self,
        isa: Isa,
        x: &[T],
        y: &mut [T],
        d: &mut [T],
    ) {
        same_type_ok(self.forward_with_derivative_any_on(
            isa,
            T::erase(x),
            T::erase_mut(y),
            T::erase_mut(d),
        ))
    }
    /// `dx = dy·f'(x)` from `y` on [`Isa::best`]; [`RegistryError::NoOutputDerivative`] when
    /// the derivative is not a function of the output.
    ///
    /// ```
    /// use activation_kernels::registry;
    ///
    /// // tanh' = 1 - y²: the gradient passes unchanged where y = 0.
    /// let mut dx = [0.0f32; 2];
    /// let t = registry::lookup("tanh").unwrap();
    /// t.backward_from_output(&[0.0, 1.0], &[3.0, 3.0], &mut dx).unwrap();
    /// assert_eq!(dx, [3.0, 0.0]);
    /// assert!(registry::lookup("mish").unwrap().backward_from_output(&[0.0], &[1.0], &mut dx[..1]).is_err());
    /// ```
    #[track_caller]
    pub fn backward_from_output<T: Element>(
        &self,
        y: &[T],
        dy: &[T],
        dx: &mut [T],
    ) -> Result<(), RegistryError> {
        self.backward_from_output_on(Isa::best(), y, dy, dx)
    }
    /// `dx = dy·f'(x)` from `y` on `isa` (see [`backward_from_output`](#method.backward_from_output)).
    ///
    /// ```
    /// use activation_kernels::{Isa, registry::{self, RegistryError}};
    ///
    /// let mut dx = [0.0f32; 2];
    /// let s = registry::lookup("sigmoid").unwrap();
    /// s.backward_from_output_on(Isa::Scalar, &[0.5, 1.0], &[4.0, 4.0], &mut dx).unwrap();
    /// assert_eq!(dx, [1.0, 0.0]); // 4·y·(1 - y)
    ///
    /// let gelu = registry::lookup("gelu").unwrap();
    /// let e = gelu.backward_from_output_on(Isa::Scalar, &[0.5], &[1.0], &mut dx[..1]);
    /// assert_eq!(e, Err(RegistryError::NoOutputDerivative { name: "gelu" }));
    /// ```
    #[track_caller]
    pub fn backward_from_output_on<T: Element>(
        &self,
        isa: Isa,
        y: &[T],
        dy: &[T],
        dx: &mut [T],
    ) -> Result<(), RegistryError> {
        self.backward_from_output_any_on(isa, T::erase(y), T::erase(dy), T::erase_mut(dx))
    }
}

/// A slice of one of the element types the kernels run on, for the type-erased entry points of
/// [`DynActivation`] (tensor crates that know the element type only at run time).
///
/// ```
/// use activation_kernels::registry::Slice;
///
/// let x = [1.0f64, 2.0];
/// let s: Slice = (&x[..]).into();
/// assert_eq!((s.type_name(), s.len()), ("f64", 2));
/// ```
#[derive(Copy, Clone, Debug)]
#[non_exhaustive]
pub enum Slice<'a> {
    /// `f32` elements.
    F32(&'a [f32]),
    /// `f64` elements.
    F64(&'a [f64]),
    /// `bf16` elements.
    #[cfg(feature = "half")]
    Bf16(&'a [half::bf16]),
    /// `f16` elements.
    #[cfg(feature = "half")]
    F16(&'a [half::f16]),
}

/// A mutable slice of one of the element types the kernels run on (see [`Slice`]).
///
/// ```
/// use activation_kernels::registry::SliceMut;
///
/// let mut y = [0.0f32; 3];
/// let s: SliceMut = (&mut y[..]).into();
/// assert_eq!((s.type_name(), s.len()), ("f32", 3));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum SliceMut<'a> {
    /// `f32` elements.
    F32(&'a mut [f32]),
    /// `f64` elements.
    F64(&'a mut [f64]),
    /// `bf16` elements.
    #[cfg(feature = "half")]
    Bf16(&'a mut [half::bf16]),
    /// `f16` elements.
    #[cfg(feature = "half")]
    F16(&'a mut [half::f16]),
}

macro_rules! slice_common {
    ($ty:ident, $($r:tt)*) => {
        impl $ty<'_> {
            /// The element type's name: `"f32"`, `"f64"`, `"bf16"` or `"f16"`.
            ///
            /// ```
            /// use activation_kernels::registry::Slice;
            /// assert_eq!(Slice::F32(&[]).type_name(), "f32");
            /// ```
            pub fn type_name(&self) -> &'static str {
                match self {
                    $ty::F32(_) => "f32",
                    $ty::F64(_) => "f64",
                    #[cfg(feature = "half")]
                    $ty::Bf16(_) => "bf16",
                    #[cfg(feature = "half")]
                    $ty::F16(_) => "f16",
                }
            }
            /// The number of elements.
            ///
            /// ```
            /// use activation_kernels::registry::Slice;
            /// assert_eq!(Slice::F64(&[1.0, 2.0]).len(), 2);
            /// ```
            pub fn len(&self) -> usize {
                match self {
                    $ty::F32(s) => s.len(),
                    $ty::F64(s) => s.len(),
                    #[cfg(feature = "half")]
                    $ty::Bf16(s) => s.len(),
                    #[cfg(feature = "half")]
                    $ty::F16(s) => s.len(),
                }
            }
            /// Whether the slice is empty.
            ///
            /// ```
            /// use activation_kernels::registry::Slice;
            /// assert!(Slice::F64(&[]).is_empty());
            /// ```
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }
        }
        slice_from!($ty, $($r)*);
    };
}
macro_rules! slice_from {
    ($ty:ident, $($m:tt)*) => {
        impl<'a> From<&'a $($m)* [f32]> for $ty<'a> {
            fn from(s: &'a $($m)* [f32]) -> Self {
                $ty::F32(s)
            }
        }
        impl<'a> From<&'a $($m)* [f64]> for $ty<'a> {
            fn from(s: &'a $($m)* [f64]) -> Self {
                $ty::F64(s)
            }
        }
        #[cfg(feature = "half")]
        impl<'a> From<&'a $($m)* [half::bf16]> for $ty<'a> {
            fn from(s: &'a $($m)* [half::bf16]) -> Self {
                $ty::Bf16(s)
            }
        }
        #[cfg(feature = "half")]
        impl<'a> From<&'a $($m)* [half::f16]> for $ty<'a> {
            fn from(s: &'a $($m)* [half::f16]) -> Self {
                $ty::F16(s)
            }
        }
    };
}
slice_common!(Slice,);
slice_common!(SliceMut, mut);

/// Runs `$body` with every slice unwrapped when all have the same element type, else
/// [`RegistryError::MixedElementTypes`] naming the first and the first different type.
macro_rules! same_type {
    (($($i:ident),*), ($o:ident), |$($b:ident),*| $body:expr) => {{
        let types = [$($i.type_name(),)* $o.type_name()];
        if let Some(other) = types.iter().find(|t| **t != types[0]) {
            return Err(RegistryError::MixedElementTypes { first: types[0], other });
        }
        #[allow(unreachable_patterns)]
        match ($($i,)* $o) {
            ($(Slice::F32($i),)* SliceMut::F32($o)) => {
                let ($($b),*) = ($($i,)* $o);
                $body
            }
            ($(Slice::F64($i),)* SliceMut::F64($o)) => {
                let ($($b),*) = ($($i,)* $o);
                $body
            }
            #[cfg(feature = "half")]
            ($(Slice::Bf16($i),)* SliceMut::Bf16($o)) => {
                let ($($b),*) = ($($i,)* $o);
                $body
            }
            #[cfg(feature = "half")]
            ($(Slice::F16($i),)* SliceMut::F16($o)) => {
                let ($($b),*) = ($($i,)* $o);
                $body
            }
            _ => unreachable!("element types checked above"),
        }
        Ok(())
    }};
}

impl fmt::Debug for dyn DynActivation + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.info();
        let values = self.param_values();
        let mut s = f.debug_struct(info.name);
        for (p, v) in info.params.iter().zip(values) {
            s.field(p.name, &v);
        }
        s.finish()
    }
}

/// An activation behind the type-erased [`DynActivation`] interface: `&Erased(Relu)` is a
/// `&dyn DynActivation`, like the registry's entries.
///
/// The concrete activation types implement only [`Activation`], so with both traits in scope
/// `Relu.forward(..)` names one method; the type-erased methods are reached through this
/// wrapper (or through [`lookup`], [`ALL`]).
///
/// ```
/// use activation_kernels::registry::{DynActivation, Erased};
/// use activation_kernels::{Activation, activations::Relu};
///
/// let x = [-1.0f32, 2.0];
/// let (mut a, mut b) = ([0.0f32; 2], [0.0f32; 2]);
/// Relu.forward(&x, &mut a); // Activation: no ambiguity with DynActivation in scope
/// let erased: &dyn DynActivation = &Erased(Relu);
/// erased.forward(&x, &mut b);
/// assert_eq!(a, b);
/// assert_eq!(erased.info().name, "relu");
/// ```
#[derive(Copy, Clone, Debug, Default, PartialEq)]
#[repr(transparent)]
pub struct Erased<A>(pub A);

impl<A: Activation> DynActivation for Erased<A> {
    fn info(&self) -> &'static ActivationInfo {
        Activation::info(&self.0)
    }
    fn param_values(&self) -> [f32; 8] {
        Activation::param_values(&self.0)
    }
    fn forward_reference(&self, x: f64) -> f64 {
        Activation::forward_reference(&self.0, x)
    }
    fn derivative_reference(&self, x: f64) -> f64 {
        Activation::derivative_reference(&self.0, x)
    }
    fn forward_any_on(&self, isa: Isa, x: Slice<'_>, y: SliceMut<'_>) -> Result<(), RegistryError> {
        same_type!((x), (y), |x, y| self.0.forward_on(isa, x, y))
    }
    fn forward_in_place_any_on(&self, isa: Isa, x: SliceMut<'_>) {
        match x {
            SliceMut::F32(x) => self.0.forward_in_place_on(isa, x),
            SliceMut::F64(x) => self.0.forward_in_place_on(isa, x),
            #[cfg(feature = "half")]
            SliceMut::Bf16(x) => self.0.forward_in_place_on(isa, x),
            #[cfg(feature = "half")]
            SliceMut::F16(x) => self.0.forward_in_place_on(isa, x),
        }
    }
    fn derivative_any_on(
        &self,
        isa: Isa,
        x: Slice<'_>,
        d: SliceMut<'_>,
    ) -> Result<(), RegistryError> {
        same_type!((x), (d), |x, d| self.0.derivative_on(isa, x, d))
    }
    fn backward_any_on(
        &self,
        isa: Isa,
        x: Slice<'_>,
        dy: Slice<'_>,
        dx: SliceMut<'_>,
    ) -> Result<(), RegistryError> {
        same_type!((x, dy), (dx), |x, dy, dx| self
            .0
            .backward_on(isa, x, dy, dx))
    }
    fn backward_in_place_any_on(
        &self,
        isa: Isa,
        x: Slice<'_>,
        g: SliceMut<'_>,
    ) -> Result<(), RegistryError> {
        same_type!((x), (g), |x, g| self.0.backward_in_place_on(isa, x, g))
    }
    fn forward_with_derivative_any_on(
        &self,
        isa: Isa,
        x: Slice<'_>,
        y: SliceMut<'_>,
        d: SliceMut<'_>,
    ) -> Result<(), RegistryError> {
        let types = [x.type_name(), y.type_name(), d.type_name()];
        if let Some(other) = types.iter().find(|t| **t != types[0]) {
            return Err(RegistryError::MixedElementTypes {
                first: types[0],
                other,
            });
        }
        match (x, y, d) {
            (Slice::F32(x), SliceMut::F32(y), SliceMut::F32(d)) => {
                self.0.forward_with_derivative_on(isa, x, y, d)
            }
            (Slice::F64(x), SliceMut::F64(y), SliceMut::F64(d)) => {
                self.0.forward_with_derivative_on(isa, x, y, d)
            }
            #[cfg(feature = "half")]
            (Slice::Bf16(x), SliceMut::Bf16(y), SliceMut::Bf16(d)) => {
                self.0.forward_with_derivative_on(isa, x, y, d)
            }
            #[cfg(feature = "half")]
            (Slice::F16(x), SliceMut::F16(y), SliceMut::F16(d)) => {
                self.0.forward_with_derivative_on(isa, x, y, d)
            }
            #[allow(unreachable_patterns)]
            _ => unreachable!("element types checked above"),
        }
        Ok(())
    }
    fn backward_from_output_any_on(
        &self,
        isa: Isa,
        y: Slice<'_>,
        dy: Slice<'_>,
        dx: SliceMut<'_>,
    ) -> Result<(), RegistryError> {
        let has;
        let checked: Result<(), RegistryError> = same_type!((y, dy), (dx), |y, dy, dx| has =
            self.0.backward_from_output_dyn(isa, y, dy, dx));
        checked?;
        if has {
            Ok(())
        } else {
            Err(RegistryError::NoOutputDerivative {
                name: Activation::info(&self.0).name,
            })
        }
    }
}

/// Why a lookup failed.
///
/// ```
/// use activation_kernels::registry::{self, RegistryError};
///
/// let Err(RegistryError::UnknownName { name }) = registry::lookup("relu7") else { panic!() };
/// assert_eq!(name.as_str(), "relu7");
/// let e = registry::lookup_with("elu", &[("beta", 1.0)]).unwrap_err();
/// assert!(matches!(e, RegistryError::UnknownParam { activation: "elu", .. }));
/// let e = registry::lookup_with("elu", &[("alpha", 0.0)]).unwrap_err();
/// assert!(matches!(e, RegistryError::InvalidParam(ref p) if p.param == "alpha"));
/// assert_eq!(e.to_string(), "elu: invalid parameter `alpha` = 0.0: requires alpha > 0.0");
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum RegistryError {
    /// No activation has this name or alias.
    UnknownName {
        /// The requested name (truncated to 32 bytes).
        name: ShortName,
    },
    /// The activation has no parameter of this name.
    UnknownParam {
        /// Activation.
        activation: &'static str,
        /// The requested parameter (truncated to 32 bytes).
        param: ShortName,
        /// Its parameters.
        valid: &'static [crate::activation::ParamInfo],
    },
    /// A parameter value violates a constraint.
    InvalidParam(ParamError),
    /// `backward_from_output` on an activation whose derivative needs `x`.
    NoOutputDerivative {
        /// Activation.
        name: &'static str,
    },
    /// A type-erased call ([`DynActivation::forward_any_on`], ...) got slices of different
    /// element types.
    MixedElementTypes {
        /// The first slice's element type (`"f32"`, `"f64"`, `"bf16"`, `"f16"`).
        first: &'static str,
        /// The first slice of another type.
        other: &'static str,
    },
}

/// A short copy of a user-provided name, kept without allocating.
///
/// ```
/// use activation_kernels::registry::{self, RegistryError};
///
/// let long = "no_such_activation_with_a_very_long_name";
/// let Err(RegistryError::UnknownName { name }) = registry::lookup(long) else { panic!() };
/// assert_eq!(name.as_str(), &long[..32]); // truncated to 32 bytes
/// assert_eq!(format!("{name:?}"), format!("{:?}", &long[..32]));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ShortName {
    bytes: [u8; 32],
    len: u8,
}

impl ShortName {
    fn new(s: &str) -> Self {
        let mut len = 0;
        for (i, c) in s.char_indices() {
            if i + c.len_utf8() > 32 {
                break;
            }
            len = i + c.len_utf8();
        }
        let mut bytes = [0u8; 32];
        bytes[..len].copy_from_slice(&s.as_bytes()[..len]);
        ShortName {
            bytes,
            len: len as u8,
        }
    }
    /// The name.
    ///
    /// ```
    /// use activation_kernels::registry::{self, RegistryError};
    ///
    /// // Kept as given after trimming, not normalised.
    /// let Err(RegistryError::UnknownName { name }) = registry::lookup(" Fancy-ReLU ") else {
    ///     panic!()
    /// };
    /// assert_eq!(name.as_str(), "Fancy-ReLU");
    /// ```
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("?")
    }
}

impl fmt::Debug for ShortName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::UnknownName { name } => {
                let row = crate::rowwise::NAMES
                    .iter()
                    .any(|r| same_name(r, name.as_str()));
                let elementwise = names().any(|n| same_name(n, name.as_str()));
                if row {
                    return write!(
                        f,
                        "`{}` is a row-wise function: use registry::lookup_rowwise",
                        name.as_str()
                    );
                }
                if elementwise {
                    return write!(
                        f,
                        "`{}` is an elementwise activation: use registry::lookup",
                        name.as_str()
                    );
                }
                write!(f, "unknown activation `{}`; valid names: ", name.as_str())?;
                for (i, n) in names().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(n)?;
                }
                f.write_str("; row-wise (registry::lookup_rowwise): ")?;
                for (i, n) in crate::rowwise::NAMES.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(n)?;
                }
                Ok(())
            }
            RegistryError::UnknownParam {
                activation,
                param,
                valid,
            } => {
                write!(
                    f,
                    "activation `{activation}` has no parameter `{}`; ",
                    param.as_str()
                )?;
                if valid.is_empty() {
                    f.write_str("it takes no parameters")
                } else {
                    f.write_str("valid parameters: ")?;
                    for (i, p) in valid.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{} (default {})", p.name, p.default)?;
                    }
                    Ok(())
                }
            }
            RegistryError::InvalidParam(e) => fmt::Display::fmt(e, f),
            RegistryError::NoOutputDerivative { name } => write!(
                f,
                "activation `{name}` has no backward_from_output (its derivative needs x); use backward"
            ),
            RegistryError::MixedElementTypes { first, other } => write!(
                f,
                "slices of different element types ({first} and {other}); every slice of a call must have the same type"
            ),
        }
    }
}

// core::error::Error: an error type without std (no_std users can use it with `?` too).
impl core::error::Error for RegistryError {}

impl From<ParamError> for RegistryError {
    fn from(e: ParamError) -> Self {
        RegistryError::InvalidParam(e)
    }
}

/// The built-ins, each once: a static instance with default parameters (listed in
/// [`ALL`]) and the constructor `lookup_with` uses.
macro_rules! builtins {
    ($($st:ident: $ty:ty = $val:expr;)*) => {
        $(static $st: Erased<$ty> = Erased($val);)*

        /// Every built-in activation with its default parameters.
        ///
        /// ```
        /// use activation_kernels::registry::{ALL, lookup};
        ///
        /// assert!(ALL.iter().any(|a| a.info().name == "gelu"));
        /// for a in ALL {
        ///     // Each is what `lookup` returns for its name.
        ///     assert_eq!(lookup(a.info().name).unwrap().info().name, a.info().name);
        ///     assert_eq!(a.param_values()[0], a.info().params.first().map_or(0.0, |p| p.default));
        /// }
        /// ```
        pub static ALL: &[&dyn DynActivation] = &[$(&$st),*];

        #[cfg(feature = "std")]
        fn build(name: &str, values: [f32; 8]) -> Result<std::boxed::Box<dyn DynActivation>, RegistryError> {
            fn make<A: Activation>(a: &A, values: [f32; 8]) -> Result<std::boxed::Box<dyn DynActivation>, RegistryError> {
                let b = a.with_param_values(values);
                b.validate()?;
                Ok(std::boxed::Box::new(Erased(b)))
            }
            $(if Activation::info(&$st.0).name == name {
                return make(&$st.0, values);
            })*
            Err(RegistryError::UnknownName { name: ShortName::new(name) })
        }
    };
}

builtins! {
    RELU: Relu = Relu;
    LEAKY_RELU: LeakyRelu = LeakyRelu { alpha: 0.01 };
    RELU6: Relu6 = Relu6;
    HARDTANH: Hardtanh = Hardtanh { min_val: -1.0, max_val: 1.0 };
    ELU: Elu = Elu { alpha: 1.0 };
    SELU: Selu = Selu;
    SIGMOID: Sigmoid = Sigmoid;
    HARD_SIGMOID: HardSigmoid = HardSigmoid { slope: 0.2, offset: 0.5 };
    SWISH: Swish = Swish { beta: 1.0 };
    GELU: Gelu = Gelu;
    GELU_TANH: GeluTanh = GeluTanh;
    MISH: Mish = Mish;
    HARD_SWISH: HardSwish = HardSwish;
    SOFTPLUS: Softplus = Softplus { beta: 1.0 };
    SOFTSIGN: Softsign = Softsign;
    TANH: Tanh = Tanh;
    LINEAR: Linear = Linear;
    EXPONENTIAL: Exponential = Exponential;
    TANHSHRINK: Tanhshrink = Tanhshrink;
    GENERAL_RELU: GeneralRelu = GeneralRelu { alpha: 0.0, max_value: f32::INFINITY, threshold: 0.0 };
}

fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes().zip(b.bytes()).all(|(x, y)| {
            let n = |c: u8| {
                if c == b'-' {
                    b'_'
                } else {
                    c.to_ascii_lowercase()
                }
            };
            n(x) == n(y)
        })
}

/// Every accepted name: canonical names, then aliases.
///
/// ```
/// use activation_kernels::registry::{self, ALL};
///
/// let names: Vec<&str> = registry::names().collect();
/// assert_eq!(names[0], ALL[0].info().name);
/// assert!(names.contains(&"swish") && names.contains(&"silu"));
/// assert!(names.iter().all(|n| registry::lookup(n).is_ok()));
/// ```
pub fn names() -> impl Iterator<Item = &'static str> {
    ALL.iter()
        .map(|a| a.info().name)
        .chain(ALL.iter().flat_map(|a| a.info().aliases.iter().copied()))
}

/// The built-in activation called `name` (canonical or alias), with default parameters.
///
/// Names match in any case, with `-` and `_` alike and surrounding spaces ignored.
///
/// ```
/// use activation_kernels::registry;
///
/// for name in ["hard_swish", "HardSwish", "Hard-Swish", " hardswish "] {
///     assert_eq!(registry::lookup(name).unwrap().info().name, "hard_swish");
/// }
/// let err = registry::lookup("sigmod").unwrap_err().to_string();
/// assert!(err.starts_with("unknown activation `sigmod`; valid names: relu, "), "{err}");
/// assert!(err.contains("sigmoid") && err.contains("logistic"), "{err}");
/// ```
pub fn lookup(name: &str) -> Result<&'static dyn DynActivation, RegistryError> {
    let n = name.trim();
    ALL.iter()
        .copied()
        .find(|a| same_name(a.info().name, n) || a.info().aliases.iter().any(|al| same_name(al, n)))
        .ok_or_else(|| RegistryError::UnknownName {
            name: ShortName::new(n),
        })
}

/// The row-wise function (softmax family) called `name`, any case, `-` and `_` alike, with
/// default options (fully masked rows give NaN; see
/// [`RowFunction::masked_rows`](crate::rowwise::RowFunction::masked_rows)).
///
/// ```
/// use activation_kernels::registry;
/// use activation_kernels::rowwise::RowActivation;
///
/// let f = registry::lookup_rowwise("Log-Softmax").unwrap();
/// let mut y = [0.0f32; 2];
/// f.forward(&[0.0, 0.0], &mut y, 2);
/// assert_eq!(y, [-core::f32::consts::LN_2; 2]);
/// let e = registry::lookup("softmax").unwrap_err().to_string();
/// assert!(e.contains("lookup_rowwise"), "{e}");
/// ```
pub fn lookup_rowwise(name: &str) -> Result<crate::rowwise::RowFunction, RegistryError> {
    let n = name.trim();
    crate::rowwise::NAMES
        .iter()
        .find(|r| same_name(r, n))
        .and_then(|r| crate::rowwise::RowFunction::from_canonical(r))
        .ok_or_else(|| RegistryError::UnknownName {
            name: ShortName::new(n),
        })
}

/// The activation called `name` with some parameters overridden, validated.
///
/// ```
/// use activation_kernels::registry::lookup_with;
/// let e = lookup_with("elu", &[("alpha", -1.0)]).unwrap_err().to_string();
/// assert!(e.contains("alpha > 0.0"), "{e}");
/// let e = lookup_with("elu", &[("beta", 1.0)]).unwrap_err().to_string();
/// assert!(e.contains("valid parameters: alpha"), "{e}");
/// ```
#[cfg(feature = "std")]
pub fn lookup_with(
    name: &str,
    params: &[(&str, f32)],
) -> Result<std::boxed::Box<dyn DynActivation>, RegistryError> {
    let base = lookup(name)?;
    let info = base.info();
    let mut values = base.param_values();
    for &(p, v) in params {
        match info
            .params
            .iter()
            .position(|pi| same_name(pi.name, p.trim()))
        {
            Some(i) => values[i] = v,
            None => {
                return Err(RegistryError::UnknownParam {
                    activation: info.name,
                    param: ShortName::new(p),
                    valid: info.params,
                });
            }
        }
    }
    build(info.name, values)
}
