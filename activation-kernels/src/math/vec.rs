//! `V<S>`: a zero-cost operator wrapper over `S::f32s` so the math reads like math.
//!
//! Every method is `#[inline(always)]` (the whole body must inline into pulp's
//! `#[target_feature]` function, see the pulp guide §5). The rules that keep results
//! bit-identical on every ISA live here, in one place:
//! * `mul_add` is always fused (`mul_add_f32s`), never `mul_add_e`;
//! * no `min`/`max` instructions (their NaN behaviour differs per ISA): clamps are compare+select;
//! * masks are never transmuted (pulp's mask types differ per ISA).

use core::ops::{Add, BitAnd, BitOr, BitXor, Div, Mul, Neg, Sub};
use pulp::Simd;

/// A vector of f32 lanes bound to its SIMD token.
///
/// ```
/// use activation_kernels::{math::V, pulp::Scalar};
///
/// let x = V::splat(Scalar, 3.0);
/// assert_eq!((x * 2.0 + 1.0).v, 7.0);
/// assert_eq!((-x / x.k(4.0)).v, -0.75);
/// ```
#[derive(Copy, Clone)]
pub struct V<S: Simd> {
    /// The SIMD token.
    pub s: S,
    /// The lanes.
    pub v: S::f32s,
}

/// A vector of u32 lanes bound to its SIMD token (bit manipulation).
///
/// ```
/// use activation_kernels::{math::V, pulp::Scalar};
///
/// let bits = V::splat(Scalar, 1.0).bits();
/// assert_eq!(bits.v, 0x3F80_0000);
/// assert_eq!(bits.add_k(1).f32().v, 1.0 + f32::EPSILON);
/// ```
#[derive(Copy, Clone)]
pub struct U<S: Simd> {
    /// The SIMD token.
    pub s: S,
    /// The lanes.
    pub v: S::u32s,
}

/// A lane mask bound to its SIMD token.
///
/// ```
/// use activation_kernels::{math::V, pulp::Scalar};
///
/// let (x, zero) = (V::splat(Scalar, -2.0), V::splat(Scalar, 0.0));
/// let m = x.lt(zero);
/// assert!(m.all());
/// assert_eq!(m.select(zero, x).v, 0.0);
/// ```
#[derive(Copy, Clone)]
pub struct M<S: Simd> {
    /// The SIMD token.
    pub s: S,
    /// The mask.
    pub m: S::m32s,
}

impl<S: Simd> V<S> {
    /// Wraps a raw vector.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// assert_eq!(V::new(Scalar, 2.5).abs().v, 2.5);
    /// ```
    #[inline(always)]
    pub fn new(s: S, v: S::f32s) -> Self {
        V { s, v }
    }
    /// All lanes equal to `c`.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// assert_eq!(V::splat(Scalar, -1.5).v, -1.5);
    /// ```
    #[inline(always)]
    pub fn splat(s: S, c: f32) -> Self {
        V {
            s,
            v: s.splat_f32s(c),
        }
    }
    /// A constant with the same token as `self`.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// let x = V::splat(Scalar, 3.0);
    /// assert_eq!((x + x.k(0.5)).v, 3.5);
    /// ```
    #[inline(always)]
    pub fn k(self, c: f32) -> Self {
        V::splat(self.s, c)
    }
    /// `self * b + c` with a single rounding, on every ISA.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// // a·a = 1 + 2^-11 + 2^-24 exactly; rounding the product first would lose the 2^-24.
    /// let a = V::splat(Scalar, 1.0 + 2f32.powi(-12));
    /// let c = a.k(-(1.0 + 2f32.powi(-11)));
    /// assert_eq!(a.mul_add(a, c).v, 2f32.powi(-24));
    /// assert_eq!((a * a + c).v, 0.0);
    /// ```
    #[inline(always)]
    pub fn mul_add(self, b: Self, c: Self) -> Self {
        V {
            s: self.s,
            v: self.s.mul_add_f32s(self.v, b.v, c.v),
        }
    }
    /// `c - self * b` with a single rounding.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// let a = V::splat(Scalar, 2.0);
    /// assert_eq!(a.neg_mul_add(a.k(3.0), a.k(10.0)).v, 4.0); // 10 - 2·3
    /// ```
    #[inline(always)]
    pub fn neg_mul_add(self, b: Self, c: Self) -> Self {
        V {
            s: self.s,
            v: self.s.mul_add_f32s(self.s.neg_f32s(self.v), b.v, c.v),
        }
    }
    /// `|self|` (clears the sign bit; NaN stays NaN).
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// assert_eq!(V::splat(Scalar, -2.5).abs().v, 2.5);
    /// assert!(V::splat(Scalar, f32::NAN).abs().v.is_nan());
    /// ```
    #[inline(always)]
    pub fn abs(self) -> Self {
        V {
            s: self.s,
            v: self.s.abs_f32s(self.v),
        }
    }
    /// Correctly rounded square root.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// assert_eq!(V::splat(Scalar, 9.0).sqrt().v, 3.0);
    /// assert_eq!(V::splat(Scalar, 2.0).sqrt().v, 2f32.sqrt());
    /// ```
    #[inline(always)]
    pub fn sqrt(self) -> Self {
        V {
            s: self.s,
            v: self.s.sqrt_f32s(self.v),
        }
    }
    /// Raw bits.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// assert_eq!(V::splat(Scalar, -0.0).bits().v, 0x8000_0000);
    /// ```
    #[inline(always)]
    pub fn bits(self) -> U<S> {
        U {
            s: self.s,
            v: self.s.transmute_u32s_f32s(self.v),
        }
    }
    /// `self < b` (false for NaN).
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// let (one, two) = (V::splat(Scalar, 1.0), V::splat(Scalar, 2.0));
    /// assert!(one.lt(two).all() && !two.lt(one).any());
    /// assert!(!one.k(f32::NAN).lt(two).any());
    /// ```
    #[inline(always)]
    pub fn lt(self, b: Self) -> M<S> {
        M {
            s: self.s,
            m: self.s.less_than_f32s(self.v, b.v),
        }
    }
    /// `self <= b` (false for NaN).
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// let one = V::splat(Scalar, 1.0);
    /// assert!(one.le(one).all() && !one.le(one.k(0.5)).any());
    /// assert!(!one.k(f32::NAN).le(one).any());
    /// ```
    #[inline(always)]
    pub fn le(self, b: Self) -> M<S> {
        M {
            s: self.s,
            m: self.s.less_than_or_equal_f32s(self.v, b.v),
        }
    }
    /// `self > b` (false for NaN).
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// let (one, two) = (V::splat(Scalar, 1.0), V::splat(Scalar, 2.0));
    /// assert!(two.gt(one).all() && !one.gt(one).any());
    /// ```
    #[inline(always)]
    pub fn gt(self, b: Self) -> M<S> {
        M {
            s: self.s,
            m: self.s.greater_than_f32s(self.v, b.v),
        }
    }
    /// `self >= b` (false for NaN).
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// let (one, two) = (V::splat(Scalar, 1.0), V::splat(Scalar, 2.0));
    /// assert!(one.ge(one).all() && !one.ge(two).any());
    /// ```
    #[inline(always)]
    pub fn ge(self, b: Self) -> M<S> {
        M {
            s: self.s,
            m: self.s.greater_than_or_equal_f32s(self.v, b.v),
        }
    }
    /// `self == b` (false for NaN).
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// let zero = V::splat(Scalar, 0.0);
    /// assert!(zero.eq(zero.k(-0.0)).all());
    /// assert!(!zero.k(f32::NAN).eq(zero.k(f32::NAN)).any());
    /// ```
    #[inline(always)]
    pub fn eq(self, b: Self) -> M<S> {
        M {
            s: self.s,
            m: self.s.equal_f32s(self.v, b.v),
        }
    }
    /// Lanes that are NaN.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// assert!(V::splat(Scalar, f32::NAN).is_nan().all());
    /// assert!(!V::splat(Scalar, f32::INFINITY).is_nan().any());
    /// ```
    #[inline(always)]
    pub fn is_nan(self) -> M<S> {
        !self.eq(self)
    }
    /// `max(self, lo)` for non-NaN `lo`; NaN lanes of `self` stay NaN.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// assert_eq!(V::splat(Scalar, -3.0).clamp_below(0.0).v, 0.0);
    /// assert_eq!(V::splat(Scalar, 5.0).clamp_below(0.0).v, 5.0);
    /// assert!(V::splat(Scalar, f32::NAN).clamp_below(0.0).v.is_nan());
    /// ```
    #[inline(always)]
    pub fn clamp_below(self, lo: f32) -> Self {
        let lo = self.k(lo);
        self.lt(lo).select(lo, self)
    }
    /// `min(self, hi)` for non-NaN `hi`; NaN lanes of `self` stay NaN.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// assert_eq!(V::splat(Scalar, 9.0).clamp_above(6.0).v, 6.0);
    /// assert_eq!(V::splat(Scalar, -9.0).clamp_above(6.0).v, -9.0);
    /// assert!(V::splat(Scalar, f32::NAN).clamp_above(6.0).v.is_nan());
    /// ```
    #[inline(always)]
    pub fn clamp_above(self, hi: f32) -> Self {
        let hi = self.k(hi);
        self.gt(hi).select(hi, self)
    }
    /// The sign bit of `self` only (`-0.0` or `+0.0` per lane).
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// let s = V::splat(Scalar, -2.0).sign().v;
    /// assert!(s == 0.0 && s.is_sign_negative());
    /// assert!(V::splat(Scalar, 2.0).sign().v.is_sign_positive());
    /// ```
    #[inline(always)]
    pub fn sign(self) -> Self {
        self & self.k(-0.0)
    }
    /// `self` with its sign bit xor-ed with the sign bit of `sign` (`sign` from [`V::sign`]).
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// let x = V::splat(Scalar, 3.0);
    /// assert_eq!(x.xor_sign(x.k(-5.0).sign()).v, -3.0);
    /// assert_eq!(x.xor_sign(x.k(5.0).sign()).v, 3.0);
    /// ```
    #[inline(always)]
    pub fn xor_sign(self, sign: Self) -> Self {
        self ^ sign
    }
    /// Round to nearest integer, ties to even, for `|self| < 2^22` (magic-number trick: exact
    /// and identical on every ISA). Returns `(rounded, rounded + 1.5·2^23)`; the bits of the
    /// second value hold the integer in their low bits.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// let (r, z) = V::splat(Scalar, 2.5).round_magic();
    /// assert_eq!(r.v, 2.0); // ties to even
    /// assert_eq!(z.bits().and(0xFFFF).v, 2);
    /// assert_eq!(V::splat(Scalar, -3.7).round_magic().0.v, -4.0);
    /// ```
    #[inline(always)]
    pub fn round_magic(self) -> (Self, Self) {
        let magic = self.k(12_582_912.0);
        let z = self + magic;
        (z - magic, z)
    }
}

impl<S: Simd> U<S> {
    /// All lanes equal to `c`.
    ///
    /// ```
    /// use activation_kernels::{math::vec::U, pulp::Scalar};
    ///
    /// assert_eq!(U::splat(Scalar, 7).v, 7);
    /// ```
    #[inline(always)]
    pub fn splat(s: S, c: u32) -> Self {
        U {
            s,
            v: s.splat_u32s(c),
        }
    }
    /// Reinterpret as f32 lanes.
    ///
    /// ```
    /// use activation_kernels::{math::vec::U, pulp::Scalar};
    ///
    /// assert_eq!(U::splat(Scalar, 0x4000_0000).f32().v, 2.0);
    /// ```
    #[inline(always)]
    pub fn f32(self) -> V<S> {
        V {
            s: self.s,
            v: self.s.transmute_f32s_u32s(self.v),
        }
    }
    /// Logical shift left by a constant amount (< 32).
    ///
    /// ```
    /// use activation_kernels::{math::vec::U, pulp::Scalar};
    ///
    /// // Build 2^3 from its exponent field.
    /// let e = U::splat(Scalar, 127 + 3).shl_k(23);
    /// assert_eq!(e.f32().v, 8.0);
    /// ```
    #[inline(always)]
    pub fn shl_k(self, n: u32) -> Self {
        U {
            s: self.s,
            v: self.s.wrapping_dyn_shl_u32s(self.v, self.s.splat_u32s(n)),
        }
    }
    /// Logical shift right by 23 (the f32 exponent field), the only right shift the math core
    /// needs. On NEON this uses `vshrq_n_u32` through pulp's escape hatch: pulp 0.22's generic
    /// `wrapping_dyn_shr_u32s` is four scalar shifts there. Same bits on every ISA.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// // The biased exponent of 8.0 = 2^3.
    /// assert_eq!(V::splat(Scalar, 8.0).bits().shr_23().v, 127 + 3);
    /// ```
    #[inline(always)]
    pub fn shr_23(self) -> Self {
        #[cfg(target_arch = "aarch64")]
        {
            let any = &self.s as &dyn core::any::Any;
            if let Some(neon) = any.downcast_ref::<pulp::aarch64::Neon>() {
                // Only reached when S is Neon, whose u32s is 16 bytes like uint32x4_t
                // (bytemuck checks the size at run time in the dead branches of other ISAs).
                let v: core::arch::aarch64::uint32x4_t = pulp::bytemuck::cast(self.v);
                return U {
                    s: self.s,
                    v: pulp::bytemuck::cast(neon.neon.vshrq_n_u32::<23>(v)),
                };
            }
        }
        U {
            s: self.s,
            v: self.s.wrapping_dyn_shr_u32s(self.v, self.s.splat_u32s(23)),
        }
    }
    /// Wrapping add.
    ///
    /// ```
    /// use activation_kernels::{math::vec::U, pulp::Scalar};
    ///
    /// assert_eq!(U::splat(Scalar, 40).add_k(2).v, 42);
    /// assert_eq!(U::splat(Scalar, u32::MAX).add_k(2).v, 1); // wraps
    /// ```
    #[inline(always)]
    pub fn add_k(self, b: u32) -> Self {
        U {
            s: self.s,
            v: self.s.add_u32s(self.v, self.s.splat_u32s(b)),
        }
    }
    /// Wrapping add of two vectors.
    ///
    /// ```
    /// use activation_kernels::{math::vec::U, pulp::Scalar};
    ///
    /// let a = U::splat(Scalar, 0x8000_0000);
    /// assert_eq!(a.addv(a).v, 0);
    /// assert_eq!(a.addv(U::splat(Scalar, 1)).v, 0x8000_0001);
    /// ```
    #[inline(always)]
    pub fn addv(self, b: Self) -> Self {
        U {
            s: self.s,
            v: self.s.add_u32s(self.v, b.v),
        }
    }
    /// Wrapping subtract.
    ///
    /// ```
    /// use activation_kernels::{math::vec::U, pulp::Scalar};
    ///
    /// let (three, five) = (U::splat(Scalar, 3), U::splat(Scalar, 5));
    /// assert_eq!(five.subv(three).v, 2);
    /// assert_eq!(three.subv(five).v, u32::MAX - 1); // wraps
    /// ```
    #[inline(always)]
    pub fn subv(self, b: Self) -> Self {
        U {
            s: self.s,
            v: self.s.sub_u32s(self.v, b.v),
        }
    }
    /// Bitwise and with a constant.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// // Clearing the sign bit.
    /// assert_eq!(V::splat(Scalar, -1.5).bits().and(0x7FFF_FFFF).f32().v, 1.5);
    /// ```
    #[inline(always)]
    pub fn and(self, b: u32) -> Self {
        U {
            s: self.s,
            v: self.s.and_u32s(self.v, self.s.splat_u32s(b)),
        }
    }
    /// Bitwise or with a constant.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// // Setting the sign bit.
    /// assert_eq!(V::splat(Scalar, 1.5).bits().or(0x8000_0000).f32().v, -1.5);
    /// ```
    #[inline(always)]
    pub fn or(self, b: u32) -> Self {
        U {
            s: self.s,
            v: self.s.or_u32s(self.v, self.s.splat_u32s(b)),
        }
    }
    /// Unsigned `self < b`.
    ///
    /// ```
    /// use activation_kernels::{math::vec::U, pulp::Scalar};
    ///
    /// assert!(U::splat(Scalar, 1).lt(2).all());
    /// assert!(!U::splat(Scalar, 0x8000_0000).lt(2).any()); // unsigned
    /// ```
    #[inline(always)]
    pub fn lt(self, b: u32) -> M<S> {
        M {
            s: self.s,
            m: self.s.less_than_u32s(self.v, self.s.splat_u32s(b)),
        }
    }
    /// Unsigned `self >= b`.
    ///
    /// ```
    /// use activation_kernels::{math::vec::U, pulp::Scalar};
    ///
    /// assert!(U::splat(Scalar, 0xFFFF_FFFF).ge(2).all()); // unsigned
    /// assert!(!U::splat(Scalar, 1).ge(2).any());
    /// ```
    #[inline(always)]
    pub fn ge(self, b: u32) -> M<S> {
        M {
            s: self.s,
            m: self
                .s
                .greater_than_or_equal_u32s(self.v, self.s.splat_u32s(b)),
        }
    }
}

impl<S: Simd> M<S> {
    /// Per lane: `if self { a } else { b }`.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// let (x, y) = (V::splat(Scalar, 1.0), V::splat(Scalar, 2.0));
    /// assert_eq!(x.lt(y).select(x, y).v, 1.0);
    /// assert_eq!(x.gt(y).select(x, y).v, 2.0);
    /// ```
    #[inline(always)]
    pub fn select(self, a: V<S>, b: V<S>) -> V<S> {
        V {
            s: self.s,
            v: self.s.select_f32s(self.m, a.v, b.v),
        }
    }
    /// Per lane on integer lanes: `if self { a } else { b }`.
    ///
    /// ```
    /// use activation_kernels::{math::{V, vec::U}, pulp::Scalar};
    ///
    /// let x = V::splat(Scalar, f32::NAN);
    /// let (a, b) = (U::splat(Scalar, 1), U::splat(Scalar, 2));
    /// assert_eq!(x.is_nan().select_u(a, b).v, 1);
    /// ```
    #[inline(always)]
    pub fn select_u(self, a: U<S>, b: U<S>) -> U<S> {
        U {
            s: self.s,
            v: self.s.select_u32s(self.m, a.v, b.v),
        }
    }
    /// Whether any lane is set.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// let x = V::splat(Scalar, 1.0);
    /// assert!(x.eq(x).any() && !x.lt(x).any());
    /// ```
    #[inline(always)]
    pub fn any(self) -> bool {
        self.s.first_true_m32s(self.m) < S::F32_LANES
    }
    /// Whether every lane is set.
    ///
    /// ```
    /// use activation_kernels::{math::V, pulp::Scalar};
    ///
    /// let x = V::splat(Scalar, 1.0);
    /// assert!(x.le(x).all() && !(!x.le(x)).all());
    /// ```
    #[inline(always)]
    pub fn all(self) -> bool {
        !(!self).any()
    }
}

impl<S: Simd> core::ops::Not for M<S> {
    type Output = Self;
    #[inline(always)]
    fn not(self) -> Self {
        M {
            s: self.s,
            m: self.s.not_m32s(self.m),
        }
    }
}
impl<S: Simd> BitAnd for M<S> {
    type Output = Self;
    #[inline(always)]
    fn bitand(self, b: Self) -> Self {
        M {
            s: self.s,
            m: self.s.and_m32s(self.m, b.m),
        }
    }
}
impl<S: Simd> BitOr for M<S> {
    type Output = Self;
    #[inline(always)]
    fn bitor(self, b: Self) -> Self {
        M {
            s: self.s,
            m: self.s.or_m32s(self.m, b.m),
        }
    }
}

macro_rules! binop {
    ($tr:ident, $f:ident, $op:ident) => {
        impl<S: Simd> $tr for V<S> {
            type Output = Self;
            #[inline(always)]
            fn $f(self, b: Self) -> Self {
                V {
                    s: self.s,
                    v: self.s.$op(self.v, b.v),
                }
            }
        }
        impl<S: Simd> $tr<f32> for V<S> {
            type Output = Self;
            #[inline(always)]
            fn $f(self, b: f32) -> Self {
                V {
                    s: self.s,
                    v: self.s.$op(self.v, self.s.splat_f32s(b)),
                }
            }
        }
    };
}
binop!(Add, add, add_f32s);
binop!(Sub, sub, sub_f32s);
binop!(Mul, mul, mul_f32s);
binop!(Div, div, div_f32s);
binop!(BitAnd, bitand, and_f32s);
binop!(BitOr, bitor, or_f32s);
binop!(BitXor, bitxor, xor_f32s);

impl<S: Simd> Neg for V<S> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        V {
            s: self.s,
            v: self.s.neg_f32s(self.v),
        }
    }
}

/// Horner evaluation `c[0] + x*(c[1] + x*(c[2] + ...))` with fused steps.
///
/// ```
/// use activation_kernels::{math::{V, vec::horner}, pulp::Scalar};
///
/// // 1 + 2x + 3x² at x = 2.
/// assert_eq!(horner(V::splat(Scalar, 2.0), &[1.0, 2.0, 3.0]).v, 17.0);
/// ```
#[inline(always)]
pub fn horner<S: Simd, const N: usize>(x: V<S>, c: &[f32; N]) -> V<S> {
    let mut acc = x.k(c[N - 1]);
    let mut i = N - 1;
    while i > 0 {
        i -= 1;
        acc = acc.mul_add(x, x.k(c[i]));
    }
    acc
}
