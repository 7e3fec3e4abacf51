//! `bf16` and `f16` as [`Element`]s: the half values are widened to f32 lanes, computed with
//! the f32 kernels and rounded once (see the parent module's docs).

use super::*;
use crate::math::V;
use crate::math::vec::U;
use crate::rowwise;
use core::marker::PhantomData;
use half::slice::HalfFloatSliceExt;
use half::{bf16, f16};
use pulp::bytemuck::{self, Zeroable};
use pulp::{Simd, WithSimd};

macro_rules! half_element {
    ($t:ty, $codec:ty) => {
        impl sealed::Sealed for $t {
            act_via_element!();
            #[track_caller]
            fn row_forward_on(f: RowFunction, isa: Isa, x: &[$t], y: &mut [$t], row_len: usize) {
                rowwise::half_forward_on::<$codec>(
                    f,
                    isa,
                    x.reinterpret_cast(),
                    y.reinterpret_cast_mut(),
                    row_len,
                )
            }
            #[track_caller]
            fn row_forward_in_place_on(f: RowFunction, isa: Isa, x: &mut [$t], row_len: usize) {
                rowwise::half_forward_in_place_on::<$codec>(
                    f,
                    isa,
                    x.reinterpret_cast_mut(),
                    row_len,
                )
            }
            #[track_caller]
            fn row_backward_on(
                f: RowFunction,
                isa: Isa,
                y: &[$t],
                dy: &[$t],
                dx: &mut [$t],
                row_len: usize,
            ) {
                rowwise::half_backward_on::<$codec>(
                    f,
                    isa,
                    y.reinterpret_cast(),
                    dy.reinterpret_cast(),
                    dx.reinterpret_cast_mut(),
                    row_len,
                )
            }
        }

        impl Element for $t {
            type Compute = f32;
            #[inline]
            #[track_caller]
            fn map_on<K: UnaryKernelOn<f32>>(isa: Isa, k: K, src: &[$t], dst: &mut [$t]) {
                check_len("input and output", src.len(), dst.len());
                isa.dispatch(HMap::<$codec, K> {
                    k,
                    src: src.reinterpret_cast(),
                    dst: dst.reinterpret_cast_mut(),
                    c: PhantomData,
                })
            }
            #[inline]
            fn map_in_place_on<K: UnaryKernelOn<f32>>(isa: Isa, k: K, x: &mut [$t]) {
                isa.dispatch(HMapInPlace::<$codec, K> {
                    k,
                    x: x.reinterpret_cast_mut(),
                    c: PhantomData,
                })
            }
            #[inline]
            #[track_caller]
            fn map2_on<K: DualKernelOn<f32>>(
                isa: Isa,
                k: K,
                src: &[$t],
                a: &mut [$t],
                b: &mut [$t],
            ) {
                check_len("input and first output", src.len(), a.len());
                check_len("input and second output", src.len(), b.len());
                isa.dispatch(HMap2::<$codec, K> {
                    k,
                    src: src.reinterpret_cast(),
                    a: a.reinterpret_cast_mut(),
                    b: b.reinterpret_cast_mut(),
                    c: PhantomData,
                })
            }
            #[inline]
            #[track_caller]
            fn zip_on<K: BinaryKernelOn<f32>>(isa: Isa, k: K, a: &[$t], b: &[$t], dst: &mut [$t]) {
                check_len("first input and output", a.len(), dst.len());
                check_len("second input and output", b.len(), dst.len());
                isa.dispatch(HZip::<$codec, K> {
                    k,
                    a: a.reinterpret_cast(),
                    b: b.reinterpret_cast(),
                    dst: dst.reinterpret_cast_mut(),
                    c: PhantomData,
                })
            }
            #[inline]
            #[track_caller]
            fn zip_in_place_on<K: BinaryKernelOn<f32>>(isa: Isa, k: K, a: &[$t], b: &mut [$t]) {
                check_len("first input and second input/output", a.len(), b.len());
                isa.dispatch(HZipInPlace::<$codec, K> {
                    k,
                    a: a.reinterpret_cast(),
                    b: b.reinterpret_cast_mut(),
                    c: PhantomData,
                })
            }
        }
    };
}
half_element!(bf16, Bf16Codec);
half_element!(f16, F16Codec);

// ---------------------------------------------------------------------------------------------
// Conversions on u32 lanes. Convention: a half value sits in the upper 16 bits of its lane,
// the lower 16 bits are zero (for bf16 that is already its f32 value).

/// Logical right shift by a constant. pulp 0.22's generic `wrapping_dyn_shr_u32s` is four
/// scalar shifts on NEON (pulp guide §9), so NEON uses `vshrq_n_u32` through the escape hatch;
/// the bits are the same everywhere.
#[inline(always)]
fn shr<const N: i32, S: Simd>(u: U<S>) -> U<S> {
    #[cfg(target_arch = "aarch64")]
    {
        let any = &u.s as &dyn core::any::Any;
        if let Some(neon) = any.downcast_ref::<pulp::aarch64::Neon>() {
            // Only reached when S is Neon, whose u32s is 16 bytes like uint32x4_t (bytemuck
            // checks the size at run time in the dead branches of other ISAs).
            let v: core::arch::aarch64::uint32x4_t = bytemuck::cast(u.v);
            return U {
                s: u.s,
                v: bytemuck::cast(neon.neon.vshrq_n_u32::<N>(v)),
            };
        }
    }
    U {
        s: u.s,
        v: u.s.wrapping_dyn_shr_u32s(u.v, u.s.splat_u32s(N as u32)),
    }
}

#[inline(always)]
fn or<S: Simd>(a: U<S>, b: U<S>) -> U<S> {
    U {
        s: a.s,
        v: a.s.or_u32s(a.v, b.v),
    }
}

/// Widening and rounding of one half type on u32 lanes (upper-16-bit convention). Also used
/// by the row-wise functions' half path.
pub(crate) trait Codec: 'static {
    /// The exact f32 value of the half value in the upper 16 bits of each lane.
    fn widen<S: Simd>(h: U<S>) -> V<S>;
    /// `x` rounded to nearest even, in the upper 16 bits (lower 16 bits zero).
    fn narrow<S: Simd>(x: V<S>) -> U<S>;
}

/// `half::bf16`: the upper half of an f32.
pub(crate) struct Bf16Codec;
impl Codec for Bf16Codec {
    #[inline(always)]
    fn widen<S: Simd>(h: U<S>) -> V<S> {
        h.f32()
    }
    #[inline(always)]
    fn narrow<S: Simd>(x: V<S>) -> U<S> {
        let b = x.bits();
        // Round to nearest even: add 0x7FFF plus the lowest kept bit; the carry propagates
        // into the exponent (and to infinity from above bf16::MAX), infinities stay infinite.
        let lsb = shr::<16, S>(b).and(1);
        let rounded = b.add_k(0x7FFF).addv(lsb).and(0xFFFF_0000);
        // NaN: keep sign and upper payload, set the quiet bit.
        let nan = b.or(0x0040_0000).and(0xFFFF_0000);
        x.is_nan().select_u(nan, rounded)
    }
}

/// `half::f16`: 1 sign, 5 exponent (bias 15), 10 mantissa bits.
pub(crate) struct F16Codec;
impl Codec for F16Codec {
    #[inline(always)]
    fn widen<S: Simd>(h: U<S>) -> V<S> {
        let sign = h.and(0x8000_0000);
        // Exponent and mantissa at the f32 positions (f16 exponent field at bits 23..28).
        let em = shr::<3, S>(h.and(0x7FFF_0000));
        // Normal: re-bias the exponent by 127 - 15.
        let normal = em.add_k(112 << 23);
        // Infinity/NaN (f16 exponent 31): exponent 255, mantissa (quiet bit included) kept.
        let inf_nan = em.add_k(224 << 23);
        // Zero/subnormal (f16 exponent 0): m·2^-24 = (2^-14 + m·2^-24) - 2^-14, both terms
        // normal f32 in [2^-14, 2^-13), so the subtraction is exact.
        let magic = f32::from_bits(113 << 23);
        let sub = em.add_k(113 << 23).f32() - magic;
        let special = em.ge(0x0F80_0000);
        let tiny = em.lt(0x0080_0000);
        let v = special.select_u(inf_nan, normal);
        let v = tiny.select_u(sub.bits(), v);
        or(v, sign).f32()
    }
    #[inline(always)]
    fn narrow<S: Simd>(x: V<S>) -> U<S> {
        let b = x.bits();
        let sign = b.and(0x8000_0000);
        let a = b.and(0x7FFF_FFFF);
        // |x| ≥ 65536 (or inf/NaN): overflow to infinity; NaN becomes the quiet NaN.
        let big = a.ge(0x4780_0000);
        let nan = a.ge(0x7F80_0001);
        let big_bits = nan.select_u(U::splat(b.s, 0x7E00_0000), U::splat(b.s, 0x7C00_0000));
        // |x| < 2^-14 (f16 subnormal range or zero): adding 0.5 puts the f16 subnormal grid
        // (2^-24) exactly on the f32 ULP of 0.5, so the hardware addition rounds to nearest
        // even; the mantissa then holds the f16 bits (0x400 when it rounds up to the smallest
        // normal, which is the right encoding).
        let small = a.lt(113 << 23);
        let h05 = x.k(0.5);
        let sub = (a.f32() + h05).bits().subv(h05.bits());
        let sub = sub.shl_k(16);
        // Normal: re-bias (subtract (127 - 15) << 23), round to nearest even at bit 13 with
        // 0xFFF plus the lowest kept bit, and move to the upper half (bits 13..28 → 16..31;
        // the value is below 2^28, so `<< 3` drops only zeros).
        let odd = shr::<13, S>(a).and(1);
        let normal = a
            .add_k(0xC800_0000u32.wrapping_add(0xFFF))
            .addv(odd)
            .shl_k(3)
            .and(0xFFFF_0000);
        let v = small.select_u(sub, normal);
        let v = big.select_u(big_bits, v);
        or(v, sign)
    }
}

// ---------------------------------------------------------------------------------------------
// Drivers over `[u16]`. Each vector step reads `size_of::<S::u32s>()` bytes: two half values per
// 32-bit lane. The even and odd values of a lane go through the f32 kernel as two separate f32
// vectors and are packed back into their own positions, so element order (and endianness)
// never matters. The tail is copied into a zeroed vector, processed by the same code and copied
// back, so it is bit-identical to the body and nothing outside the slices is touched.

/// Half values per vector step.
#[inline(always)]
fn step<S: Simd>() -> usize {
    core::mem::size_of::<S::u32s>() / 2
}

#[inline(always)]
fn load<S: Simd>(chunk: &[u16]) -> S::u32s {
    assert!(chunk.len() * 2 == core::mem::size_of::<S::u32s>());
    // SAFETY: `chunk` holds exactly `size_of::<S::u32s>()` bytes (asserted), the read is
    // unaligned, and every bit pattern is a valid `S::u32s` (it is `Pod`).
    unsafe { core::ptr::read_unaligned(chunk.as_ptr() as *const S::u32s) }
}

#[inline(always)]
fn store<S: Simd>(chunk: &mut [u16], w: S::u32s) {
    assert!(chunk.len() * 2 == core::mem::size_of::<S::u32s>());
    // SAFETY: `chunk` holds exactly `size_of::<S::u32s>()` writable bytes (asserted) and the
    // write is unaligned.
    unsafe { core::ptr::write_unaligned(chunk.as_mut_ptr() as *mut S::u32s, w) }
}

/// Copies a short tail into a zeroed vector.
#[inline(always)]
fn load_tail<S: Simd>(tail: &[u16]) -> S::u32s {
    let mut w = S::u32s::zeroed();
    bytemuck::cast_slice_mut::<u32, u16>(bytemuck::cast_slice_mut(core::slice::from_mut(&mut w)))
        [..tail.len()]
        .copy_from_slice(tail);
    w
}

/// Writes the first `tail.len()` half values of `w` to `tail`.
#[inline(always)]
fn store_tail<S: Simd>(tail: &mut [u16], w: S::u32s) {
    let n = tail.len();
    tail.copy_from_slice(&bytemuck::cast_slice::<u8, u16>(bytemuck::bytes_of(&w))[..n]);
}

/// The two f32 vectors (even and odd positions) of a pair vector.
#[inline(always)]
fn unpack<C: Codec, S: Simd>(s: S, w: S::u32s) -> (S::f32s, S::f32s) {
    let w = U { s, v: w };
    (C::widen(w.shl_k(16)).v, C::widen(w.and(0xFFFF_0000)).v)
}

/// The inverse of [`unpack`], rounding both vectors.
#[inline(always)]
fn pack<C: Codec, S: Simd>(s: S, lo: S::f32s, hi: S::f32s) -> S::u32s {
    let lo = shr::<16, S>(C::narrow(V::new(s, lo)));
    or(lo, C::narrow(V::new(s, hi))).v
}

/// One pair vector through a unary kernel.
#[inline(always)]
fn unary<C: Codec, K: UnaryKernelOn<f32>, S: Simd>(s: S, k: K, w: S::u32s) -> S::u32s {
    let (lo, hi) = unpack::<C, S>(s, w);
    pack::<C, S>(s, k.apply_on(s, lo), k.apply_on(s, hi))
}

/// One pair vector through a two-output kernel.
#[inline(always)]
fn dual<C: Codec, K: DualKernelOn<f32>, S: Simd>(s: S, k: K, w: S::u32s) -> (S::u32s, S::u32s) {
    let (lo, hi) = unpack::<C, S>(s, w);
    let (alo, blo) = k.apply2_on(s, lo);
    let (ahi, bhi) = k.apply2_on(s, hi);
    (pack::<C, S>(s, alo, ahi), pack::<C, S>(s, blo, bhi))
}

/// Two pair vectors through a binary kernel.
#[inline(always)]
fn binary<C: Codec, K: BinaryKernelOn<f32>, S: Simd>(
    s: S,
    k: K,
    wa: S::u32s,
    wb: S::u32s,
) -> S::u32s {
    let (alo, ahi) = unpack::<C, S>(s, wa);
    let (blo, bhi) = unpack::<C, S>(s, wb);
    pack::<C, S>(s, k.apply_on(s, alo, blo), k.apply_on(s, ahi, bhi))
}

struct HMap<'a, C, K> {
    k: K,
    src: &'a [u16],
    dst: &'a mut [u16],
    c: PhantomData<C>,
}

impl<C: Codec, K: UnaryKernelOn<f32>> WithSimd for HMap<'_, C, K> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let HMap { k, src, dst, .. } = self;
        check_len("input and output", src.len(), dst.len());
        let n = step::<S>();
        let mut s_it = src.chunks_exact(n);
        let mut d_it = dst.chunks_exact_mut(n);
        for (s, d) in (&mut s_it).zip(&mut d_it) {
            store::<S>(d, unary::<C, K, S>(simd, k, load::<S>(s)));
        }
        let (s_tail, d_tail) = (s_it.remainder(), d_it.into_remainder());
        if !s_tail.is_empty() {
            store_tail::<S>(d_tail, unary::<C, K, S>(simd, k, load_tail::<S>(s_tail)));
        }
    }
}

struct HMapInPlace<'a, C, K> {
    k: K,
    x: &'a mut [u16],
    c: PhantomData<C>,
}

impl<C: Codec, K: UnaryKernelOn<f32>> WithSimd for HMapInPlace<'_, C, K> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let HMapInPlace { k, x, .. } = self;
        let mut it = x.chunks_exact_mut(step::<S>());
        for c in &mut it {
            let w = unary::<C, K, S>(simd, k, load::<S>(c));
            store::<S>(c, w);
        }
        let tail = it.into_remainder();
        if !tail.is_empty() {
            let w = unary::<C, K, S>(simd, k, load_tail::<S>(tail));
            store_tail::<S>(tail, w);
        }
    }
}

struct HMap2<'a, C, K> {
    k: K,
    src: &'a [u16],
    a: &'a mut [u16],
    b: &'a mut [u16],
    c: PhantomData<C>,
}

impl<C: Codec, K: DualKernelOn<f32>> WithSimd for HMap2<'_, C, K> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let HMap2 { k, src, a, b, .. } = self;
        check_len("input and first output", src.len(), a.len());
        check_len("input and second output", src.len(), b.len());
        let n = step::<S>();
        let mut s_it = src.chunks_exact(n);
        let mut a_it = a.chunks_exact_mut(n);
        let mut b_it = b.chunks_exact_mut(n);
        for ((s, a), b) in (&mut s_it).zip(&mut a_it).zip(&mut b_it) {
            let (wa, wb) = dual::<C, K, S>(simd, k, load::<S>(s));
            store::<S>(a, wa);
            store::<S>(b, wb);
        }
        let s_tail = s_it.remainder();
        if !s_tail.is_empty() {
            let (wa, wb) = dual::<C, K, S>(simd, k, load_tail::<S>(s_tail));
            store_tail::<S>(a_it.into_remainder(), wa);
            store_tail::<S>(b_it.into_remainder(), wb);
        }
    }
}

struct HZip<'a, C, K> {
    k: K,
    a: &'a [u16],
    b: &'a [u16],
    dst: &'a mut [u16],
    c: PhantomData<C>,
}

impl<C: Codec, K: BinaryKernelOn<f32>> WithSimd for HZip<'_, C, K> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let HZip { k, a, b, dst, .. } = self;
        check_len("first input and output", a.len(), dst.len());
        check_len("second input and output", b.len(), dst.len());
        let n = step::<S>();
        let mut a_it = a.chunks_exact(n);
        let mut b_it = b.chunks_exact(n);
        let mut d_it = dst.chunks_exact_mut(n);
        for ((a, b), d) in (&mut a_it).zip(&mut b_it).zip(&mut d_it) {
            store::<S>(d, binary::<C, K, S>(simd, k, load::<S>(a), load::<S>(b)));
        }
        let d_tail = d_it.into_remainder();
        if !d_tail.is_empty() {
            let w = binary::<C, K, S>(
                simd,
                k,
                load_tail::<S>(a_it.remainder()),
                load_tail::<S>(b_it.remainder()),
            );
            store_tail::<S>(d_tail, w);
        }
    }
}

struct HZipInPlace<'a, C, K> {
    k: K,
    a: &'a [u16],
    b: &'a mut [u16],
    c: PhantomData<C>,
}

impl<C: Codec, K: BinaryKernelOn<f32>> WithSimd for HZipInPlace<'_, C, K> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let HZipInPlace { k, a, b, .. } = self;
        check_len("first input and second input/output", a.len(), b.len());
        let n = step::<S>();
        let mut a_it = a.chunks_exact(n);
        let mut b_it = b.chunks_exact_mut(n);
        for (a, b) in (&mut a_it).zip(&mut b_it) {
            let w = binary::<C, K, S>(simd, k, load::<S>(a), load::<S>(b));
            store::<S>(b, w);
        }
        let b_tail = b_it.into_remainder();
        if !b_tail.is_empty() {
            let w = binary::<C, K, S>(
                simd,
                k,
                load_tail::<S>(a_it.remainder()),
                load_tail::<S>(b_tail),
            );
            store_tail::<S>(b_tail, w);
        }
    }
}
