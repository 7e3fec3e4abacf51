//! Maxout (Goodfellow et al. 2013): the maximum over groups of `k` consecutive inputs.
//!
//! `y[j] = max(x[j·k], ..., x[j·k + k - 1])`, so `x.len() = k·y.len()`. Backward routes each
//! group's gradient to its arg-max (the **first** maximal element on ties) and zero elsewhere.
//!
//! ```
//! use activation_kernels::maxout::Maxout;
//!
//! let maxout = Maxout::new(3).unwrap(); // groups of 3
//! let x = [1.0f32, 5.0, 2.0, /**/ -3.0, -1.0, -1.0];
//! let mut y = [0.0f32; 2];
//! maxout.forward(&x, &mut y);
//! assert_eq!(y, [5.0, -1.0]);
//! let mut dx = [9.0f32; 6];
//! maxout.backward(&x, &[10.0, 20.0], &mut dx);
//! assert_eq!(dx, [0.0, 10.0, 0.0, 0.0, 20.0, 0.0]); // first of the tied -1.0s
//! ```
//!
//! **Semantics.** The maximum in IEEE 754-2019 `maximum` style: any NaN in a group gives NaN
//! (the canonical quiet NaN) and `+0` counts as larger than `-0`. This maximum is associative
//! and commutative, so the vector and scalar paths agree bit for bit whatever the order.
//! Backward's arg-max is the first NaN of a group containing NaN, else the first element equal
//! (`==`) to the maximum.
//!
//! **Element types.** `f32` runs a vector kernel; `f64`, `bf16` and `f16` a portable loop in
//! their compute type (the maximum is one of the inputs, so every type gives exact results).
//!
//! **Errors.** [`Maxout::new`] rejects `k = 0`; the slice methods panic when
//! `x.len() != k·y.len()` (`dy`/`dx` likewise), like every slice function in the crate.

use crate::Isa;
use crate::activation::ParamError;
use crate::element::Element;
use crate::kernel::check_len;
use crate::math::V;
use pulp::{Simd, WithSimd};

#[track_caller]
fn check(x_len: usize, k: usize, y_len: usize) {
    if k.checked_mul(y_len) != Some(x_len) {
        shape_error(x_len, k, y_len)
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn shape_error(x_len: usize, k: usize, y_len: usize) -> ! {
    panic!(
        "activation-kernels: maxout: input length {x_len} is not k = {k} times the output length {y_len}"
    )
}

/// Maxout over groups of `k` consecutive inputs: the group size is the parameter, given to
/// the constructor; the slices are given to the calls.
///
/// ```
/// use activation_kernels::maxout::Maxout;
///
/// assert!(Maxout::new(0).is_err());
/// assert_eq!(Maxout::new(4).unwrap().k(), 4);
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Maxout {
    k: usize,
}

impl Maxout {
    /// Groups of `k ≥ 1` inputs.
    ///
    /// ```
    /// use activation_kernels::maxout::Maxout;
    ///
    /// let e = Maxout::new(0).unwrap_err();
    /// assert_eq!(e.to_string(), "maxout: invalid parameter `k` = 0.0: requires k >= 1");
    /// ```
    pub const fn new(k: usize) -> Result<Self, ParamError> {
        if k == 0 {
            return Err(ParamError::new("maxout", "k", 0.0, "k >= 1"));
        }
        Ok(Maxout { k })
    }

    /// The group size.
    ///
    /// ```
    /// use activation_kernels::maxout::Maxout;
    /// assert_eq!(Maxout::new(2).unwrap().k(), 2);
    /// ```
    pub const fn k(&self) -> usize {
        self.k
    }

    /// `y[j] = max(x[j·k..j·k + k])`.
    ///
    /// ```
    /// use activation_kernels::maxout::Maxout;
    ///
    /// let mut y = [0.0f32; 3];
    /// Maxout::new(2).unwrap().forward(&[1.0, 4.0, -2.0, -3.0, 0.0, f32::NAN], &mut y);
    /// assert_eq!(y[..2], [4.0, -2.0]);
    /// assert!(y[2].is_nan()); // NaN in a group gives NaN
    /// ```
    #[track_caller]
    pub fn forward<T: Element>(&self, x: &[T], y: &mut [T]) {
        self.forward_on(Isa::best(), x, y)
    }

    /// [`Maxout::forward`] on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, maxout::Maxout};
    ///
    /// let m = Maxout::new(4).unwrap();
    /// let x: Vec<f32> = (0..40).map(|i| ((i * 7) % 11) as f32).collect();
    /// let (mut a, mut b) = ([0.0f32; 10], [0.0f32; 10]);
    /// m.forward_on(Isa::Scalar, &x, &mut a);
    /// m.forward_on(Isa::best(), &x, &mut b);
    /// assert_eq!(a, b);
    /// assert_eq!(a[..2], [10.0, 9.0]); // max(0, 7, 3, 10), max(6, 2, 9, 5)
    /// ```
    #[track_caller]
    pub fn forward_on<T: Element>(&self, isa: Isa, x: &[T], y: &mut [T]) {
        check(x.len(), self.k, y.len());
        if y.is_empty() {
            return;
        }
        T::maxout_forward_on(isa, self.k, x, y)
    }

    /// `dx` = `dy[j]` at each group's arg-max, 0 elsewhere.
    ///
    /// ```
    /// use activation_kernels::maxout::Maxout;
    ///
    /// let mut dx = [0.0f32; 4];
    /// Maxout::new(2).unwrap().backward(&[2.0, 1.0, 0.0, 3.0], &[5.0, 6.0], &mut dx);
    /// assert_eq!(dx, [5.0, 0.0, 0.0, 6.0]);
    /// ```
    #[track_caller]
    pub fn backward<T: Element>(&self, x: &[T], dy: &[T], dx: &mut [T]) {
        check_len("x and dx", x.len(), dx.len());
        check(x.len(), self.k, dy.len());
        if dy.is_empty() {
            return;
        }
        T::maxout_backward(self.k, x, dy, dx)
    }
}

/// The f32 forward (vector kernel); shapes checked, `y` not empty.
pub(crate) fn forward_f32_on(isa: Isa, k: usize, x: &[f32], y: &mut [f32]) {
    isa.dispatch(Forward { x, k, y })
}

/// The f32 backward; shapes checked, `dy` not empty.
pub(crate) fn backward_f32(k: usize, x: &[f32], dy: &[f32], dx: &mut [f32]) {
    for ((g, &d), out) in x.chunks_exact(k).zip(dy).zip(dx.chunks_exact_mut(k)) {
        let (m, nan) = group_max_scalar(g);
        let arg = if nan {
            g.iter().position(|v| v.is_nan())
        } else {
            g.iter().position(|&v| v == m)
        }
        .unwrap_or(0);
        out.fill(0.0);
        out[arg] = d;
    }
}

/// The maximum of two non-NaN values with `+0 > -0` (ties of equal values keep their bits;
/// of `±0`, the AND of the bits is `+0` unless both are `-0`).
#[inline(always)]
fn max2(a: f32, b: f32) -> f32 {
    if a > b {
        a
    } else if b > a {
        b
    } else {
        f32::from_bits(a.to_bits() & b.to_bits())
    }
}

#[inline(always)]
fn max2_v<S: Simd>(a: V<S>, b: V<S>) -> V<S> {
    let s = a.s;
    let and = V::new(s, s.and_f32s(a.v, b.v));
    a.gt(b).select(a, b.gt(a).select(b, and))
}

/// `(max, contains NaN)` of a group, scalar.
#[inline(always)]
fn group_max_scalar(g: &[f32]) -> (f32, bool) {
    let mut m = f32::NEG_INFINITY;
    let mut nan = false;
    for &v in g {
        nan |= v.is_nan();
        if !v.is_nan() {
            m = max2(m, v);
        }
    }
    (m, nan)
}

struct Forward<'a> {
    x: &'a [f32],
    k: usize,
    y: &'a mut [f32],
}

impl WithSimd for Forward<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        let Forward { x, k, y } = self;
        let lanes = S::F32_LANES;
        for (g, out) in x.chunks_exact(k).zip(y.iter_mut()) {
            let (m, nan) = if k >= 2 * lanes {
                let (head, tail) = S::as_simd_f32s(g);
                let mut acc = V::new(s, head[0]);
                let mut bad = acc.is_nan();
                for &v in &head[1..] {
                    let v = V::new(s, v);
                    bad = bad | v.is_nan();
                    acc = max2_v(acc, v);
                }
                let mut buf = [0.0f32; 16];
                S::as_mut_simd_f32s(&mut buf[..lanes]).0[0] = acc.v;
                let (mt, nt) = group_max_scalar(tail);
                let (ml, nl) = group_max_scalar(&buf[..lanes]);
                (max2(mt, ml), nt || nl || bad.any())
            } else {
                group_max_scalar(g)
            };
            *out = if nan { f32::NAN } else { m };
        }
    }
}
