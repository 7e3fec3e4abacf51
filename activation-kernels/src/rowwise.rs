//! Row-wise activations: softmax, log-softmax and softmin over contiguous rows, forward and
//! backward.
//!
//! ```
//! use activation_kernels::rowwise::{MaskedRows, RowActivation, Softmax};
//!
//! // Two rows of three logits.
//! let x = [1.0f32, 2.0, 3.0, -1e30, 0.0, 1e30];
//! let mut y = [0.0f32; 6];
//! Softmax::new().forward(&x, &mut y, 3);
//! assert!((y[..3].iter().sum::<f32>() - 1.0).abs() <= 3.0 * f32::EPSILON);
//! assert_eq!(&y[3..], &[0.0, 0.0, 1.0]); // huge magnitudes are fine
//!
//! // A fully masked row is NaN by default (as in PyTorch), or zeros on request.
//! let masked = [f32::NEG_INFINITY; 2];
//! let mut z = [0.0f32; 2];
//! Softmax::new().forward(&masked, &mut z, 2);
//! assert!(z[0].is_nan());
//! Softmax::new().masked_rows(MaskedRows::Zero).forward(&masked, &mut z, 2);
//! assert_eq!(z, [0.0, 0.0]);
//!
//! // Backward from the output: dx = y·(dy - Σ dy·y).
//! let (mut dx, dy) = ([0.0f32; 6], [1.0f32; 6]);
//! Softmax::new().backward_from_output(&y, &dy, &mut dx, 3);
//! assert!(dx.iter().all(|d| d.abs() < 1e-6));
//! ```
//!
//! **Method.** Per row (`m = max x`, exact):
//! * `d = x - m` is formed exactly as a double-f32 (TwoSum) and `e = 2^64·exp(d_hi + d_lo)`
//!   takes the low word into the exp reduction, so `e` is within 1 ULP of `2^64·e^(x - m)` even
//!   where `x - m` is not representable (a plain `exp(x - m)` is off by up to 2^-18 in its
//!   argument, which is tens of ULP in the result). The `2^64` keeps every term normal, so
//!   thousands of tiny terms do not add up subnormal rounding errors, and subnormal results
//!   are rounded once.
//! * `S = Σ e` is accumulated in **16 fixed slots** (element `i` goes to slot `i mod 16`),
//!   each a compensated (TwoSum, Neumaier) double-f32 sum, and the slots are combined in a fixed
//!   order. The slot layout does not depend on the vector width, so the sum, and every result,
//!   is **bit-identical on every ISA**; the compensation keeps the sum's error near one rounding
//!   for any row length (a plain f32 sum of 10^5 terms is off by ~10^2 ULP).
//! * softmax: `y = e·(1/S)` with `1/S` (which carries the `2^-64`) as a double-f32 (one FMA per element, no division);
//!   log-softmax: `y = (d_hi - L) + d_lo` with `L = ln S = ln1p(S - 1)` (`S ≥ 1`, so `S - 1` is
//!   formed exactly); softmin is softmax of `-x`.
//! * backward (from the output `y`): softmax `dx = y·(dy - Σ dy·y)` with the dot product in the
//!   same 16 compensated slots (products split exactly by FMA); log-softmax
//!   `dx = dy - e^y·Σ dy`; softmin `dx = -y·(dy - Σ dy·y)`.
//!
//! **Accuracy** (tests/rowwise.rs, every ISA, rows up to 10^5 elements with adversarial
//! magnitudes): forward within 4 ULP of the exact function of the f32 inputs; `Σ softmax = 1`
//! within `n·ε`. The measured maxima are in ACCURACY.md.
//!
//! **Special rows** (PyTorch's behaviour by default; for softmin read the logits as `-x`, so
//! there `-inf` is the poisoning value and `+inf` the masked one):
//! * a row containing NaN or `+inf`: all NaN;
//! * a row that is entirely `-inf` (fully masked): all NaN with [`MaskedRows::Nan`] (default),
//!   all zeros with [`MaskedRows::Zero`] (for every function, log-softmax included: the row then
//!   contributes nothing downstream and its backward gives zero gradients);
//! * `-inf` elements in an otherwise finite row: probability 0 (log-probability `-inf`).
//!
//! **Errors.** Like every slice function in this crate, these **panic** on inconsistent lengths
//! (`x.len()` not a multiple of `row_len`, or differing slice lengths), with a message naming
//! them.
//!
//! # Half types: bf16 and f16
//!
#![cfg_attr(
    not(feature = "half"),
    doc = "Needs the `half` feature (on by default): row-wise functions on `half::bf16` and \
           `half::f16` slices."
)]
#![cfg_attr(
    feature = "half",
    doc = r#"
With the `half` feature (on by default), every function of the family (and [`RowFunction`])
runs on slices of any [`Element`]: `f32`, `f64`, `half::bf16`, `half::f16`. Forward, forward in place and backward (from the output), with
`_on(isa, ..)` variants and the usual length panics:

```
use activation_kernels::element::half::bf16;
use activation_kernels::rowwise::{RowActivation, Softmax};

let x: Vec<bf16> = [1.0f32, 2.0, 3.0, -4.0, 0.0, 4.0]
    .iter()
    .map(|&v| bf16::from_f32(v))
    .collect();
let mut y = vec![bf16::ZERO; 6];
Softmax::new().forward(&x, &mut y, 3);

// Exactly the f32 function on the widened inputs, rounded once to nearest even.
let xf: Vec<f32> = x.iter().map(|v| v.to_f32()).collect();
let mut yf = vec![0.0f32; 6];
Softmax::new().forward(&xf, &mut yf, 3);
assert!(y.iter().zip(&yf).all(|(h, &f)| *h == bf16::from_f32(f)));

// In place, and backward from the output.
let mut z = x.clone();
Softmax::new().forward_in_place(&mut z, 3);
assert_eq!(z, y);
let (dy, mut dx) = (vec![bf16::ONE; 6], vec![bf16::ZERO; 6]);
Softmax::new().backward_from_output(&y, &dy, &mut dx, 3);
assert!(dx.iter().all(|d| d.to_f32().abs() < 0.01)); // y·(1 - Σ y), Σ y ≈ 1
```

**Method.** Each row is widened to f32 (exactly) and computed with the f32 arithmetic above
(same blocks, slots and evaluation order); each result is rounded **to nearest, ties to
even** into the half type with the conversions of [`crate::element`] (vectorized on every
ISA, native instructions where they pay, the same bits everywhere). So a half result is
always the f32 function of the widened row rounded once, and is **bit-identical on every
ISA**. No f32 row is stored on
the heap (no allocation, `no_std`): every pass widens its 16-element block again from the
input; softmax and softmin keep `2^64·e^(x - m)` of a row's first 1024 elements in a 4 KiB
stack buffer between the passes and recompute it for the rest (same bits either way).
Rows longer than the buffer therefore cost more per element than short ones; the measured
throughput against f32 is in the half-type softmax throughput record in `docs/records/`.
Backward widens `y` and `dy` the same
way, forms `dx` in f32 and rounds once. The special rows follow the policy above (NaN,
zeros for [`MaskedRows::Zero`]).

**Accuracy** (tests/rowwise_half.rs, every ISA: all row lengths 1..=300 at five scales,
rows up to 10^5, `-inf` elements, masked and NaN rows): within **1 ULP of the half type** of
the exact function of the widened row (the f32 kernels' 4-ULP bound leaves at most a hair
over half an ULP). Measured maxima, in ULPs of the half type: bf16 softmax 0.500011,
log-softmax 0.500007, softmin 0.500000; f16 softmax 0.500053, log-softmax 0.500057, softmin
0.500083. Where the exact value lies within a few f32 ULPs of a rounding tie of the half type
the result may be the other neighbour (measured: at most 0.013% of softmax and softmin
results, 0.15% of log-softmax results are not correctly rounded).
"#
)]
//!
//! # f64
//!
//! The same methods run the family on `f64` rows (the same length panics and special-row
//! policy, bit-identical on every ISA):
//!
//! ```
//! use activation_kernels::rowwise::{LogSoftmax, RowActivation, Softmax};
//!
//! let x = [1.0f64, 2.0, 3.0, -1e300, 0.0, 1e300];
//! let mut y = [0.0f64; 6];
//! Softmax::new().forward(&x, &mut y, 3);
//! assert!((y[..3].iter().sum::<f64>() - 1.0).abs() <= 3.0 * f64::EPSILON);
//! assert_eq!(&y[3..], &[0.0, 0.0, 1.0]);
//! LogSoftmax::new().forward_in_place(&mut y[..0], 3); // empty slices are fine
//! ```
//!
//! **Method.** The f32 method on f64 lanes, with pass 1's exponentials as double words:
//! `2^64·e^(x - m)` is computed to about `2^-58` relative (`x - m` as an exact double word, the
//! scale applied through the exponent so every term is normal) and both words go into the 16
//! fixed compensated slots, so the sum is accurate to far below an ULP. Softmax is `e·(1/S)`
//! with `e` rounded once and `1/S` a double word (one FMA, subnormal outputs rounded once);
//! log-softmax is `(x - m) - ln S` with `ln S = ln1p(S - 1)` from the exact double word
//! `S - 1`, rounded once. Backward uses the f32 formulas in f64.
//!
//! **Accuracy** (tests/rowwise_f64.rs against MPFR: 2.1·10^6 outputs on rows of 1 to 10^5
//! elements with huge spreads, ties, `-inf` elements, values near ±700, subnormal outputs):
//! within **2 ULP** of the exact function of the f64 inputs; measured softmax 1.40,
//! log-softmax 0.99, softmin 1.42 ULP (subnormal outputs: 0.98, 0.99, 0.62). Throughput on
//! AVX-512 (rows of 1024 and 32768, the ignored test `throughput` in tests/rowwise_f64.rs, idle
//! machine): 28–37% of the f32 path forward (0.36–0.44 elements/ns), 33–57% backward.

use crate::Isa;
use crate::element::Element;
#[cfg(feature = "half")]
use crate::element::{Codec, HalfJob, HalfKind};
use crate::kernel::check_len;
use crate::math::{V, exp, exp_dw_2p64, exp_dw_2p64_in_range, ln1p};
use crate::reduce::{SLOTS, Slots, vecs, vecs_mut};
use pulp::{Simd, WithSimd};

/// What to do with a row whose every element is `-inf`.
///
/// ```
/// use activation_kernels::rowwise::{LogSoftmax, MaskedRows, RowActivation};
///
/// assert_eq!(MaskedRows::default(), MaskedRows::Nan);
/// let masked = [f32::NEG_INFINITY; 3];
/// let mut y = [0.0f32; 3];
/// LogSoftmax::new().forward(&masked, &mut y, 3);
/// assert!(y.iter().all(|v| v.is_nan()));
/// LogSoftmax::new().masked_rows(MaskedRows::Zero).forward(&masked, &mut y, 3);
/// assert_eq!(y, [0.0; 3]);
/// ```
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MaskedRows {
    /// All NaN, like PyTorch (`-inf - (-inf)`).
    #[default]
    Nan,
    /// All zeros (and zero gradients in backward).
    Zero,
}

/// Which function of the family.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Softmax,
    LogSoftmax,
    Softmin,
}

/// A row-wise activation: applied independently to each contiguous row of `row_len` elements.
///
/// Every method panics if `row_len == 0` while the slices are non-empty, if the slice length is
/// not a multiple of `row_len`, or if the slices' lengths differ.
///
/// ```
/// use activation_kernels::rowwise::{LogSoftmax, RowActivation, Softmax, Softmin};
///
/// // Generic code over the family: every row is independent of the others.
/// fn first_row_alone<F: RowActivation>(f: F) -> bool {
///     let x = [0.5f32, -1.0, 2.0, 7.0, 7.0, -3.0];
///     let (mut all, mut one) = ([0.0f32; 6], [0.0f32; 3]);
///     f.forward(&x, &mut all, 3);
///     f.forward(&x[..3], &mut one, 3);
///     all[..3] == one
/// }
/// assert!(first_row_alone(Softmax::new()));
/// assert!(first_row_alone(LogSoftmax::new()));
/// assert!(first_row_alone(Softmin::new()));
/// ```
pub trait RowActivation: Copy + Into<RowFunction> {
    /// The canonical name (`"softmax"`, `"log_softmax"`, `"softmin"`).
    ///
    /// ```
    /// use activation_kernels::registry::lookup_rowwise;
    /// use activation_kernels::rowwise::{LogSoftmax, RowActivation};
    ///
    /// assert_eq!(LogSoftmax::new().name(), "log_softmax");
    /// // The name finds the function again.
    /// assert_eq!(lookup_rowwise(LogSoftmax::new().name()).unwrap(), LogSoftmax::new().into());
    /// ```
    fn name(&self) -> &'static str;

    /// `y = f(x)` row by row, on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, rowwise::{RowActivation, Softmax}};
    ///
    /// let x = [0.0f32, core::f32::consts::LN_2];
    /// let (mut a, mut b) = ([0.0f32; 2], [0.0f32; 2]);
    /// Softmax::new().forward_on(Isa::Scalar, &x, &mut a, 2);
    /// Softmax::new().forward_on(Isa::best(), &x, &mut b, 2);
    /// assert_eq!(a, b); // the same bits on every ISA
    /// // e^0 : e^(ln 2) = 1 : 2
    /// assert!((a[0] - 1.0 / 3.0).abs() <= f32::EPSILON);
    /// assert!((a[1] - 2.0 / 3.0).abs() <= f32::EPSILON);
    /// ```
    #[track_caller]
    fn forward_on<T: Element>(&self, isa: Isa, x: &[T], y: &mut [T], row_len: usize) {
        check_len("input and output", x.len(), y.len());
        check_rows(x.len(), row_len);
        T::row_forward_on((*self).into(), isa, x, y, row_len)
    }

    /// `x = f(x)` row by row, on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, rowwise::{LogSoftmax, RowActivation}};
    ///
    /// let x = [1.0f32, -2.0, 0.25, 30.0, -30.0, 0.0];
    /// let mut y = [0.0f32; 6];
    /// LogSoftmax::new().forward_on(Isa::Scalar, &x, &mut y, 2);
    /// let mut z = x;
    /// LogSoftmax::new().forward_in_place_on(Isa::Scalar, &mut z, 2);
    /// assert_eq!(z, y); // in place gives the same bits
    /// ```
    #[track_caller]
    fn forward_in_place_on<T: Element>(&self, isa: Isa, x: &mut [T], row_len: usize) {
        check_rows(x.len(), row_len);
        T::row_forward_in_place_on((*self).into(), isa, x, row_len)
    }

    /// `dx` from the forward output `y` and the upstream gradient `dy`, on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, rowwise::{RowActivation, Softmax}};
    ///
    /// let mut y = [0.0f32; 3];
    /// Softmax::new().forward(&[0.5, -1.0, 2.0], &mut y, 3);
    /// let dy = [1.0f32, -2.0, 0.5];
    /// let (mut a, mut b) = ([0.0f32; 3], [0.0f32; 3]);
    /// Softmax::new().backward_from_output_on(Isa::Scalar, &y, &dy, &mut a, 3);
    /// Softmax::new().backward_from_output_on(Isa::best(), &y, &dy, &mut b, 3);
    /// assert_eq!(a, b);
    ///
    /// // dx = y·(dy - Σ dy·y)
    /// let s: f64 = y.iter().zip(&dy).map(|(&y, &g)| y as f64 * g as f64).sum();
    /// for i in 0..3 {
    ///     let want = y[i] as f64 * (dy[i] as f64 - s);
    ///     assert!((a[i] as f64 - want).abs() <= 1e-6);
    /// }
    /// ```
    #[track_caller]
    fn backward_from_output_on<T: Element>(
        &self,
        isa: Isa,
        y: &[T],
        dy: &[T],
        dx: &mut [T],
        row_len: usize,
    ) {
        check_len("y and dx", y.len(), dx.len());
        check_len("dy and dx", dy.len(), dx.len());
        check_rows(y.len(), row_len);
        T::row_backward_on((*self).into(), isa, y, dy, dx, row_len)
    }

    /// `y = f(x)` row by row, on [`Isa::best`].
    ///
    /// ```
    /// use activation_kernels::rowwise::{LogSoftmax, RowActivation};
    ///
    /// let x = [3.0f32, -1.0, 0.0, 100.0];
    /// let mut y = [0.0f32; 4];
    /// LogSoftmax::new().forward(&x, &mut y, 4);
    /// assert!(y.iter().all(|&v| v <= 0.0)); // log-probabilities
    /// let total: f32 = y.iter().map(|v| v.exp()).sum();
    /// assert!((total - 1.0).abs() <= 4.0 * f32::EPSILON);
    /// ```
    #[track_caller]
    fn forward<T: Element>(&self, x: &[T], y: &mut [T], row_len: usize) {
        self.forward_on(Isa::best(), x, y, row_len)
    }

    /// `x = f(x)` row by row, on [`Isa::best`].
    ///
    /// ```
    /// use activation_kernels::rowwise::{RowActivation, Softmin};
    ///
    /// let mut x = [0.0f32, core::f32::consts::LN_2, 5.0, 5.0];
    /// Softmin::new().forward_in_place(&mut x, 2);
    /// // e^-0 : e^-(ln 2) = 2 : 1, and equal logits share equally.
    /// assert!((x[0] - 2.0 / 3.0).abs() <= f32::EPSILON);
    /// assert!((x[1] - 1.0 / 3.0).abs() <= f32::EPSILON);
    /// assert_eq!(&x[2..], &[0.5, 0.5]);
    /// ```
    #[track_caller]
    fn forward_in_place<T: Element>(&self, x: &mut [T], row_len: usize) {
        self.forward_in_place_on(Isa::best(), x, row_len)
    }

    /// `dx` from `y = f(x)` and `dy`, on [`Isa::best`].
    ///
    /// ```
    /// use activation_kernels::rowwise::{LogSoftmax, RowActivation};
    ///
    /// let mut y = [0.0f32; 3];
    /// LogSoftmax::new().forward(&[0.0, 1.0, -1.0], &mut y, 3);
    /// let dy = [1.0f32, 2.0, 3.0];
    /// let mut dx = [0.0f32; 3];
    /// LogSoftmax::new().backward_from_output(&y, &dy, &mut dx, 3);
    ///
    /// // dx = dy - e^y·Σ dy
    /// for i in 0..3 {
    ///     let want = dy[i] as f64 - (y[i] as f64).exp() * 6.0;
    ///     assert!((dx[i] as f64 - want).abs() <= 1e-5);
    /// }
    /// ```
    #[track_caller]
    fn backward_from_output<T: Element>(&self, y: &[T], dy: &[T], dx: &mut [T], row_len: usize) {
        self.backward_from_output_on(Isa::best(), y, dy, dx, row_len)
    }

    /// The exact function of one row, in f64 (the accuracy reference).
    ///
    /// ```
    /// # #[cfg(feature = "std")] {
    /// use activation_kernels::rowwise::{RowActivation, Softmax};
    /// use activation_kernels::ulp::ulp_error;
    ///
    /// let x = [0.0f32, core::f32::consts::LN_2];
    /// let r = Softmax::new().reference(&x);
    /// // 1/3 and 2/3, up to the rounding of ln 2 to f32
    /// assert!((r[0] - 1.0 / 3.0).abs() < 1e-7 && (r[1] - 2.0 / 3.0).abs() < 1e-7);
    ///
    /// // The f32 kernels stay within 4 ULP of it.
    /// let mut y = [0.0f32; 2];
    /// Softmax::new().forward(&x, &mut y, 2);
    /// assert!(y.iter().zip(&r).all(|(&y, &r)| ulp_error(y, r) <= 4.0));
    /// # }
    /// ```
    fn reference(&self, row: &[f32]) -> RowReference;
}

/// The f64 result of a row-wise function on one row (see [`RowActivation::reference`]).
///
/// ```
/// use activation_kernels::rowwise::{RowActivation, RowReference, Softmin};
///
/// let r: RowReference = Softmin::new().reference(&[2.0, 2.0, 2.0, 2.0]);
/// assert_eq!(r, vec![0.25; 4]);
/// ```
#[cfg(feature = "std")]
pub type RowReference = std::vec::Vec<f64>;
/// Without `std`, references are not available.
#[cfg(not(feature = "std"))]
pub type RowReference = ();

// `$masked` (used only in the generated doc examples): the logit of a fully masked row
// (`-inf`; `+inf` for softmin).
macro_rules! row_activation {
    (
        $(#[$doc:meta])* $ty:ident, $kind:expr, $name:literal, $masked:literal
    ) => {
        $(#[$doc])*
        #[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $ty {
            /// Policy for rows that are entirely `-inf`.
            pub masked: MaskedRows,
        }

        impl $ty {
            /// The default: fully masked rows give NaN.
            ///
            /// ```
            #[doc = concat!("use activation_kernels::rowwise::{MaskedRows, RowActivation, ", stringify!($ty), "};")]
            ///
            #[doc = concat!("const F: ", stringify!($ty), " = ", stringify!($ty), "::new(); // usable in constants")]
            #[doc = concat!("assert_eq!(F, ", stringify!($ty), "::default());")]
            /// assert_eq!(F.masked, MaskedRows::Nan);
            ///
            /// let mut y = [0.0f32; 2];
            #[doc = concat!("F.forward(&[", $masked, "; 2], &mut y, 2); // a fully masked row")]
            /// assert!(y[0].is_nan() && y[1].is_nan());
            /// ```
            #[must_use]
            pub const fn new() -> Self {
                $ty { masked: MaskedRows::Nan }
            }
            /// The same function with another policy for fully masked rows.
            ///
            /// ```
            #[doc = concat!("use activation_kernels::rowwise::{MaskedRows, RowActivation, ", stringify!($ty), "};")]
            ///
            #[doc = concat!("let f = ", stringify!($ty), "::new().masked_rows(MaskedRows::Zero);")]
            /// assert_eq!(f.masked, MaskedRows::Zero);
            /// let mut y = [1.0f32; 2];
            #[doc = concat!("f.forward(&[", $masked, "; 2], &mut y, 2); // a fully masked row")]
            /// assert_eq!(y, [0.0, 0.0]);
            ///
            /// // Other rows are not affected.
            /// let x = [0.5f32, -1.0, 2.0];
            /// let (mut a, mut b) = ([0.0f32; 3], [0.0f32; 3]);
            /// f.forward(&x, &mut a, 3);
            #[doc = concat!(stringify!($ty), "::new().forward(&x, &mut b, 3);")]
            /// assert_eq!(a, b);
            /// ```
            #[must_use = "masked_rows returns a new value; the original is unchanged"]
            pub const fn masked_rows(self, masked: MaskedRows) -> Self {
                $ty { masked }
            }
        }

        impl RowActivation for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            #[cfg(feature = "std")]
            fn reference(&self, row: &[f32]) -> RowReference {
                reference(self.masked, $kind, row)
            }
            #[cfg(not(feature = "std"))]
            fn reference(&self, _row: &[f32]) -> RowReference {}
        }

        impl From<$ty> for RowFunction {
            fn from(f: $ty) -> RowFunction {
                RowFunction::$ty(f)
            }
        }
    };
}

row_activation!(
    /// Softmax `y_i = e^{x_i} / Σ_j e^{x_j}` over each row. See the [module docs](self).
    ///
    /// ```
    /// use activation_kernels::rowwise::{RowActivation, Softmax};
    ///
    /// // Rows [0, ln 2] and [-inf, 1]: e^0 : e^(ln 2) = 1 : 2; a -inf logit gets probability 0.
    /// let x = [0.0f32, core::f32::consts::LN_2, f32::NEG_INFINITY, 1.0];
    /// let mut y = [0.0f32; 4];
    /// Softmax::new().forward(&x, &mut y, 2);
    /// assert!((y[0] - 1.0 / 3.0).abs() <= f32::EPSILON);
    /// assert!((y[1] - 2.0 / 3.0).abs() <= f32::EPSILON);
    /// assert_eq!(&y[2..], &[0.0, 1.0]);
    /// ```
    Softmax, Kind::Softmax, "softmax", "f32::NEG_INFINITY"
);
row_activation!(
    /// Log-softmax `y_i = x_i - ln Σ_j e^{x_j}` over each row. See the [module docs](self).
    ///
    /// ```
    /// use activation_kernels::rowwise::{LogSoftmax, RowActivation};
    ///
    /// let x = [0.0f32, core::f32::consts::LN_2];
    /// let mut y = [0.0f32; 2];
    /// LogSoftmax::new().forward(&x, &mut y, 2);
    /// // ln(1/3) and ln(2/3): log-probabilities, never positive.
    /// assert!((y[0] + 3.0f32.ln()).abs() <= 2.0 * f32::EPSILON);
    /// assert!((y[1] - (2.0f32 / 3.0).ln()).abs() <= 2.0 * f32::EPSILON);
    /// assert!(y.iter().all(|&v| v <= 0.0));
    /// ```
    LogSoftmax, Kind::LogSoftmax, "log_softmax", "f32::NEG_INFINITY"
);
row_activation!(
    /// Softmin `y_i = e^{-x_i} / Σ_j e^{-x_j}` (softmax of `-x`) over each row. See the
    /// [module docs](self).
    ///
    /// ```
    /// use activation_kernels::rowwise::{RowActivation, Softmax, Softmin};
    ///
    /// let x = [0.0f32, core::f32::consts::LN_2, 4.0];
    /// let (mut y, mut z) = ([0.0f32; 3], [0.0f32; 3]);
    /// Softmin::new().forward(&x, &mut y, 3);
    /// Softmax::new().forward(&x.map(|v| -v), &mut z, 3);
    /// assert_eq!(y, z); // softmax of -x
    /// assert!(y[0] > y[1] && y[1] > y[2]); // the smallest logit gets the most weight
    ///
    /// // Here `+inf` is the masking value.
    /// Softmin::new().forward(&[f32::INFINITY, 1.0, 1.0], &mut y, 3);
    /// assert_eq!(y, [0.0, 0.5, 0.5]);
    /// ```
    Softmin, Kind::Softmin, "softmin", "f32::INFINITY"
);

#[track_caller]
pub(crate) fn check_rows(len: usize, row_len: usize) {
    if row_len == 0 {
        if len != 0 {
            row_error(len, row_len)
        }
    } else if !len.is_multiple_of(row_len) {
        row_error(len, row_len)
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn row_error(len: usize, row_len: usize) -> ! {
    panic!(
        "activation-kernels: slice length {len} is not a whole number of rows of length {row_len}"
    )
}

/// Input/output of a forward pass: separate slices, or one slice in place.
enum Io<'a> {
    Split(&'a [f32], &'a mut [f32]),
    InPlace(&'a mut [f32]),
}

impl Io<'_> {
    #[inline(always)]
    fn len(&self) -> usize {
        match self {
            Io::Split(x, _) => x.len(),
            Io::InPlace(x) => x.len(),
        }
    }
    #[inline(always)]
    fn input(&self) -> &[f32] {
        match self {
            Io::Split(x, _) => x,
            Io::InPlace(x) => x,
        }
    }
    #[inline(always)]
    fn output(&mut self) -> &mut [f32] {
        match self {
            Io::Split(_, y) => y,
            Io::InPlace(x) => x,
        }
    }
}

/// `(max, bad)` of a row (`bad`: it contains NaN). Negated first for softmin. The max of a set
/// does not depend on the evaluation order; `±0` are made `+0`.
#[inline(always)]
fn row_max<S: Simd>(s: S, x: &[f32], neg: bool) -> (f32, bool) {
    let (head, tail) = S::as_simd_f32s(x);
    // Four independent running maxima (a single one is a chain of compare + blend, one vector
    // per latency); combined at the end, which gives the same max.
    let mut acc = [V::splat(s, f32::NEG_INFINITY); 4];
    let mut bad = V::splat(s, 0.0).is_nan();
    let (quads, rest) = head.as_chunks::<4>();
    for q in quads {
        for (a, &v) in acc.iter_mut().zip(q) {
            let v = V::new(s, v);
            let v = if neg { -v } else { v };
            bad = bad | v.is_nan();
            *a = v.gt(*a).select(v, *a);
        }
    }
    for &v in rest {
        let v = V::new(s, v);
        let v = if neg { -v } else { v };
        bad = bad | v.is_nan();
        acc[0] = v.gt(acc[0]).select(v, acc[0]);
    }
    let acc = acc
        .into_iter()
        .reduce(|a, b| b.gt(a).select(b, a))
        .unwrap_or(acc[0]);
    let mut m = lane_max(acc);
    let mut nan = bad.any();
    for &v in tail {
        let v = if neg { -v } else { v };
        nan |= v.is_nan();
        if v > m {
            m = v;
        }
    }
    (m + 0.0, nan)
}

/// The largest lane of `acc` (NaN lanes never win).
#[inline(always)]
fn lane_max<S: Simd>(acc: V<S>) -> f32 {
    let mut lanes = [f32::NEG_INFINITY; SLOTS];
    let n = S::F32_LANES;
    S::as_mut_simd_f32s(&mut lanes[..n]).0[0] = acc.v;
    let mut m = f32::NEG_INFINITY;
    for &v in &lanes[..n] {
        if v > m {
            m = v;
        }
    }
    m
}

/// The fill value of a special row (NaN or `+inf` present, or fully masked), if it is one.
#[inline(always)]
fn special_fill(nan: bool, m: f32, masked: MaskedRows) -> Option<f32> {
    if nan || m == f32::INFINITY || m == f32::NEG_INFINITY {
        Some(
            if !nan && m == f32::NEG_INFINITY && masked == MaskedRows::Zero {
                0.0
            } else {
                f32::NAN
            },
        )
    } else {
        None
    }
}

/// Pass-1 term `2^64·e^(x - m)` (`x` negated first for softmin; see the module docs).
#[inline(always)]
fn exp_term<S: Simd>(x: V<S>, mv: V<S>, neg: bool) -> V<S> {
    let x = if neg { -x } else { x };
    let (d, d_lo) = two_diff_finite(x, mv);
    // Fast path: every difference at least -104 (the common case), where neither the -inf
    // fix-up of the low word nor the underflow clamp applies: the same bits.
    if d.ge(d.k(-104.0)).all() {
        return exp_dw_2p64_in_range(d, d_lo);
    }
    exp_dw_2p64(d, d.gt(d.k(f32::NEG_INFINITY)).select(d_lo, d.k(0.0)))
}

/// `L = ln S` of log-softmax from the pass-1 sum `S' = 2^64·S` as `(sum, sum_lo)`.
#[inline(always)]
fn log_norm<S: Simd>(s: S, sum: f32, sum_lo: f32) -> V<S> {
    // L = ln(S) = ln1p(S - 1): S >= 1 (the max contributes e^0 = 1), and S - 1 is exact
    // for S < 2; beyond, its rounding is far below L's own ULP. (Scaling by 2^-64 is exact
    // for the head; the tail may round in the subnormal range, below L's ULP.)
    const TWO_M64: f32 = f32::from_bits(0x1F80_0000);
    ln1p(V::splat(s, (sum * TWO_M64 - 1.0) + sum_lo * TWO_M64))
}

/// Log-softmax output `(x - m) - L`, with `x - m` as an exact double-f32.
#[inline(always)]
fn log_term<S: Simd>(x: V<S>, mv: V<S>, l: V<S>) -> V<S> {
    let (d, d_lo) = two_diff(x, mv);
    (d - l) + d_lo
}

/// `1/S'` as `(r, r_lo)`: r = RN(1/S'_hi), r_lo = (1 - S'_hi·r - S'_lo·r)/S'_hi.
#[inline(always)]
fn recip_norm<S: Simd>(s: S, sum: f32, sum_lo: f32) -> (V<S>, V<S>) {
    let r = 1.0 / sum;
    let r_lo = (libm::fmaf(-sum, r, 1.0) - sum_lo * r) / sum;
    (V::splat(s, r), V::splat(s, r_lo))
}

/// Softmax output `e·(r + r_lo)` with one rounding (correct in the subnormal range).
#[inline(always)]
fn scale_term<S: Simd>(e: V<S>, rv: V<S>, rlv: V<S>) -> V<S> {
    e.mul_add(rv, e * rlv)
}

/// The forward driver: every row, one dispatch.
struct Forward<'a> {
    kind: Kind,
    masked: MaskedRows,
    row_len: usize,
    io: Io<'a>,
}

impl WithSimd for Forward<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        let Forward {
            kind,
            masked,
            row_len,
            mut io,
        } = self;
        if row_len == 0 {
            return;
        }
        let rows = io.len() / row_len;
        for r in 0..rows {
            let start = r * row_len;
            forward_row(s, kind, masked, &mut io, start, row_len);
        }
    }
}

#[inline(always)]
fn forward_row<S: Simd>(
    s: S,
    kind: Kind,
    masked: MaskedRows,
    io: &mut Io<'_>,
    start: usize,
    n: usize,
) {
    let neg = kind == Kind::Softmin;
    let (m, nan) = row_max(s, &io.input()[start..start + n], neg);
    if let Some(fill) = special_fill(nan, m, masked) {
        io.output()[start..start + n].fill(fill);
        return;
    }
    let n_vec = SLOTS / S::F32_LANES;
    let log = kind == Kind::LogSoftmax;
    let mv = V::splat(s, m);
    // Pass 1: e = exp(x - m) (stored, except for log-softmax), S = Σ e.
    let mut slots = Slots::<S>::new(s);
    // Padding that contributes e = 0 (after the negation, for softmin).
    let pad = if neg {
        f32::INFINITY
    } else {
        f32::NEG_INFINITY
    };
    let mut i = 0;
    while i < n {
        let k = (n - i).min(SLOTS);
        let mut xv = load_block(s, &io.input()[start + i..start + i + k], pad);
        for (j, v) in xv[..n_vec].iter_mut().enumerate() {
            let e = exp_term(V::new(s, *v), mv, neg);
            slots.add(s, j, e, V::splat(s, 0.0));
            *v = e.v;
        }
        if !log {
            store_block(s, &mut io.output()[start + i..start + i + k], &xv);
        }
        i += k;
    }
    // The terms are 2^64·e^(x - m): S' = 2^64·S, formed without subnormal terms.
    let (sum, sum_lo) = slots.total(n_vec);
    // Pass 2: normalise.
    if log {
        let l = log_norm(s, sum, sum_lo);
        let mut i = 0;
        while i < n {
            let k = (n - i).min(SLOTS);
            let mut xv = load_block(s, &io.input()[start + i..start + i + k], 0.0);
            for v in xv[..n_vec].iter_mut() {
                *v = log_term(V::new(s, *v), mv, l).v;
            }
            store_block(s, &mut io.output()[start + i..start + i + k], &xv);
            i += k;
        }
    } else {
        // y = 2^64·e^(x-m) · (r + r_lo), 1/S' carrying the 2^-64.
        let (rv, rlv) = recip_norm(s, sum, sum_lo);
        let y = &mut io.output()[start..start + n];
        let (head, tail) = S::as_mut_simd_f32s(y);
        for v in head.iter_mut() {
            *v = scale_term(V::new(s, *v), rv, rlv).v;
        }
        if !tail.is_empty() {
            let e = V::new(s, s.partial_load_f32s(tail));
            s.partial_store_f32s(tail, scale_term(e, rv, rlv).v);
        }
    }
}

/// A block of up to `SLOTS` elements as the vectors of `S` (a full block is loaded in place;
/// a partial one is padded with `pad`).
#[inline(always)]
fn load_block<S: Simd>(s: S, src: &[f32], pad: f32) -> [S::f32s; SLOTS] {
    let mut out = [s.splat_f32s(pad); SLOTS];
    let n_vec = SLOTS / S::F32_LANES;
    match src.first_chunk::<SLOTS>() {
        Some(b) => out[..n_vec].copy_from_slice(vecs::<S>(b)),
        None => {
            let mut b = [pad; SLOTS];
            b[..src.len()].copy_from_slice(src);
            out[..n_vec].copy_from_slice(vecs::<S>(&b));
        }
    }
    out
}

/// Stores the first `dst.len()` (≤ `SLOTS`) lanes of a block.
#[inline(always)]
fn store_block<S: Simd>(_s: S, dst: &mut [f32], v: &[S::f32s; SLOTS]) {
    let n_vec = SLOTS / S::F32_LANES;
    match dst.first_chunk_mut::<SLOTS>() {
        Some(b) => vecs_mut::<S>(b).copy_from_slice(&v[..n_vec]),
        None => {
            let mut b = [0.0f32; SLOTS];
            vecs_mut::<S>(&mut b).copy_from_slice(&v[..n_vec]);
            let k = dst.len();
            dst.copy_from_slice(&b[..k]);
        }
    }
}

/// `a - b` as `(hi, lo)` exactly (TwoSum) for finite `b`; where the difference is `-inf`
/// (`a = -inf`, or an overflow) `lo` is 0.
#[inline(always)]
fn two_diff<S: Simd>(a: V<S>, b: V<S>) -> (V<S>, V<S>) {
    let (d, lo) = two_diff_finite(a, b);
    (d, d.gt(d.k(f32::NEG_INFINITY)).select(lo, d.k(0.0)))
}

/// [`two_diff`] without the fix-up: `lo` is exact where `a - b` is finite (NaN elsewhere).
#[inline(always)]
fn two_diff_finite<S: Simd>(a: V<S>, b: V<S>) -> (V<S>, V<S>) {
    let d = a - b;
    let bb = d - a;
    (d, (a - (d - bb)) - (b + bb))
}

/// The backward driver.
struct Backward<'a> {
    kind: Kind,
    row_len: usize,
    y: &'a [f32],
    dy: &'a [f32],
    dx: &'a mut [f32],
}

impl WithSimd for Backward<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        let Backward {
            kind,
            row_len,
            y,
            dy,
            dx,
        } = self;
        if row_len == 0 {
            return;
        }
        let n_vec = SLOTS / S::F32_LANES;
        for ((y, dy), dx) in y
            .chunks_exact(row_len)
            .zip(dy.chunks_exact(row_len))
            .zip(dx.chunks_exact_mut(row_len))
        {
            // Σ dy·y (softmax, softmin) or Σ dy (log-softmax), in the fixed slots.
            let mut slots = Slots::<S>::new(s);
            let mut all_zero = true;
            let mut i = 0;
            while i < row_len {
                let k = (row_len - i).min(SLOTS);
                let yv = load_block(s, &y[i..i + k], 0.0);
                let gv = load_block(s, &dy[i..i + k], 0.0);
                all_zero &= y[i..i + k].iter().all(|&v| v == 0.0);
                back_accumulate(s, kind, &mut slots, &yv, &gv);
                i += k;
            }
            let (sum, sum_lo) = slots.total(n_vec);
            let sv = V::splat(s, sum + sum_lo);
            let zero_grad = all_zero && row_len > 1;
            // Apply: one vector kernel over the row (bit-identical tails via partial loads).
            let (yh, yt) = S::as_simd_f32s(y);
            let (gh, gt) = S::as_simd_f32s(dy);
            let (dh, dt) = S::as_mut_simd_f32s(dx);
            for ((d, &yv), &gv) in dh.iter_mut().zip(yh).zip(gh) {
                *d = back_term(kind, zero_grad, V::new(s, yv), V::new(s, gv), sv).v;
            }
            if !dt.is_empty() {
                let yv = V::new(s, s.partial_load_f32s(yt));
                let gv = V::new(s, s.partial_load_f32s(gt));
                s.partial_store_f32s(dt, back_term(kind, zero_grad, yv, gv, sv).v);
            }
        }
    }
}

/// Adds one block's terms of `Σ dy·y` (softmax, softmin; products split exactly by FMA) or
/// `Σ dy` (log-softmax) into the slots.
#[inline(always)]
fn back_accumulate<S: Simd>(
    s: S,
    kind: Kind,
    slots: &mut Slots<S>,
    yv: &[S::f32s; SLOTS],
    gv: &[S::f32s; SLOTS],
) {
    let n_vec = SLOTS / S::F32_LANES;
    for j in 0..n_vec {
        let (yv, gv) = (V::new(s, yv[j]), V::new(s, gv[j]));
        if kind == Kind::LogSoftmax {
            slots.add(s, j, gv, V::splat(s, 0.0));
        } else {
            let p = gv * yv;
            let p_lo = gv.mul_add(yv, -p);
            slots.add(s, j, p, p_lo);
        }
    }
}

/// One vector of `dx` from `y`, `dy` and the row's sum `sv`. `zero_grad`: the row is all zeros
/// and longer than 1 (a fully masked row zeroed by `MaskedRows::Zero`; no valid log-softmax
/// row of length > 1 is all zeros), whose log-softmax gradient is zero.
#[inline(always)]
fn back_term<S: Simd>(kind: Kind, zero_grad: bool, yv: V<S>, gv: V<S>, sv: V<S>) -> V<S> {
    match kind {
        Kind::Softmax => yv * (gv - sv),
        Kind::Softmin => -(yv * (gv - sv)),
        Kind::LogSoftmax => {
            if zero_grad {
                yv.k(0.0)
            } else {
                exp(yv).neg_mul_add(sv, gv)
            }
        }
    }
}

/// The exact row function in f64 (`masked` decides fully masked rows).
#[cfg(feature = "std")]
fn reference(masked: MaskedRows, kind: Kind, row: &[f32]) -> std::vec::Vec<f64> {
    let x: std::vec::Vec<f64> = row
        .iter()
        .map(|&v| {
            if kind == Kind::Softmin {
                -(v as f64)
            } else {
                v as f64
            }
        })
        .collect();
    let nan = x.iter().any(|v| v.is_nan());
    let m = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if nan || m == f64::INFINITY || m == f64::NEG_INFINITY {
        let fill = if !nan && m == f64::NEG_INFINITY && masked == MaskedRows::Zero {
            0.0
        } else {
            f64::NAN
        };
        return std::vec![fill; row.len()];
    }
    // S - 1 (the terms other than one instance of the max, which contributes exactly 1), as a
    // compensated f64 sum, so ln S = ln1p(S - 1) keeps its digits when S - 1 is tiny.
    let first_max = x.iter().position(|&v| v == m).unwrap_or(0);
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for (i, &v) in x.iter().enumerate() {
        if i == first_max {
            continue;
        }
        let e = libm::exp(v - m);
        let t = s + e;
        c += if s.abs() >= e.abs() {
            (s - t) + e
        } else {
            (e - t) + s
        };
        s = t;
    }
    let s1 = s + c;
    let s = 1.0 + s1;
    match kind {
        Kind::Softmax | Kind::Softmin => x.iter().map(|&v| libm::exp(v - m) / s).collect(),
        Kind::LogSoftmax => {
            let l = libm::log1p(s1);
            x.iter().map(|&v| (v - m) - l).collect()
        }
    }
}

/// Any of the row-wise functions, chosen at run time (see [`crate::registry::lookup_rowwise`]).
///
/// ```
/// use activation_kernels::rowwise::{RowActivation, RowFunction, Softmin};
///
/// let f: RowFunction = Softmin::new().into();
/// assert_eq!(f, RowFunction::Softmin(Softmin::new()));
/// assert_eq!(f.name(), "softmin");
///
/// // It computes exactly what the function it holds computes.
/// let x = [1.0f32, -0.5, 2.0, 0.0];
/// let (mut a, mut b) = ([0.0f32; 4], [0.0f32; 4]);
/// f.forward(&x, &mut a, 4);
/// Softmin::new().forward(&x, &mut b, 4);
/// assert_eq!(a, b);
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RowFunction {
    /// [`Softmax`].
    Softmax(Softmax),
    /// [`LogSoftmax`].
    LogSoftmax(LogSoftmax),
    /// [`Softmin`].
    Softmin(Softmin),
}

/// Canonical names of the row-wise functions, then aliases.
///
/// ```
/// use activation_kernels::{registry::lookup_rowwise, rowwise::{NAMES, RowActivation}};
///
/// for name in NAMES {
///     assert!(lookup_rowwise(name).is_ok(), "{name}");
/// }
/// assert_eq!(lookup_rowwise(NAMES[3]).unwrap().name(), "log_softmax"); // an alias
/// ```
pub const NAMES: [&str; 4] = ["softmax", "log_softmax", "softmin", "logsoftmax"];

impl RowFunction {
    /// The function called `name` (canonical or alias, exact match), default options.
    pub(crate) fn from_canonical(name: &str) -> Option<Self> {
        match name {
            "softmax" => Some(RowFunction::Softmax(Softmax::new())),
            "log_softmax" | "logsoftmax" => Some(RowFunction::LogSoftmax(LogSoftmax::new())),
            "softmin" => Some(RowFunction::Softmin(Softmin::new())),
            _ => None,
        }
    }

    /// The function's kind and masked-row policy.
    fn parts(self) -> (Kind, MaskedRows) {
        match self {
            RowFunction::Softmax(f) => (Kind::Softmax, f.masked),
            RowFunction::LogSoftmax(f) => (Kind::LogSoftmax, f.masked),
            RowFunction::Softmin(f) => (Kind::Softmin, f.masked),
        }
    }

    /// The same function with another policy for fully masked rows.
    ///
    /// ```
    /// use activation_kernels::registry::lookup_rowwise;
    /// use activation_kernels::rowwise::{MaskedRows, RowActivation};
    ///
    /// let f = lookup_rowwise("softmax").unwrap().masked_rows(MaskedRows::Zero);
    /// let mut y = [1.0f32; 4];
    /// f.forward(&[f32::NEG_INFINITY; 4], &mut y, 2);
    /// assert_eq!(y, [0.0; 4]); // zeros instead of NaN
    /// ```
    #[must_use = "masked_rows returns a new value; the original is unchanged"]
    pub fn masked_rows(self, masked: MaskedRows) -> Self {
        match self {
            RowFunction::Softmax(f) => RowFunction::Softmax(f.masked_rows(masked)),
            RowFunction::LogSoftmax(f) => RowFunction::LogSoftmax(f.masked_rows(masked)),
            RowFunction::Softmin(f) => RowFunction::Softmin(f.masked_rows(masked)),
        }
    }
}

macro_rules! delegate {
    ($self:ident, $f:ident => $e:expr) => {
        match $self {
            RowFunction::Softmax($f) => $e,
            RowFunction::LogSoftmax($f) => $e,
            RowFunction::Softmin($f) => $e,
        }
    };
}

impl RowActivation for RowFunction {
    fn name(&self) -> &'static str {
        delegate!(self, f => f.name())
    }
    fn reference(&self, row: &[f32]) -> RowReference {
        delegate!(self, f => f.reference(row))
    }
}

impl RowFunction {
    /// The f32 kernels (lengths already checked by [`RowActivation`]).
    #[track_caller]
    pub(crate) fn forward_f32_on(self, isa: Isa, x: &[f32], y: &mut [f32], row_len: usize) {
        let (kind, masked) = self.parts();
        isa.dispatch(Forward {
            kind,
            masked,
            row_len,
            io: Io::Split(x, y),
        })
    }
    #[track_caller]
    pub(crate) fn forward_in_place_f32_on(self, isa: Isa, x: &mut [f32], row_len: usize) {
        let (kind, masked) = self.parts();
        isa.dispatch(Forward {
            kind,
            masked,
            row_len,
            io: Io::InPlace(x),
        })
    }
    #[track_caller]
    pub(crate) fn backward_f32_on(
        self,
        isa: Isa,
        y: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        row_len: usize,
    ) {
        let (kind, _) = self.parts();
        isa.dispatch(Backward {
            kind,
            row_len,
            y,
            dy,
            dx,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Other element types (`half::bf16`, `half::f16`; feature `half`).

/// Forward over half values (their bits), `C` the type's conversions.
#[cfg(feature = "half")]
#[track_caller]
pub(crate) fn half_forward_on<H: HalfKind>(
    f: RowFunction,
    isa: Isa,
    x: &[u16],
    y: &mut [u16],
    row_len: usize,
) {
    check_len("input and output", x.len(), y.len());
    half_forward_io::<H>(f, isa, HIo::Split(x, y), row_len)
}

/// Forward in place over half values.
#[cfg(feature = "half")]
#[track_caller]
pub(crate) fn half_forward_in_place_on<H: HalfKind>(
    f: RowFunction,
    isa: Isa,
    x: &mut [u16],
    row_len: usize,
) {
    half_forward_io::<H>(f, isa, HIo::InPlace(x), row_len)
}

#[cfg(feature = "half")]
#[track_caller]
fn half_forward_io<H: HalfKind>(f: RowFunction, isa: Isa, io: HIo<'_>, row_len: usize) {
    check_rows(io.len(), row_len);
    let (kind, masked) = f.parts();
    let job = HForward {
        kind,
        masked,
        row_len,
        io,
    };
    H::dispatch(isa, job)
}

/// Backward over half values.
#[cfg(feature = "half")]
#[track_caller]
pub(crate) fn half_backward_on<H: HalfKind>(
    f: RowFunction,
    isa: Isa,
    y: &[u16],
    dy: &[u16],
    dx: &mut [u16],
    row_len: usize,
) {
    check_len("y and dx", y.len(), dx.len());
    check_len("dy and dx", dy.len(), dx.len());
    check_rows(y.len(), row_len);
    H::dispatch(
        isa,
        HBackward {
            kind: f.parts().0,
            row_len,
            y,
            dy,
            dx,
        },
    )
}

/// Input/output of a half forward pass (the values' bits).
#[cfg(feature = "half")]
enum HIo<'a> {
    Split(&'a [u16], &'a mut [u16]),
    InPlace(&'a mut [u16]),
}

#[cfg(feature = "half")]
impl HIo<'_> {
    #[inline(always)]
    fn len(&self) -> usize {
        match self {
            HIo::Split(x, _) => x.len(),
            HIo::InPlace(x) => x.len(),
        }
    }
    #[inline(always)]
    fn input(&self) -> &[u16] {
        match self {
            HIo::Split(x, _) => x,
            HIo::InPlace(x) => x,
        }
    }
    #[inline(always)]
    fn output(&mut self) -> &mut [u16] {
        match self {
            HIo::Split(_, y) => y,
            HIo::InPlace(x) => x,
        }
    }
}

/// A block of up to `SLOTS` half values widened to the f32 vectors of `S`, the layout of
/// [`load_block`] (so blocks feed the same slots); lanes past the end hold the half value
/// `pad` (bits), widened.
#[cfg(feature = "half")]
#[inline(always)]
fn load_block_h<C: Codec, S: Simd>(s: S, src: &[u16], pad: u16) -> [S::f32s; SLOTS] {
    let b: [u16; SLOTS] = match src.first_chunk::<SLOTS>() {
        Some(b) => *b,
        None => {
            let mut b = [pad; SLOTS];
            b[..src.len()].copy_from_slice(src);
            b
        }
    };
    C::widen_block(s, &b)
}

/// Rounds the first `dst.len()` (≤ `SLOTS`) lanes of a block into half values.
#[cfg(feature = "half")]
#[inline(always)]
fn store_block_h<C: Codec, S: Simd>(s: S, dst: &mut [u16], v: &[S::f32s; SLOTS]) {
    let h = C::narrow_block(s, v);
    match dst.first_chunk_mut::<SLOTS>() {
        Some(b) => *b = h,
        None => {
            let k = dst.len();
            dst.copy_from_slice(&h[..k]);
        }
    }
}

/// `v` (exactly representable) as a half value's bits.
#[cfg(feature = "half")]
#[inline(always)]
fn half_bits<C: Codec, S: Simd>(s: S, v: f32) -> u16 {
    let mut w = [0u32; SLOTS];
    S::as_mut_simd_u32s(&mut w[..S::F32_LANES]).0[0] = C::narrow(V::splat(s, v)).v;
    (w[0] >> 16) as u16
}

/// `(max, bad)` of a row of half values, as [`row_max`] on the widened row.
#[cfg(feature = "half")]
#[inline(always)]
fn row_max_h<C: Codec, S: Simd>(s: S, x: &[u16], neg: bool) -> (f32, bool) {
    // Padding that never wins (after the negation, for softmin).
    let pad = half_bits::<C, S>(
        s,
        if neg {
            f32::INFINITY
        } else {
            f32::NEG_INFINITY
        },
    );
    let n_vec = SLOTS / S::F32_LANES;
    let mut acc = V::splat(s, f32::NEG_INFINITY);
    let mut bad = V::splat(s, 0.0).is_nan();
    for b in x.chunks(SLOTS) {
        let xv = load_block_h::<C, S>(s, b, pad);
        for &v in &xv[..n_vec] {
            let v = V::new(s, v);
            let v = if neg { -v } else { v };
            bad = bad | v.is_nan();
            acc = v.gt(acc).select(v, acc);
        }
    }
    (lane_max(acc) + 0.0, bad.any())
}

/// The forward driver over half values.
#[cfg(feature = "half")]
struct HForward<'a> {
    kind: Kind,
    masked: MaskedRows,
    row_len: usize,
    io: HIo<'a>,
}

#[cfg(feature = "half")]
impl HalfJob for HForward<'_> {
    #[inline(always)]
    fn run<C: Codec, S: Simd>(self, s: S) {
        let HForward {
            kind,
            masked,
            row_len,
            mut io,
            ..
        } = self;
        if row_len == 0 {
            return;
        }
        // The exponentials of each row's first `E_BUF` values, kept between the passes.
        let mut e_buf = [[0.0f32; SLOTS]; E_BUF / SLOTS];
        for r in 0..io.len() / row_len {
            forward_row_h::<C, S>(s, kind, masked, &mut io, &mut e_buf, r * row_len, row_len);
        }
    }
}

/// How many exponentials of a half row the forward pass keeps (4 KiB of stack) so softmax and
/// softmin need not recompute them; past that they are recomputed (same bits).
#[cfg(feature = "half")]
const E_BUF: usize = 1024;

/// One row of half values: the arithmetic of [`forward_row`] on the widened row, block by
/// block. Nothing is written before the last pass (which reads each block before writing
/// it), so in place works. The output cannot hold the f32 exponentials between the passes as
/// in f32, so softmax keeps the first [`E_BUF`] of them in `e_buf` and recomputes the rest.
#[cfg(feature = "half")]
#[inline(always)]
fn forward_row_h<C: Codec, S: Simd>(
    s: S,
    kind: Kind,
    masked: MaskedRows,
    io: &mut HIo<'_>,
    e_buf: &mut [[f32; SLOTS]; E_BUF / SLOTS],
    start: usize,
    n: usize,
) {
    let neg = kind == Kind::Softmin;
    let (m, nan) = row_max_h::<C, S>(s, &io.input()[start..start + n], neg);
    if let Some(fill) = special_fill(nan, m, masked) {
        io.output()[start..start + n].fill(half_bits::<C, S>(s, fill));
        return;
    }
    let n_vec = SLOTS / S::F32_LANES;
    let mv = V::splat(s, m);
    // Padding that contributes e = 0 (after the negation, for softmin), as in `forward_row`.
    let pad = half_bits::<C, S>(
        s,
        if neg {
            f32::INFINITY
        } else {
            f32::NEG_INFINITY
        },
    );
    // Pass 1: S' = Σ 2^64·e^(x - m) in the fixed slots.
    let mut slots = Slots::<S>::new(s);
    let keep = kind != Kind::LogSoftmax;
    for (bi, b) in io.input()[start..start + n].chunks(SLOTS).enumerate() {
        let xv = load_block_h::<C, S>(s, b, pad);
        let mut kept = e_buf.get_mut(bi).filter(|_| keep);
        for (j, &v) in xv[..n_vec].iter().enumerate() {
            let e = exp_term(V::new(s, v), mv, neg);
            if let Some(k) = kept.as_deref_mut() {
                S::as_mut_simd_f32s(k).0[j] = e.v;
            }
            slots.add(s, j, e, V::splat(s, 0.0));
        }
    }
    let (sum, sum_lo) = slots.total(n_vec);
    // Pass 2: normalise and round.
    let log = kind == Kind::LogSoftmax;
    let l = if log {
        log_norm(s, sum, sum_lo)
    } else {
        V::splat(s, 0.0)
    };
    let (rv, rlv) = if log {
        (V::splat(s, 0.0), V::splat(s, 0.0))
    } else {
        recip_norm(s, sum, sum_lo)
    };
    let mut i = 0;
    while i < n {
        let k = (n - i).min(SLOTS);
        let (lo, hi) = (start + i, start + i + k);
        let xv = match e_buf.get(i / SLOTS).filter(|_| keep) {
            // Softmax/softmin block whose exponentials pass 1 kept.
            Some(kept) => {
                let mut xv = [s.splat_f32s(0.0); SLOTS];
                xv[..n_vec].copy_from_slice(&S::as_simd_f32s(kept).0[..n_vec]);
                for v in xv[..n_vec].iter_mut() {
                    *v = scale_term(V::new(s, *v), rv, rlv).v;
                }
                xv
            }
            None => {
                let mut xv =
                    load_block_h::<C, S>(s, &io.input()[lo..hi], if log { 0 } else { pad });
                for v in xv[..n_vec].iter_mut() {
                    let x = V::new(s, *v);
                    *v = if log {
                        log_term(x, mv, l).v
                    } else {
                        scale_term(exp_term(x, mv, neg), rv, rlv).v
                    };
                }
                xv
            }
        };
        store_block_h::<C, S>(s, &mut io.output()[lo..hi], &xv);
        i += k;
    }
}

/// The backward driver over half values.
#[cfg(feature = "half")]
struct HBackward<'a> {
    kind: Kind,
    row_len: usize,
    y: &'a [u16],
    dy: &'a [u16],
    dx: &'a mut [u16],
}

#[cfg(feature = "half")]
impl HalfJob for HBackward<'_> {
    #[inline(always)]
    fn run<C: Codec, S: Simd>(self, s: S) {
        let HBackward {
            kind,
            row_len,
            y,
            dy,
            dx,
            ..
        } = self;
        if row_len == 0 {
            return;
        }
        let n_vec = SLOTS / S::F32_LANES;
        for ((y, dy), dx) in y
            .chunks_exact(row_len)
            .zip(dy.chunks_exact(row_len))
            .zip(dx.chunks_exact_mut(row_len))
        {
            // The sum of [`Backward`] on the widened values, block by block.
            let mut slots = Slots::<S>::new(s);
            let mut all_zero = true;
            for (yb, gb) in y.chunks(SLOTS).zip(dy.chunks(SLOTS)) {
                let yv = load_block_h::<C, S>(s, yb, 0);
                let gv = load_block_h::<C, S>(s, gb, 0);
                // ±0 in both types: every bit but the sign clear.
                all_zero &= yb.iter().all(|&h| h & 0x7FFF == 0);
                back_accumulate(s, kind, &mut slots, &yv, &gv);
            }
            let (sum, sum_lo) = slots.total(n_vec);
            let sv = V::splat(s, sum + sum_lo);
            let zero_grad = all_zero && row_len > 1;
            for ((yb, gb), db) in y
                .chunks(SLOTS)
                .zip(dy.chunks(SLOTS))
                .zip(dx.chunks_mut(SLOTS))
            {
                let yv = load_block_h::<C, S>(s, yb, 0);
                let mut gv = load_block_h::<C, S>(s, gb, 0);
                for (g, &yj) in gv[..n_vec].iter_mut().zip(&yv[..n_vec]) {
                    *g = back_term(kind, zero_grad, V::new(s, yj), V::new(s, *g), sv).v;
                }
                store_block_h::<C, S>(s, db, &gv);
            }
        }
    }
}
