//! PReLU, RReLU (training) and maxout on the element types other than `f32`.
//!
//! Each element is widened exactly to its compute type (`f64` for `f64`, `f32` for the half
//! types, as in the rest of the crate), computed with the same operations as the f32 vector
//! kernels (`prelu::leaky`, the slope gradient's exact products in a compensated sum, IEEE
//! `maximum`), and rounded once to nearest even on store. The loops are portable scalar code:
//! the same bits on every ISA by construction, and the f32 kernels stay the vectorised path.

use crate::prelu::PreluOp;
use crate::rrelu::RreluTrain;
use core::ops::{Add, Mul, Neg, Sub};

/// The compute type of a portable loop: `f32` or `f64`.
pub(crate) trait Wide:
    Copy
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Neg<Output = Self>
{
    const ZERO: Self;
    const ONE: Self;
    /// The canonical quiet NaN.
    const NAN: Self;
    fn from_f32(v: f32) -> Self;
    /// `a·b + c` with one rounding.
    fn fma(a: Self, b: Self, c: Self) -> Self;
    fn is_nan(self) -> bool;
    fn is_finite(self) -> bool;
    /// Bitwise AND (the maximum of `±0`: `+0` unless both are `-0`).
    fn and_bits(self, other: Self) -> Self;
}

impl Wide for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NAN: Self = f32::NAN;
    fn from_f32(v: f32) -> Self {
        v
    }
    fn fma(a: Self, b: Self, c: Self) -> Self {
        libm::fmaf(a, b, c)
    }
    fn is_nan(self) -> bool {
        self.is_nan()
    }
    fn is_finite(self) -> bool {
        self.is_finite()
    }
    fn and_bits(self, other: Self) -> Self {
        f32::from_bits(self.to_bits() & other.to_bits())
    }
}

impl Wide for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const NAN: Self = f64::NAN;
    fn from_f32(v: f32) -> Self {
        f64::from(v)
    }
    fn fma(a: Self, b: Self, c: Self) -> Self {
        libm::fma(a, b, c)
    }
    fn is_nan(self) -> bool {
        self.is_nan()
    }
    fn is_finite(self) -> bool {
        self.is_finite()
    }
    fn and_bits(self, other: Self) -> Self {
        f64::from_bits(self.to_bits() & other.to_bits())
    }
}

/// An element type with a portable path: exact widening, round-to-nearest-even narrowing.
pub(crate) trait Portable: Copy {
    type W: Wide;
    fn widen(self) -> Self::W;
    fn narrow(w: Self::W) -> Self;
}

impl Portable for f64 {
    type W = f64;
    fn widen(self) -> f64 {
        self
    }
    fn narrow(w: f64) -> Self {
        w
    }
}

#[cfg(feature = "half")]
impl Portable for half::bf16 {
    type W = f32;
    fn widen(self) -> f32 {
        self.to_f32()
    }
    fn narrow(w: f32) -> Self {
        half::bf16::from_f32(w)
    }
}

#[cfg(feature = "half")]
impl Portable for half::f16 {
    type W = f32;
    fn widen(self) -> f32 {
        self.to_f32()
    }
    fn narrow(w: f32) -> Self {
        half::f16::from_f32(w)
    }
}

/// Leaky ReLU with slope `a`, as `prelu::leaky`: `x > 0` gives `x`; a zero slope gives `-0`
/// for every `x < 0` (also `-inf`); otherwise `a·x` (NaN stays NaN).
#[inline]
fn leaky<W: Wide>(x: W, a: W) -> W {
    if x > W::ZERO {
        x
    } else if x < W::ZERO && a == W::ZERO {
        -W::ZERO
    } else {
        a * x
    }
}

/// The derivative's factor: 1 for `x > 0`, else the slope.
#[inline]
fn slope_of<W: Wide>(x: W, a: W) -> W {
    if x > W::ZERO { W::ONE } else { a }
}

/// A compensated (Neumaier) sum of exact products, in the compute type.
struct Sum<W> {
    hi: W,
    lo: W,
}

impl<W: Wide> Sum<W> {
    fn new() -> Self {
        Sum {
            hi: W::ZERO,
            lo: W::ZERO,
        }
    }
    /// Adds `g·x` (its rounding error recovered by FMA).
    fn add_product(&mut self, g: W, x: W) {
        let p = g * x;
        let p_lo = W::fma(g, x, -p);
        let t = self.hi + p;
        let bb = t - self.hi;
        let err = (self.hi - (t - bb)) + (p - bb);
        self.hi = t;
        self.lo = self.lo + (err + p_lo);
    }
    /// The rounded sum (`±inf`/NaN as the plain sum gives them).
    fn value(&self) -> W {
        if self.hi.is_finite() {
            self.hi + self.lo
        } else {
            self.hi
        }
    }
}

/// PReLU on `[outer, channels, inner]` (shapes already checked).
pub(crate) fn prelu<T: Portable>(slopes: &[T], inner: usize, op: PreluOp<'_, T>) {
    let c = slopes.len();
    let slope = |i: usize| slopes[(i / inner) % c].widen();
    match op {
        PreluOp::Forward { x, y } => {
            for (i, (y, &x)) in y.iter_mut().zip(x).enumerate() {
                *y = T::narrow(leaky(x.widen(), slope(i)));
            }
        }
        PreluOp::InPlace { x } => {
            for (i, x) in x.iter_mut().enumerate() {
                *x = T::narrow(leaky(x.widen(), slope(i)));
            }
        }
        PreluOp::Backward { x, dy, dx, dslopes } => {
            for (i, ((dx, &x), &g)) in dx.iter_mut().zip(x).zip(dy).enumerate() {
                *dx = T::narrow(g.widen() * slope_of(x.widen(), slope(i)));
            }
            // dslopes[ch] = Σ dy·x over the channel's x ≤ 0 (NaN x included), in element order.
            for (ch, ds) in dslopes.iter_mut().enumerate() {
                let mut sum = Sum::new();
                for block in (ch * inner..x.len()).step_by(c * inner) {
                    for (&x, &g) in x[block..block + inner]
                        .iter()
                        .zip(&dy[block..block + inner])
                    {
                        let xw = x.widen();
                        // x ≤ 0 or NaN: not on the identity side.
                        if xw.partial_cmp(&T::W::ZERO) != Some(core::cmp::Ordering::Greater) {
                            sum.add_product(g.widen(), xw);
                        }
                    }
                }
                *ds = T::narrow(sum.value());
            }
        }
    }
}

/// RReLU in training mode: element `i` has the slope `t.slope(offset + i)`.
pub(crate) fn rrelu_train<T: Portable>(t: &RreluTrain, x: &[T], dy: Option<&[T]>, out: &mut [T]) {
    for (i, (o, &x)) in out.iter_mut().zip(x).enumerate() {
        let a = T::W::from_f32(t.slope_at(i as u64));
        let xw = x.widen();
        *o = T::narrow(match dy {
            None => leaky(xw, a),
            Some(dy) => dy[i].widen() * slope_of(xw, a),
        });
    }
}

/// `(maximum, contains NaN)` of a group: IEEE `maximum` (`+0 > -0`; NaN reported apart).
fn group_max<T: Portable>(g: &[T]) -> (T::W, bool) {
    let mut m = g[0].widen();
    let mut nan = m.is_nan();
    for v in &g[1..] {
        let v = v.widen();
        if v.is_nan() {
            nan = true;
        } else if m.is_nan() || v > m {
            m = v;
        } else if v == m {
            m = m.and_bits(v);
        }
    }
    (m, nan)
}

/// Maxout forward over groups of `k` (shapes already checked, `k ≥ 1`).
pub(crate) fn maxout_forward<T: Portable>(k: usize, x: &[T], y: &mut [T]) {
    for (g, y) in x.chunks_exact(k).zip(y) {
        let (m, nan) = group_max(g);
        *y = T::narrow(if nan { T::W::NAN } else { m });
    }
}

/// Maxout backward: `dy` to each group's arg-max (its first NaN, else the first element equal
/// to the maximum), zero elsewhere.
pub(crate) fn maxout_backward<T: Portable>(k: usize, x: &[T], dy: &[T], dx: &mut [T]) {
    for ((g, &d), out) in x.chunks_exact(k).zip(dy).zip(dx.chunks_exact_mut(k)) {
        let (m, nan) = group_max(g);
        let arg = if nan {
            g.iter().position(|v| v.widen().is_nan())
        } else {
            g.iter().position(|v| v.widen() == m)
        }
        .unwrap_or(0);
        out.fill(T::narrow(T::W::ZERO));
        out[arg] = d;
    }
}
