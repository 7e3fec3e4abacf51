//! Generic slice drivers: one small [`pulp::WithSimd`] struct per kernel shape.
//!
//! A driver walks its slices a full vector at a time and finishes with the *same* vector code on
//! a zero-filled partial vector (`partial_load`/`partial_store`), so the tail is bit-identical to
//! the body, any length and any alignment work, and nothing outside the slices is touched.
//!
//! Length mismatches are reported by **panicking** (like [`slice::copy_from_slice`]), everywhere
//! in this crate, with a message naming both lengths. The public entry points carry
//! `#[track_caller]` so the panic points at the caller's line.

use pulp::{Simd, WithSimd};

/// An elementwise function `f32s -> f32s`, generic over the ISA.
///
/// Implementations must be `#[inline(always)]` and must not depend on the lane position.
///
/// ```
/// use activation_kernels::{Isa, kernel::{UnaryKernel, map_on}, pulp::Simd};
///
/// /// `2x + 1`, fused.
/// #[derive(Clone, Copy)]
/// struct TwoXPlusOne;
/// impl UnaryKernel for TwoXPlusOne {
///     #[inline(always)]
///     fn apply<S: Simd>(self, simd: S, x: S::f32s) -> S::f32s {
///         simd.mul_add_f32s(simd.splat_f32s(2.0), x, simd.splat_f32s(1.0))
///     }
/// }
///
/// let x: Vec<f32> = (0..19).map(|i| i as f32 - 9.0).collect();
/// let mut y = vec![0.0f32; 19];
/// map_on(Isa::best(), TwoXPlusOne, &x, &mut y);
/// assert!(y.iter().zip(&x).all(|(y, x)| *y == 2.0 * x + 1.0));
/// ```
pub trait UnaryKernel: Copy {
    /// Applies the function to every lane of `x`.
    ///
    /// ```
    /// use activation_kernels::{kernel::UnaryKernel, pulp::{Scalar, Simd}};
    ///
    /// #[derive(Clone, Copy)]
    /// struct Square;
    /// impl UnaryKernel for Square {
    ///     #[inline(always)]
    ///     fn apply<S: Simd>(self, simd: S, x: S::f32s) -> S::f32s {
    ///         simd.mul_f32s(x, x)
    ///     }
    /// }
    ///
    /// // On `pulp::Scalar` a vector is one `f32`.
    /// assert_eq!(Square.apply(Scalar, -3.0), 9.0);
    /// ```
    fn apply<S: Simd>(self, simd: S, x: S::f32s) -> S::f32s;
}

/// An elementwise function with two outputs per input (e.g. value and derivative).
///
/// ```
/// use activation_kernels::{Isa, kernel::{DualKernel, map2_on}, pulp::Simd};
///
/// /// `x²` and its derivative `2x`.
/// #[derive(Clone, Copy)]
/// struct Square;
/// impl DualKernel for Square {
///     #[inline(always)]
///     fn apply2<S: Simd>(self, simd: S, x: S::f32s) -> (S::f32s, S::f32s) {
///         (simd.mul_f32s(x, x), simd.add_f32s(x, x))
///     }
/// }
///
/// let x = [-3.0f32, 0.5, 4.0];
/// let (mut y, mut d) = ([0.0f32; 3], [0.0f32; 3]);
/// map2_on(Isa::best(), Square, &x, &mut y, &mut d);
/// assert_eq!((y, d), ([9.0, 0.25, 16.0], [-6.0, 1.0, 8.0]));
/// ```
pub trait DualKernel: Copy {
    /// Returns `(first, second)` for every lane of `x`.
    ///
    /// ```
    /// use activation_kernels::{kernel::DualKernel, pulp::{Scalar, Simd}};
    ///
    /// /// `x` split into its negative and positive parts.
    /// #[derive(Clone, Copy)]
    /// struct Split;
    /// impl DualKernel for Split {
    ///     #[inline(always)]
    ///     fn apply2<S: Simd>(self, simd: S, x: S::f32s) -> (S::f32s, S::f32s) {
    ///         let z = simd.splat_f32s(0.0);
    ///         let neg = simd.less_than_f32s(x, z);
    ///         (simd.select_f32s(neg, x, z), simd.select_f32s(neg, z, x))
    ///     }
    /// }
    ///
    /// assert_eq!(Split.apply2(Scalar, -2.0), (-2.0, 0.0));
    /// assert_eq!(Split.apply2(Scalar, 5.0), (0.0, 5.0));
    /// ```
    fn apply2<S: Simd>(self, simd: S, x: S::f32s) -> (S::f32s, S::f32s);
}

/// An elementwise function of two inputs (e.g. `backward(x, dy)`).
///
/// ```
/// use activation_kernels::{Isa, kernel::{BinaryKernel, Zip}, pulp::Simd};
///
/// /// ReLU's backward: `dy` where `x > 0`, else 0.
/// #[derive(Clone, Copy)]
/// struct ReluBack;
/// impl BinaryKernel for ReluBack {
///     #[inline(always)]
///     fn apply<S: Simd>(self, simd: S, x: S::f32s, dy: S::f32s) -> S::f32s {
///         let pos = simd.greater_than_f32s(x, simd.splat_f32s(0.0));
///         simd.select_f32s(pos, dy, simd.splat_f32s(0.0))
///     }
/// }
///
/// let (x, dy) = ([-1.0f32, 0.0, 2.0], [5.0f32, 5.0, 5.0]);
/// let mut dx = [9.0f32; 3];
/// Isa::best().dispatch(Zip { k: ReluBack, a: &x, b: &dy, dst: &mut dx });
/// assert_eq!(dx, [0.0, 0.0, 5.0]);
/// ```
pub trait BinaryKernel: Copy {
    /// Applies the function lane by lane.
    ///
    /// ```
    /// use activation_kernels::{kernel::BinaryKernel, pulp::{Scalar, Simd}};
    ///
    /// #[derive(Clone, Copy)]
    /// struct Sub;
    /// impl BinaryKernel for Sub {
    ///     #[inline(always)]
    ///     fn apply<S: Simd>(self, simd: S, a: S::f32s, b: S::f32s) -> S::f32s {
    ///         simd.sub_f32s(a, b)
    ///     }
    /// }
    ///
    /// assert_eq!(Sub.apply(Scalar, 5.0, 7.0), -2.0); // the order of `a` and `b` is kept
    /// ```
    fn apply<S: Simd>(self, simd: S, a: S::f32s, b: S::f32s) -> S::f32s;
}

/// [`UnaryKernel`] on f64 lanes.
///
/// ```
/// use activation_kernels::{Isa, kernel::{UnaryKernel64, Map}, pulp::Simd};
///
/// #[derive(Clone, Copy)]
/// struct Half;
/// impl UnaryKernel64 for Half {
///     #[inline(always)]
///     fn apply64<S: Simd>(self, simd: S, x: S::f64s) -> S::f64s {
///         simd.mul_f64s(x, simd.splat_f64s(0.5))
///     }
/// }
///
/// let x = [1.0f64, -3.0, 5.0];
/// let mut y = [0.0f64; 3];
/// Isa::best().dispatch(Map { k: Half, src: &x, dst: &mut y });
/// assert_eq!(y, [0.5, -1.5, 2.5]);
/// ```
pub trait UnaryKernel64: Copy {
    /// Applies the function to every lane of `x`.
    ///
    /// ```
    /// use activation_kernels::{kernel::UnaryKernel64, pulp::{Scalar, Simd}};
    ///
    /// #[derive(Clone, Copy)]
    /// struct Neg;
    /// impl UnaryKernel64 for Neg {
    ///     #[inline(always)]
    ///     fn apply64<S: Simd>(self, simd: S, x: S::f64s) -> S::f64s {
    ///         simd.neg_f64s(x)
    ///     }
    /// }
    /// assert_eq!(Neg.apply64(Scalar, 2.0), -2.0);
    /// ```
    fn apply64<S: Simd>(self, simd: S, x: S::f64s) -> S::f64s;
}

/// [`DualKernel`] on f64 lanes.
///
/// ```
/// use activation_kernels::{kernel::DualKernel64, pulp::{Scalar, Simd}};
///
/// #[derive(Clone, Copy)]
/// struct Square;
/// impl DualKernel64 for Square {
///     #[inline(always)]
///     fn apply2_64<S: Simd>(self, simd: S, x: S::f64s) -> (S::f64s, S::f64s) {
///         (simd.mul_f64s(x, x), simd.add_f64s(x, x))
///     }
/// }
/// assert_eq!(Square.apply2_64(Scalar, 3.0), (9.0, 6.0));
/// ```
pub trait DualKernel64: Copy {
    /// Returns `(first, second)` for every lane of `x`.
    ///
    /// ```
    /// use activation_kernels::{kernel::DualKernel64, pulp::{Scalar, Simd}};
    ///
    /// #[derive(Clone, Copy)]
    /// struct Dup;
    /// impl DualKernel64 for Dup {
    ///     #[inline(always)]
    ///     fn apply2_64<S: Simd>(self, _: S, x: S::f64s) -> (S::f64s, S::f64s) {
    ///         (x, x)
    ///     }
    /// }
    /// assert_eq!(Dup.apply2_64(Scalar, 1.5), (1.5, 1.5));
    /// ```
    fn apply2_64<S: Simd>(self, simd: S, x: S::f64s) -> (S::f64s, S::f64s);
}

/// [`BinaryKernel`] on f64 lanes.
///
/// ```
/// use activation_kernels::{kernel::BinaryKernel64, pulp::{Scalar, Simd}};
///
/// #[derive(Clone, Copy)]
/// struct Sub;
/// impl BinaryKernel64 for Sub {
///     #[inline(always)]
///     fn apply64<S: Simd>(self, simd: S, a: S::f64s, b: S::f64s) -> S::f64s {
///         simd.sub_f64s(a, b)
///     }
/// }
/// assert_eq!(Sub.apply64(Scalar, 5.0, 7.0), -2.0);
/// ```
pub trait BinaryKernel64: Copy {
    /// Applies the function lane by lane.
    ///
    /// ```
    /// use activation_kernels::{kernel::BinaryKernel64, pulp::{Scalar, Simd}};
    ///
    /// #[derive(Clone, Copy)]
    /// struct Mul;
    /// impl BinaryKernel64 for Mul {
    ///     #[inline(always)]
    ///     fn apply64<S: Simd>(self, simd: S, a: S::f64s, b: S::f64s) -> S::f64s {
    ///         simd.mul_f64s(a, b)
    ///     }
    /// }
    /// assert_eq!(Mul.apply64(Scalar, 5.0, 7.0), 35.0);
    /// ```
    fn apply64<S: Simd>(self, simd: S, a: S::f64s, b: S::f64s) -> S::f64s;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// The lane types the drivers walk: `f32` and `f64` (sealed). The drivers are generic over
/// it, so both lane types share one body loop and one tail.
///
/// ```
/// use activation_kernels::{kernel::Lane, pulp::Scalar};
///
/// let x = [1.0f64, 2.0, 3.0];
/// let (head, tail) = <f64 as Lane>::split::<Scalar>(&x);
/// assert_eq!((head.len(), tail.len()), (3, 0)); // the scalar ISA has one lane
/// ```
pub trait Lane: sealed::Sealed + Copy + Send + Sync + 'static {
    /// A full vector of this lane type on ISA `S`.
    type V<S: Simd>: Copy;
    /// Splits a slice into whole vectors and a tail.
    ///
    /// ```
    /// use activation_kernels::{kernel::Lane, pulp::Scalar};
    /// assert_eq!(<f32 as Lane>::split::<Scalar>(&[1.0f32, 2.0]).0.len(), 2);
    /// ```
    fn split<S: Simd>(x: &[Self]) -> (&[Self::V<S>], &[Self]);
    /// Splits a mutable slice into whole vectors and a tail.
    ///
    /// ```
    /// use activation_kernels::{kernel::Lane, pulp::Scalar};
    /// let mut x = [1.0f32, 2.0];
    /// assert_eq!(<f32 as Lane>::split_mut::<Scalar>(&mut x).1.len(), 0);
    /// ```
    fn split_mut<S: Simd>(x: &mut [Self]) -> (&mut [Self::V<S>], &mut [Self]);
    /// Loads a partial vector (missing lanes zero).
    ///
    /// ```
    /// use activation_kernels::{kernel::Lane, pulp::Scalar};
    /// assert_eq!(<f64 as Lane>::load_partial(Scalar, &[2.0f64]), 2.0);
    /// ```
    fn load_partial<S: Simd>(s: S, x: &[Self]) -> Self::V<S>;
    /// Stores the first `x.len()` lanes of `v`.
    ///
    /// ```
    /// use activation_kernels::{kernel::Lane, pulp::Scalar};
    /// let mut y = [0.0f64];
    /// <f64 as Lane>::store_partial(Scalar, &mut y, 4.0);
    /// assert_eq!(y, [4.0]);
    /// ```
    fn store_partial<S: Simd>(s: S, x: &mut [Self], v: Self::V<S>);
}

macro_rules! lane {
    ($t:ty, $v:ident, $split:ident, $split_mut:ident, $load:ident, $store:ident) => {
        impl Lane for $t {
            type V<S: Simd> = S::$v;
            #[inline(always)]
            fn split<S: Simd>(x: &[$t]) -> (&[S::$v], &[$t]) {
                S::$split(x)
            }
            #[inline(always)]
            fn split_mut<S: Simd>(x: &mut [$t]) -> (&mut [S::$v], &mut [$t]) {
                S::$split_mut(x)
            }
            #[inline(always)]
            fn load_partial<S: Simd>(s: S, x: &[$t]) -> S::$v {
                s.$load(x)
            }
            #[inline(always)]
            fn store_partial<S: Simd>(s: S, x: &mut [$t], v: S::$v) {
                s.$store(x, v)
            }
        }
    };
}
lane!(
    f32,
    f32s,
    as_simd_f32s,
    as_mut_simd_f32s,
    partial_load_f32s,
    partial_store_f32s
);
lane!(
    f64,
    f64s,
    as_simd_f64s,
    as_mut_simd_f64s,
    partial_load_f64s,
    partial_store_f64s
);

/// A unary kernel on lanes of type `L`: every [`UnaryKernel`] on `f32` and every
/// [`UnaryKernel64`] on `f64` (blanket impls; implement those traits, not this one).
///
/// ```
/// use activation_kernels::{activation::Fwd, activations::Relu, kernel::UnaryKernelOn, pulp::Scalar};
/// assert_eq!(UnaryKernelOn::<f64>::apply_on(Fwd(Relu), Scalar, -1.0), 0.0);
/// assert_eq!(UnaryKernelOn::<f32>::apply_on(Fwd(Relu), Scalar, 2.0), 2.0);
/// ```
pub trait UnaryKernelOn<L: Lane>: Copy {
    /// Applies the kernel to one vector.
    ///
    /// ```
    /// use activation_kernels::{activation::Fwd, activations::Linear, kernel::UnaryKernelOn, pulp::Scalar};
    /// assert_eq!(UnaryKernelOn::<f64>::apply_on(Fwd(Linear), Scalar, 3.0), 3.0);
    /// ```
    fn apply_on<S: Simd>(self, simd: S, x: L::V<S>) -> L::V<S>;
}
/// A dual kernel on lanes of type `L` (see [`UnaryKernelOn`]).
///
/// ```
/// use activation_kernels::{activation::Both, activations::Relu, kernel::DualKernelOn, pulp::Scalar};
/// assert_eq!(DualKernelOn::<f64>::apply2_on(Both(Relu), Scalar, 2.0), (2.0, 1.0));
/// ```
pub trait DualKernelOn<L: Lane>: Copy {
    /// Applies the kernel to one vector.
    ///
    /// ```
    /// use activation_kernels::{activation::Both, activations::Relu, kernel::DualKernelOn, pulp::Scalar};
    /// assert_eq!(DualKernelOn::<f32>::apply2_on(Both(Relu), Scalar, -2.0), (0.0, 0.0));
    /// ```
    fn apply2_on<S: Simd>(self, simd: S, x: L::V<S>) -> (L::V<S>, L::V<S>);
}
/// A binary kernel on lanes of type `L` (see [`UnaryKernelOn`]).
///
/// ```
/// use activation_kernels::{activation::Back, activations::Relu, kernel::BinaryKernelOn, pulp::Scalar};
/// assert_eq!(BinaryKernelOn::<f64>::apply_on(Back(Relu), Scalar, 2.0, 3.0), 3.0);
/// ```
pub trait BinaryKernelOn<L: Lane>: Copy {
    /// Applies the kernel to one pair of vectors.
    ///
    /// ```
    /// use activation_kernels::{activation::Back, activations::Relu, kernel::BinaryKernelOn, pulp::Scalar};
    /// assert_eq!(BinaryKernelOn::<f32>::apply_on(Back(Relu), Scalar, -2.0, 3.0), 0.0);
    /// ```
    fn apply_on<S: Simd>(self, simd: S, a: L::V<S>, b: L::V<S>) -> L::V<S>;
}
impl<K: UnaryKernel> UnaryKernelOn<f32> for K {
    #[inline(always)]
    fn apply_on<S: Simd>(self, simd: S, x: S::f32s) -> S::f32s {
        self.apply(simd, x)
    }
}
impl<K: UnaryKernel64> UnaryKernelOn<f64> for K {
    #[inline(always)]
    fn apply_on<S: Simd>(self, simd: S, x: S::f64s) -> S::f64s {
        self.apply64(simd, x)
    }
}
impl<K: DualKernel> DualKernelOn<f32> for K {
    #[inline(always)]
    fn apply2_on<S: Simd>(self, simd: S, x: S::f32s) -> (S::f32s, S::f32s) {
        self.apply2(simd, x)
    }
}
impl<K: DualKernel64> DualKernelOn<f64> for K {
    #[inline(always)]
    fn apply2_on<S: Simd>(self, simd: S, x: S::f64s) -> (S::f64s, S::f64s) {
        self.apply2_64(simd, x)
    }
}
impl<K: BinaryKernel> BinaryKernelOn<f32> for K {
    #[inline(always)]
    fn apply_on<S: Simd>(self, simd: S, a: S::f32s, b: S::f32s) -> S::f32s {
        self.apply(simd, a, b)
    }
}
impl<K: BinaryKernel64> BinaryKernelOn<f64> for K {
    #[inline(always)]
    fn apply_on<S: Simd>(self, simd: S, a: S::f64s, b: S::f64s) -> S::f64s {
        self.apply64(simd, a, b)
    }
}

#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn length_mismatch(what: &str, a: usize, b: usize) -> ! {
    panic!("activation-kernels: length mismatch: {what} ({a} vs {b})")
}

/// Panics with a clear message unless `a == b`.
///
/// ```
/// use activation_kernels::kernel::check_len;
///
/// check_len("input and output", 4, 4); // equal: nothing happens
/// let err = std::panic::catch_unwind(|| check_len("input and output", 3, 4)).unwrap_err();
/// let msg = err.downcast_ref::<String>().unwrap();
/// assert_eq!(msg, "activation-kernels: length mismatch: input and output (3 vs 4)");
/// ```
#[inline(always)]
#[track_caller]
pub fn check_len(what: &str, a: usize, b: usize) {
    if a != b {
        length_mismatch(what, a, b)
    }
}

/// `dst[i] = k(src[i])`.
///
/// Any length works: 19 elements are two full AVX2 vectors and a partial one.
///
/// ```
/// use activation_kernels::{Isa, kernel::{Map, UnaryKernel}, pulp::Simd};
///
/// #[derive(Clone, Copy)]
/// struct Abs;
/// impl UnaryKernel for Abs {
///     #[inline(always)]
///     fn apply<S: Simd>(self, simd: S, x: S::f32s) -> S::f32s {
///         simd.abs_f32s(x)
///     }
/// }
///
/// let x: Vec<f32> = (0..19).map(|i| i as f32 - 9.5).collect();
/// let mut y = vec![0.0f32; 19];
/// Isa::best().dispatch(Map { k: Abs, src: &x, dst: &mut y });
/// assert!(y.iter().zip(&x).all(|(y, x)| *y == x.abs()));
/// ```
pub struct Map<'a, K, T = f32> {
    /// The function.
    pub k: K,
    /// Input.
    pub src: &'a [T],
    /// Output, same length as `src`.
    pub dst: &'a mut [T],
}

impl<T: Lane, K: UnaryKernelOn<T>> WithSimd for Map<'_, K, T> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Map { k, src, dst } = self;
        check_len("input and output", src.len(), dst.len());
        let (s_head, s_tail) = T::split::<S>(src);
        let (d_head, d_tail) = T::split_mut::<S>(dst);
        for (d, s) in d_head.iter_mut().zip(s_head) {
            *d = k.apply_on(simd, *s);
        }
        if !s_tail.is_empty() {
            let v = T::load_partial(simd, s_tail);
            T::store_partial(simd, d_tail, k.apply_on(simd, v));
        }
    }
}

/// The per-element body of [`for_each_in_place`]: `v[i] = call(i, v[i])`.
///
/// A trait with an `#[inline(always)]` method rather than a closure: closures cannot be marked
/// `#[inline(always)]` on stable Rust, and LLVM may leave a large closure body (a whole
/// transcendental kernel) out of line. Out of line it is compiled *outside* pulp's
/// `#[target_feature]` region, so every vector operation becomes a call (an in-place kernel
/// then runs tens of times slower than the same kernel out of place). Every implementation
/// must mark `call` `#[inline(always)]`.
pub(crate) trait InPlaceOp<T> {
    /// The new value of element `i`, whose current value is `v`.
    fn call(&mut self, i: usize, v: T) -> T;
}

/// [`InPlaceOp`] of a unary kernel: `v[i] = k(v[i])`.
pub(crate) struct ApplyUnary<K, S, L>(pub K, pub S, pub core::marker::PhantomData<L>);

impl<L: Lane, K: UnaryKernelOn<L>, S: Simd> InPlaceOp<L::V<S>> for ApplyUnary<K, S, L> {
    #[inline(always)]
    fn call(&mut self, _: usize, v: L::V<S>) -> L::V<S> {
        self.0.apply_on(self.1, v)
    }
}

/// [`InPlaceOp`] of a binary kernel whose first operand comes from `a`: `v[i] = k(a[i], v[i])`.
pub(crate) struct ApplyBinary<'a, K, S: Simd, L: Lane>(pub K, pub S, pub &'a [L::V<S>]);

impl<L: Lane, K: BinaryKernelOn<L>, S: Simd> InPlaceOp<L::V<S>> for ApplyBinary<'_, K, S, L> {
    #[inline(always)]
    fn call(&mut self, i: usize, v: L::V<S>) -> L::V<S> {
        self.0.apply_on(self.1, self.2[i], v)
    }
}

/// Runs `f` over every vector of `v` in place, `v[i] = f(v[i])`, with one plain full-width
/// load and one plain full-width store per vector.
///
/// The obvious loop (`*v = f(*v)`) lets LLVM see `store(select(m, new, load p), p)` whenever a
/// kernel passes some lanes through unchanged (NaN propagation, `relu` keeping `x > 0`), and it
/// turns that into a *masked store* "store `new` where `m`": on AVX2 that is `vmaskmovps`,
/// which AMD Zen runs several times slower than a plain store. A volatile load avoids the fold
/// but is split into one load per lane (pulp's vector types are plain structs), which made
/// clamp-style kernels 3x slower. Here the loads go through a copy of the base pointer passed
/// through [`core::hint::black_box`], so LLVM cannot prove that load and store hit the same
/// address and keeps ordinary vector loads and stores; the cost is one opaque pointer copy per
/// call.
#[inline(always)]
pub(crate) fn for_each_in_place<T: Copy, F: InPlaceOp<T>>(v: &mut [T], mut f: F) {
    let n = v.len();
    let dst = v.as_mut_ptr();
    // The same address, opaque to the optimiser (same provenance: `black_box` is the identity).
    let src = core::hint::black_box(dst.cast_const());
    for i in 0..n {
        // SAFETY: `i < n = v.len()`, so `src.add(i)` and `dst.add(i)` are in bounds of `v`,
        // aligned (they come from a slice of `T`) and initialised. Both pointers derive from the
        // one `as_mut_ptr` of the exclusive borrow `v`, which is not used otherwise while they
        // are live; each element is read once and then written once.
        unsafe { dst.add(i).write(f.call(i, src.add(i).read())) };
    }
}

/// `x[i] = k(x[i])`.
///
/// ```
/// use activation_kernels::{Isa, kernel::{MapInPlace, UnaryKernel}, pulp::Simd};
///
/// #[derive(Clone, Copy)]
/// struct Negate;
/// impl UnaryKernel for Negate {
///     #[inline(always)]
///     fn apply<S: Simd>(self, simd: S, x: S::f32s) -> S::f32s {
///         simd.neg_f32s(x)
///     }
/// }
///
/// let orig: Vec<f32> = (0..21).map(|i| i as f32).collect();
/// let mut x = orig.clone();
/// Isa::best().dispatch(MapInPlace { k: Negate, x: &mut x });
/// assert!(x.iter().zip(&orig).all(|(x, o)| *x == -o));
/// ```
pub struct MapInPlace<'a, K, T = f32> {
    /// The function.
    pub k: K,
    /// Input and output.
    pub x: &'a mut [T],
}

impl<T: Lane, K: UnaryKernelOn<T>> WithSimd for MapInPlace<'_, K, T> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let MapInPlace { k, x } = self;
        let (head, tail) = T::split_mut::<S>(x);
        for_each_in_place(
            head,
            ApplyUnary::<K, S, T>(k, simd, core::marker::PhantomData),
        );
        if !tail.is_empty() {
            let v = T::load_partial(simd, tail);
            T::store_partial(simd, tail, k.apply_on(simd, v));
        }
    }
}

/// `(a[i], b[i]) = k(src[i])` in one pass.
///
/// ```
/// use activation_kernels::{Isa, kernel::{DualKernel, Map2}, pulp::Simd};
///
/// /// `(x + 1, x - 1)`.
/// #[derive(Clone, Copy)]
/// struct PlusMinus;
/// impl DualKernel for PlusMinus {
///     #[inline(always)]
///     fn apply2<S: Simd>(self, simd: S, x: S::f32s) -> (S::f32s, S::f32s) {
///         let one = simd.splat_f32s(1.0);
///         (simd.add_f32s(x, one), simd.sub_f32s(x, one))
///     }
/// }
///
/// let x: Vec<f32> = (0..19).map(|i| i as f32).collect();
/// let (mut a, mut b) = (vec![0.0f32; 19], vec![0.0f32; 19]);
/// Isa::best().dispatch(Map2 { k: PlusMinus, src: &x, a: &mut a, b: &mut b });
/// assert!((0..19).all(|i| a[i] == x[i] + 1.0 && b[i] == x[i] - 1.0));
/// ```
pub struct Map2<'a, K, T = f32> {
    /// The function.
    pub k: K,
    /// Input.
    pub src: &'a [T],
    /// First output.
    pub a: &'a mut [T],
    /// Second output.
    pub b: &'a mut [T],
}

impl<T: Lane, K: DualKernelOn<T>> WithSimd for Map2<'_, K, T> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Map2 { k, src, a, b } = self;
        check_len("input and first output", src.len(), a.len());
        check_len("input and second output", src.len(), b.len());
        let (s_head, s_tail) = T::split::<S>(src);
        let (a_head, a_tail) = T::split_mut::<S>(a);
        let (b_head, b_tail) = T::split_mut::<S>(b);
        for ((s, a), b) in s_head.iter().zip(a_head).zip(b_head) {
            (*a, *b) = k.apply2_on(simd, *s);
        }
        if !s_tail.is_empty() {
            let v = T::load_partial(simd, s_tail);
            let (va, vb) = k.apply2_on(simd, v);
            T::store_partial(simd, a_tail, va);
            T::store_partial(simd, b_tail, vb);
        }
    }
}

/// `dst[i] = k(a[i], b[i])`.
///
/// ```
/// use activation_kernels::{Isa, kernel::{BinaryKernel, Zip}, pulp::Simd};
///
/// #[derive(Clone, Copy)]
/// struct Mul;
/// impl BinaryKernel for Mul {
///     #[inline(always)]
///     fn apply<S: Simd>(self, simd: S, a: S::f32s, b: S::f32s) -> S::f32s {
///         simd.mul_f32s(a, b)
///     }
/// }
///
/// let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
/// let b = vec![-0.5f32; 19];
/// let mut dst = vec![0.0f32; 19];
/// Isa::best().dispatch(Zip { k: Mul, a: &a, b: &b, dst: &mut dst });
/// assert!((0..19).all(|i| dst[i] == -0.5 * a[i]));
/// ```
pub struct Zip<'a, K, T = f32> {
    /// The function.
    pub k: K,
    /// First input.
    pub a: &'a [T],
    /// Second input.
    pub b: &'a [T],
    /// Output.
    pub dst: &'a mut [T],
}

impl<T: Lane, K: BinaryKernelOn<T>> WithSimd for Zip<'_, K, T> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Zip { k, a, b, dst } = self;
        check_len("first input and output", a.len(), dst.len());
        check_len("second input and output", b.len(), dst.len());
        let (a_head, a_tail) = T::split::<S>(a);
        let (b_head, b_tail) = T::split::<S>(b);
        let (d_head, d_tail) = T::split_mut::<S>(dst);
        for ((a, b), d) in a_head.iter().zip(b_head).zip(d_head) {
            *d = k.apply_on(simd, *a, *b);
        }
        if !d_tail.is_empty() {
            let va = T::load_partial(simd, a_tail);
            let vb = T::load_partial(simd, b_tail);
            T::store_partial(simd, d_tail, k.apply_on(simd, va, vb));
        }
    }
}

/// `b[i] = k(a[i], b[i])`: a binary kernel whose output overwrites its second input
/// (e.g. `backward` in place over the upstream gradient).
///
/// ```
/// use activation_kernels::{Isa, kernel::{BinaryKernel, ZipInPlace}, pulp::Simd};
///
/// /// `a - b`: the first input minus the second.
/// #[derive(Clone, Copy)]
/// struct Sub;
/// impl BinaryKernel for Sub {
///     #[inline(always)]
///     fn apply<S: Simd>(self, simd: S, a: S::f32s, b: S::f32s) -> S::f32s {
///         simd.sub_f32s(a, b)
///     }
/// }
///
/// let a: Vec<f32> = (0..19).map(|i| 10.0 * i as f32).collect();
/// let mut b: Vec<f32> = (0..19).map(|i| i as f32).collect();
/// Isa::best().dispatch(ZipInPlace { k: Sub, a: &a, b: &mut b });
/// assert!((0..19).all(|i| b[i] == 9.0 * i as f32));
/// ```
pub struct ZipInPlace<'a, K, T = f32> {
    /// The function.
    pub k: K,
    /// First input.
    pub a: &'a [T],
    /// Second input and output.
    pub b: &'a mut [T],
}

impl<T: Lane, K: BinaryKernelOn<T>> WithSimd for ZipInPlace<'_, K, T> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let ZipInPlace { k, a, b } = self;
        check_len("first input and second input/output", a.len(), b.len());
        let (a_head, a_tail) = T::split::<S>(a);
        let (b_head, b_tail) = T::split_mut::<S>(b);
        check_len(
            "first input and second input/output",
            a_head.len(),
            b_head.len(),
        );
        for_each_in_place(b_head, ApplyBinary::<K, S, T>(k, simd, a_head));
        if !b_tail.is_empty() {
            let va = T::load_partial(simd, a_tail);
            let vb = T::load_partial(simd, b_tail);
            T::store_partial(simd, b_tail, k.apply_on(simd, va, vb));
        }
    }
}

/// Runs `k` over `src` into `dst` on `isa`. Panics on a length mismatch.
///
/// ```
/// use activation_kernels::{Isa, kernel::{UnaryKernel, map_on}, pulp::Simd};
///
/// #[derive(Clone, Copy)]
/// struct Halve;
/// impl UnaryKernel for Halve {
///     #[inline(always)]
///     fn apply<S: Simd>(self, simd: S, x: S::f32s) -> S::f32s {
///         simd.mul_f32s(x, simd.splat_f32s(0.5))
///     }
/// }
///
/// let x = [1.0f32, -3.0, 7.0];
/// let (mut a, mut b) = ([0.0f32; 3], [0.0f32; 3]);
/// map_on(Isa::Scalar, Halve, &x, &mut a);
/// map_on(Isa::best(), Halve, &x, &mut b);
/// assert_eq!(a, [0.5, -1.5, 3.5]);
/// assert_eq!(a, b);
/// ```
#[inline]
#[track_caller]
pub fn map_on<K: UnaryKernel>(isa: crate::Isa, k: K, src: &[f32], dst: &mut [f32]) {
    check_len("input and output", src.len(), dst.len());
    isa.dispatch(Map { k, src, dst })
}

/// Runs `k` over `x` in place on `isa`.
///
/// ```
/// use activation_kernels::{Isa, kernel::{UnaryKernel, map_in_place_on}, pulp::Simd};
///
/// /// `x² - 1`, fused.
/// #[derive(Clone, Copy)]
/// struct SquareMinusOne;
/// impl UnaryKernel for SquareMinusOne {
///     #[inline(always)]
///     fn apply<S: Simd>(self, simd: S, x: S::f32s) -> S::f32s {
///         simd.mul_add_f32s(x, x, simd.splat_f32s(-1.0))
///     }
/// }
///
/// let mut x = [-2.0f32, 0.5, 3.0];
/// map_in_place_on(Isa::best(), SquareMinusOne, &mut x);
/// assert_eq!(x, [3.0, -0.75, 8.0]);
/// ```
#[inline]
pub fn map_in_place_on<K: UnaryKernel>(isa: crate::Isa, k: K, x: &mut [f32]) {
    isa.dispatch(MapInPlace { k, x })
}

/// Runs the two-output kernel `k` over `src` on `isa`. Panics on a length mismatch.
///
/// ```
/// use activation_kernels::{Isa, kernel::{DualKernel, map2_on}, pulp::Simd};
///
/// /// `(x, x·x)`.
/// #[derive(Clone, Copy)]
/// struct AndSquare;
/// impl DualKernel for AndSquare {
///     #[inline(always)]
///     fn apply2<S: Simd>(self, simd: S, x: S::f32s) -> (S::f32s, S::f32s) {
///         (x, simd.mul_f32s(x, x))
///     }
/// }
///
/// let x = [1.5f32, -2.0];
/// let (mut a, mut b) = ([0.0f32; 2], [0.0f32; 2]);
/// map2_on(Isa::best(), AndSquare, &x, &mut a, &mut b);
/// assert_eq!((a, b), (x, [2.25, 4.0]));
/// let mut short = [0.0f32; 1];
/// let r = std::panic::catch_unwind(move || map2_on(Isa::best(), AndSquare, &x, &mut a, &mut short));
/// assert!(r.is_err()); // second output too short
/// ```
#[inline]
#[track_caller]
pub fn map2_on<K: DualKernel>(isa: crate::Isa, k: K, src: &[f32], a: &mut [f32], b: &mut [f32]) {
    check_len("input and first output", src.len(), a.len());
    check_len("input and second output", src.len(), b.len());
    isa.dispatch(Map2 { k, src, a, b })
}
