//! `V64<S>`: the f64 twin of [`V`](super::V), an operator wrapper over `S::f64s`.
//!
//! Same rules as the f32 wrapper, so f64 results are bit-identical on every ISA too: `mul_add`
//! is always fused, clamps are compare+select (no `min`/`max`), masks are never transmuted.
//! The only ISA-specific code is the 64-bit shift by 52 (the f64 exponent field), which pulp
//! 0.22 has no generic operation for: it is one `vpsllq`/`vpsrlq`/`shl`/`ushr` instruction
//! per ISA through pulp's escape hatch, and a lane loop for any other token.

use core::ops::{Add, BitAnd, BitOr, BitXor, Div, Mul, Neg, Sub};
use pulp::Simd;

/// A vector of f64 lanes bound to its SIMD token.
///
/// ```
/// use activation_kernels::{math::V64, pulp::Scalar};
///
/// let x = V64::splat(Scalar, 3.0);
/// assert_eq!((x * 2.0 + 1.0).v, 7.0);
/// assert_eq!((-x / x.k(4.0)).v, -0.75);
/// ```
#[derive(Copy, Clone)]
pub struct V64<S: Simd> {
    /// The SIMD token.
    pub s: S,
    /// The lanes.
    pub v: S::f64s,
}

/// A vector of u64 lanes bound to its SIMD token (bit manipulation of f64 values).
///
/// ```
/// use activation_kernels::{math::V64, pulp::Scalar};
///
/// let bits = V64::splat(Scalar, 1.0).bits();
/// assert_eq!(bits.v, 0x3FF0_0000_0000_0000);
/// assert_eq!(bits.add_k(1).f64().v, 1.0 + f64::EPSILON);
/// ```
#[derive(Copy, Clone)]
pub struct U64<S: Simd> {
    /// The SIMD token.
    pub s: S,
    /// The lanes.
    pub v: S::u64s,
}

/// A 64-bit lane mask bound to its SIMD token.
///
/// ```
/// use activation_kernels::{math::V64, pulp::Scalar};
///
/// let (x, zero) = (V64::splat(Scalar, -2.0), V64::splat(Scalar, 0.0));
/// let m = x.lt(zero);
/// assert!(m.all());
/// assert_eq!(m.select(zero, x).v, 0.0);
/// ```
#[derive(Copy, Clone)]
pub struct M64<S: Simd> {
    /// The SIMD token.
    pub s: S,
    /// The mask.
    pub m: S::m64s,
}

impl<S: Simd> V64<S> {
    /// Wraps a raw vector.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// assert_eq!(V64::new(Scalar, 2.5).v, 2.5);
    /// ```
    #[inline(always)]
    pub fn new(s: S, v: S::f64s) -> Self {
        V64 { s, v }
    }
    /// All lanes equal to `c`.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// assert_eq!(V64::splat(Scalar, -1.5).v, -1.5);
    /// ```
    #[inline(always)]
    pub fn splat(s: S, c: f64) -> Self {
        V64 {
            s,
            v: s.splat_f64s(c),
        }
    }
    /// A constant vector on the same token.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// assert_eq!(V64::splat(Scalar, 0.0).k(7.0).v, 7.0);
    /// ```
    #[inline(always)]
    pub fn k(self, c: f64) -> Self {
        V64::splat(self.s, c)
    }
    /// `self · b + c` with one rounding (always fused).
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// let x = V64::splat(Scalar, 0.1);
    /// assert_eq!(x.mul_add(x.k(10.0), x.k(-1.0)).v, 0.1f64.mul_add(10.0, -1.0));
    /// ```
    #[inline(always)]
    pub fn mul_add(self, b: Self, c: Self) -> Self {
        V64 {
            s: self.s,
            v: self.s.mul_add_f64s(self.v, b.v, c.v),
        }
    }
    /// `c - self · b` with one rounding.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// let x = V64::splat(Scalar, 3.0);
    /// assert_eq!(x.neg_mul_add(x.k(2.0), x.k(10.0)).v, 4.0);
    /// ```
    #[inline(always)]
    pub fn neg_mul_add(self, b: Self, c: Self) -> Self {
        V64 {
            s: self.s,
            v: self.s.negate_mul_add_f64s(self.v, b.v, c.v),
        }
    }
    /// `|self|` (clears the sign bit; NaN stays NaN).
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// assert_eq!(V64::splat(Scalar, -2.0).abs().v, 2.0);
    /// ```
    #[inline(always)]
    pub fn abs(self) -> Self {
        V64 {
            s: self.s,
            v: self.s.abs_f64s(self.v),
        }
    }
    /// Correctly rounded square root.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// assert_eq!(V64::splat(Scalar, 2.0).sqrt().v, 2f64.sqrt());
    /// ```
    #[inline(always)]
    pub fn sqrt(self) -> Self {
        V64 {
            s: self.s,
            v: self.s.sqrt_f64s(self.v),
        }
    }
    /// The bits of every lane.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// assert_eq!(V64::splat(Scalar, -0.0).bits().v, 1 << 63);
    /// ```
    #[inline(always)]
    pub fn bits(self) -> U64<S> {
        U64 {
            s: self.s,
            v: self.s.transmute_u64s_f64s(self.v),
        }
    }
    /// `self < b` per lane (false for NaN).
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// let x = V64::splat(Scalar, 1.0);
    /// assert!(x.lt(x.k(2.0)).all() && !x.lt(x.k(f64::NAN)).any());
    /// ```
    #[inline(always)]
    pub fn lt(self, b: Self) -> M64<S> {
        M64 {
            s: self.s,
            m: self.s.less_than_f64s(self.v, b.v),
        }
    }
    /// `self <= b` per lane.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// let x = V64::splat(Scalar, 1.0);
    /// assert!(x.le(x).all());
    /// ```
    #[inline(always)]
    pub fn le(self, b: Self) -> M64<S> {
        M64 {
            s: self.s,
            m: self.s.less_than_or_equal_f64s(self.v, b.v),
        }
    }
    /// `self > b` per lane.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// let x = V64::splat(Scalar, 3.0);
    /// assert!(x.gt(x.k(2.0)).all());
    /// ```
    #[inline(always)]
    pub fn gt(self, b: Self) -> M64<S> {
        M64 {
            s: self.s,
            m: self.s.greater_than_f64s(self.v, b.v),
        }
    }
    /// `self >= b` per lane.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// let x = V64::splat(Scalar, 3.0);
    /// assert!(x.ge(x).all());
    /// ```
    #[inline(always)]
    pub fn ge(self, b: Self) -> M64<S> {
        M64 {
            s: self.s,
            m: self.s.greater_than_or_equal_f64s(self.v, b.v),
        }
    }
    /// `self == b` per lane (`-0.0 == 0.0`, NaN never equal).
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// let x = V64::splat(Scalar, -0.0);
    /// assert!(x.eq(x.k(0.0)).all());
    /// ```
    #[inline(always)]
    pub fn eq(self, b: Self) -> M64<S> {
        M64 {
            s: self.s,
            m: self.s.equal_f64s(self.v, b.v),
        }
    }
    /// NaN lanes.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// assert!(V64::splat(Scalar, f64::NAN).is_nan().all());
    /// ```
    #[inline(always)]
    pub fn is_nan(self) -> M64<S> {
        !self.eq(self)
    }
    /// `max(self, lo)` for non-NaN `lo`; NaN lanes of `self` stay NaN.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// assert_eq!(V64::splat(Scalar, -3.0).clamp_below(0.0).v, 0.0);
    /// ```
    #[inline(always)]
    pub fn clamp_below(self, lo: f64) -> Self {
        let lo = self.k(lo);
        self.lt(lo).select(lo, self)
    }
    /// `min(self, hi)` for non-NaN `hi`; NaN lanes of `self` stay NaN.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// assert_eq!(V64::splat(Scalar, 9.0).clamp_above(6.0).v, 6.0);
    /// ```
    #[inline(always)]
    pub fn clamp_above(self, hi: f64) -> Self {
        let hi = self.k(hi);
        self.gt(hi).select(hi, self)
    }
    /// The sign bit of `self` only (`-0.0` or `+0.0` per lane).
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// assert!(V64::splat(Scalar, -2.0).sign().v.is_sign_negative());
    /// ```
    #[inline(always)]
    pub fn sign(self) -> Self {
        self & self.k(-0.0)
    }
    /// `self` with its sign bit xor-ed with the sign bit of `sign` (from [`V64::sign`]).
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// let x = V64::splat(Scalar, 3.0);
    /// assert_eq!(x.xor_sign(x.k(-5.0).sign()).v, -3.0);
    /// ```
    #[inline(always)]
    pub fn xor_sign(self, sign: Self) -> Self {
        self ^ sign
    }
    /// Round to nearest integer, ties to even, for `|self| < 2^51` (magic-number trick, exact
    /// on every ISA). Returns `(rounded, rounded + 1.5·2^52)`; the low bits of the second
    /// value's bits hold the integer (two's complement).
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// let (r, z) = V64::splat(Scalar, 2.5).round_magic();
    /// assert_eq!(r.v, 2.0);
    /// assert_eq!(z.bits().and(0xFFFF).v, 2);
    /// ```
    #[inline(always)]
    pub fn round_magic(self) -> (Self, Self) {
        let magic = self.k(6_755_399_441_055_744.0);
        let z = self + magic;
        (z - magic, z)
    }
    /// `(hi, lo)` with `hi + lo = self · b` exactly (`lo` by one fused multiply-add).
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// let x = V64::splat(Scalar, 0.1);
    /// let (h, l) = x.two_prod(x);
    /// assert_eq!(h.v, 0.1 * 0.1);
    /// assert_eq!(l.v, 0.1f64.mul_add(0.1, -h.v));
    /// ```
    #[inline(always)]
    pub fn two_prod(self, b: Self) -> (Self, Self) {
        let h = self * b;
        (h, self.mul_add(b, -h))
    }
}

impl<S: Simd> U64<S> {
    /// All lanes equal to `c`.
    ///
    /// ```
    /// use activation_kernels::{math::U64, pulp::Scalar};
    /// assert_eq!(U64::splat(Scalar, 7).v, 7);
    /// ```
    #[inline(always)]
    pub fn splat(s: S, c: u64) -> Self {
        U64 {
            s,
            v: s.splat_u64s(c),
        }
    }
    /// The lanes reinterpreted as f64.
    ///
    /// ```
    /// use activation_kernels::{math::U64, pulp::Scalar};
    /// assert_eq!(U64::splat(Scalar, 0x4000_0000_0000_0000).f64().v, 2.0);
    /// ```
    #[inline(always)]
    pub fn f64(self) -> V64<S> {
        V64 {
            s: self.s,
            v: self.s.transmute_f64s_u64s(self.v),
        }
    }
    /// Logical shift left by 52 (into the f64 exponent field).
    ///
    /// ```
    /// use activation_kernels::{math::U64, pulp::Scalar};
    /// assert_eq!(U64::splat(Scalar, 1023 + 3).shl_52().f64().v, 8.0);
    /// ```
    #[inline(always)]
    pub fn shl_52(self) -> Self {
        U64 {
            s: self.s,
            v: shift_52::<true, S>(self.s, self.v),
        }
    }
    /// Logical shift right by 52 (the biased exponent and sign of an f64).
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// assert_eq!(V64::splat(Scalar, 8.0).bits().shr_52().v, 1023 + 3);
    /// ```
    #[inline(always)]
    pub fn shr_52(self) -> Self {
        U64 {
            s: self.s,
            v: shift_52::<false, S>(self.s, self.v),
        }
    }
    /// Wrapping add of a constant.
    ///
    /// ```
    /// use activation_kernels::{math::U64, pulp::Scalar};
    /// assert_eq!(U64::splat(Scalar, u64::MAX).add_k(2).v, 1);
    /// ```
    #[inline(always)]
    pub fn add_k(self, b: u64) -> Self {
        self.addv(U64::splat(self.s, b))
    }
    /// Wrapping lane-wise add.
    ///
    /// ```
    /// use activation_kernels::{math::U64, pulp::Scalar};
    /// let a = U64::splat(Scalar, 5);
    /// assert_eq!(a.addv(a).v, 10);
    /// ```
    #[inline(always)]
    pub fn addv(self, b: Self) -> Self {
        U64 {
            s: self.s,
            v: self.s.add_u64s(self.v, b.v),
        }
    }
    /// Wrapping lane-wise subtract.
    ///
    /// ```
    /// use activation_kernels::{math::U64, pulp::Scalar};
    /// let a = U64::splat(Scalar, 5);
    /// assert_eq!(a.subv(a.add_k(1)).v, u64::MAX);
    /// ```
    #[inline(always)]
    pub fn subv(self, b: Self) -> Self {
        U64 {
            s: self.s,
            v: self.s.sub_u64s(self.v, b.v),
        }
    }
    /// Bitwise and with a constant.
    ///
    /// ```
    /// use activation_kernels::{math::U64, pulp::Scalar};
    /// assert_eq!(U64::splat(Scalar, 0xFF).and(0x0F).v, 0x0F);
    /// ```
    #[inline(always)]
    pub fn and(self, b: u64) -> Self {
        U64 {
            s: self.s,
            v: self.s.and_u64s(self.v, self.s.splat_u64s(b)),
        }
    }
    /// Bitwise or with a constant.
    ///
    /// ```
    /// use activation_kernels::{math::U64, pulp::Scalar};
    /// assert_eq!(U64::splat(Scalar, 0xF0).or(0x0F).v, 0xFF);
    /// ```
    #[inline(always)]
    pub fn or(self, b: u64) -> Self {
        U64 {
            s: self.s,
            v: self.s.or_u64s(self.v, self.s.splat_u64s(b)),
        }
    }
    /// Unsigned `self < b` per lane.
    ///
    /// ```
    /// use activation_kernels::{math::U64, pulp::Scalar};
    /// assert!(U64::splat(Scalar, 1).lt(2).all());
    /// ```
    #[inline(always)]
    pub fn lt(self, b: u64) -> M64<S> {
        M64 {
            s: self.s,
            m: self.s.less_than_u64s(self.v, self.s.splat_u64s(b)),
        }
    }
    /// Unsigned `self >= b` per lane.
    ///
    /// ```
    /// use activation_kernels::{math::U64, pulp::Scalar};
    /// assert!(U64::splat(Scalar, 2).ge(2).all());
    /// ```
    #[inline(always)]
    pub fn ge(self, b: u64) -> M64<S> {
        M64 {
            s: self.s,
            m: self
                .s
                .greater_than_or_equal_u64s(self.v, self.s.splat_u64s(b)),
        }
    }
}

/// `v << 52` (`LEFT`) or `v >> 52`, per u64 lane: one instruction on every known ISA.
#[inline(always)]
fn shift_52<const LEFT: bool, S: Simd>(s: S, v: S::u64s) -> S::u64s {
    use pulp::bytemuck::cast;
    let any = &s as &dyn core::any::Any;
    #[cfg(target_arch = "x86_64")]
    {
        // Each branch is only taken when `S` is that token, so the casts are between
        // same-sized types (bytemuck checks the size in the dead branches at run time).
        if let Some(v4) = any.downcast_ref::<pulp::x86::V4>() {
            let x: core::arch::x86_64::__m512i = cast(v);
            let r = if LEFT {
                v4.avx512f._mm512_slli_epi64::<52>(x)
            } else {
                v4.avx512f._mm512_srli_epi64::<52>(x)
            };
            return cast(r);
        }
        if let Some(v3) = any.downcast_ref::<pulp::x86::V3>() {
            let x: core::arch::x86_64::__m256i = cast(v);
            let r = if LEFT {
                v3.avx2._mm256_slli_epi64::<52>(x)
            } else {
                v3.avx2._mm256_srli_epi64::<52>(x)
            };
            return cast(r);
        }
    }
    #[cfg(target_arch = "aarch64")]
    {
        if let Some(neon) = any.downcast_ref::<pulp::aarch64::Neon>() {
            let x: core::arch::aarch64::uint64x2_t = cast(v);
            let r = if LEFT {
                neon.neon.vshlq_n_u64::<52>(x)
            } else {
                neon.neon.vshrq_n_u64::<52>(x)
            };
            return cast(r);
        }
    }
    let _ = any;
    // Scalar and any other token: a lane loop (pulp::Scalar's u64s is one u64).
    let mut lanes = [0u64; 8];
    let n = core::mem::size_of::<S::u64s>() / 8;
    // `S::u64s` is a plain array of u64 lanes for every pulp token (Pod, size a multiple of 8).
    let bytes: &[u8] = pulp::bytemuck::bytes_of(&v);
    let src: &[u64] = pulp::bytemuck::cast_slice(bytes);
    for (o, i) in lanes[..n].iter_mut().zip(src) {
        *o = if LEFT { i << 52 } else { i >> 52 };
    }
    let mut out = v;
    pulp::bytemuck::bytes_of_mut(&mut out).copy_from_slice(pulp::bytemuck::cast_slice(&lanes[..n]));
    out
}

impl<S: Simd> M64<S> {
    /// `a` where the mask is set, else `b`.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// let x = V64::splat(Scalar, 1.0);
    /// assert_eq!(x.gt(x.k(0.0)).select(x.k(5.0), x).v, 5.0);
    /// ```
    #[inline(always)]
    pub fn select(self, a: V64<S>, b: V64<S>) -> V64<S> {
        V64 {
            s: self.s,
            v: self.s.select_f64s(self.m, a.v, b.v),
        }
    }
    /// `a` where the mask is set, else `b` (integer lanes).
    ///
    /// ```
    /// use activation_kernels::{math::{U64, V64}, pulp::Scalar};
    /// let m = V64::splat(Scalar, 1.0).is_nan();
    /// assert_eq!(m.select_u(U64::splat(Scalar, 1), U64::splat(Scalar, 2)).v, 2);
    /// ```
    #[inline(always)]
    pub fn select_u(self, a: U64<S>, b: U64<S>) -> U64<S> {
        U64 {
            s: self.s,
            v: self.s.select_u64s(self.m, a.v, b.v),
        }
    }
    /// Whether any lane is set.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// assert!(!V64::splat(Scalar, 1.0).is_nan().any());
    /// ```
    #[inline(always)]
    pub fn any(self) -> bool {
        self.s.first_true_m64s(self.m) < S::F64_LANES
    }
    /// Whether every lane is set.
    ///
    /// ```
    /// use activation_kernels::{math::V64, pulp::Scalar};
    /// assert!(V64::splat(Scalar, f64::NAN).is_nan().all());
    /// ```
    #[inline(always)]
    pub fn all(self) -> bool {
        !(!self).any()
    }
}

impl<S: Simd> core::ops::Not for M64<S> {
    type Output = Self;
    #[inline(always)]
    fn not(self) -> Self {
        M64 {
            s: self.s,
            m: self.s.not_m64s(self.m),
        }
    }
}
impl<S: Simd> BitAnd for M64<S> {
    type Output = Self;
    #[inline(always)]
    fn bitand(self, b: Self) -> Self {
        M64 {
            s: self.s,
            m: self.s.and_m64s(self.m, b.m),
        }
    }
}
impl<S: Simd> BitOr for M64<S> {
    type Output = Self;
    #[inline(always)]
    fn bitor(self, b: Self) -> Self {
        M64 {
            s: self.s,
            m: self.s.or_m64s(self.m, b.m),
        }
    }
}

macro_rules! binop64 {
    ($tr:ident, $f:ident, $op:ident) => {
        impl<S: Simd> $tr for V64<S> {
            type Output = Self;
            #[inline(always)]
            fn $f(self, b: Self) -> Self {
                V64 {
                    s: self.s,
                    v: self.s.$op(self.v, b.v),
                }
            }
        }
        impl<S: Simd> $tr<f64> for V64<S> {
            type Output = Self;
            #[inline(always)]
            fn $f(self, b: f64) -> Self {
                V64 {
                    s: self.s,
                    v: self.s.$op(self.v, self.s.splat_f64s(b)),
                }
            }
        }
    };
}
binop64!(Add, add, add_f64s);
binop64!(Sub, sub, sub_f64s);
binop64!(Mul, mul, mul_f64s);
binop64!(Div, div, div_f64s);
binop64!(BitAnd, bitand, and_f64s);
binop64!(BitOr, bitor, or_f64s);
binop64!(BitXor, bitxor, xor_f64s);

impl<S: Simd> Neg for V64<S> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        V64 {
            s: self.s,
            v: self.s.neg_f64s(self.v),
        }
    }
}

/// Horner evaluation of `c[0] + c[1]·x + …` with fused steps.
///
/// ```
/// use activation_kernels::{math::{V64, horner64}, pulp::Scalar};
/// let x = V64::splat(Scalar, 2.0);
/// assert_eq!(horner64(x, &[1.0, 3.0, 0.5]).v, 1.0 + 6.0 + 2.0);
/// ```
#[inline(always)]
pub fn horner64<S: Simd, const N: usize>(x: V64<S>, c: &[f64; N]) -> V64<S> {
    let mut acc = x.k(c[N - 1]);
    let mut i = N - 1;
    while i > 0 {
        i -= 1;
        acc = acc.mul_add(x, x.k(c[i]));
    }
    acc
}
