//! `bf16` and `f16` as [`Element`]s: the half values are widened to f32 lanes, computed with
//! the f32 kernels and rounded once (see the parent module's docs).

use super::*;
use crate::math::V;
use crate::math::vec::U;
use crate::reduce::SLOTS;
use crate::rowwise;
use core::marker::PhantomData;
use half::slice::HalfFloatSliceExt;
use half::{bf16, f16};
use pulp::bytemuck::{self, Zeroable};
use pulp::{Simd, WithSimd};

macro_rules! half_element {
    ($t:ty, $kind:ty) => {
        impl sealed::Sealed for $t {
            act_via_element!();
            portable_ops!();
            fn widen64(self) -> f64 {
                f64::from(self.to_f32())
            }
            #[track_caller]
            fn row_forward_on(f: RowFunction, isa: Isa, x: &[$t], y: &mut [$t], row_len: usize) {
                rowwise::half_forward_on::<$kind>(
                    f,
                    isa,
                    x.reinterpret_cast(),
                    y.reinterpret_cast_mut(),
                    row_len,
                )
            }
            #[track_caller]
            fn row_forward_in_place_on(f: RowFunction, isa: Isa, x: &mut [$t], row_len: usize) {
                rowwise::half_forward_in_place_on::<$kind>(
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
                rowwise::half_backward_on::<$kind>(
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
                <$kind>::dispatch(
                    isa,
                    HMap {
                        k,
                        src: src.reinterpret_cast(),
                        dst: dst.reinterpret_cast_mut(),
                    },
                )
            }
            #[inline]
            fn map_in_place_on<K: UnaryKernelOn<f32>>(isa: Isa, k: K, x: &mut [$t]) {
                <$kind>::dispatch(
                    isa,
                    HMapInPlace {
                        k,
                        x: x.reinterpret_cast_mut(),
                    },
                )
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
                <$kind>::dispatch(
                    isa,
                    HMap2 {
                        k,
                        src: src.reinterpret_cast(),
                        a: a.reinterpret_cast_mut(),
                        b: b.reinterpret_cast_mut(),
                    },
                )
            }
            #[inline]
            #[track_caller]
            fn zip_on<K: BinaryKernelOn<f32>>(isa: Isa, k: K, a: &[$t], b: &[$t], dst: &mut [$t]) {
                check_len("first input and output", a.len(), dst.len());
                check_len("second input and output", b.len(), dst.len());
                <$kind>::dispatch(
                    isa,
                    HZip {
                        k,
                        a: a.reinterpret_cast(),
                        b: b.reinterpret_cast(),
                        dst: dst.reinterpret_cast_mut(),
                    },
                )
            }
            #[inline]
            #[track_caller]
            fn zip_in_place_on<K: BinaryKernelOn<f32>>(isa: Isa, k: K, a: &[$t], b: &mut [$t]) {
                check_len("first input and second input/output", a.len(), b.len());
                <$kind>::dispatch(
                    isa,
                    HZipInPlace {
                        k,
                        a: a.reinterpret_cast(),
                        b: b.reinterpret_cast_mut(),
                    },
                )
            }
        }
    };
}
half_element!(bf16, Bf16Kind);
half_element!(f16, F16Kind);

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
    /// The two f32 vectors of a pair vector (a vector of `2 × lanes` half values). Any split
    /// will do as long as [`Codec::pack`] is its inverse; the portable one takes the even and
    /// the odd positions, which needs no shuffle.
    #[inline(always)]
    fn unpack<S: Simd>(s: S, w: S::u32s) -> (S::f32s, S::f32s) {
        let w = U { s, v: w };
        (
            Self::widen(w.shl_k(16)).v,
            Self::widen(w.and(0xFFFF_0000)).v,
        )
    }
    /// The inverse of [`Codec::unpack`], rounding both vectors.
    #[inline(always)]
    fn pack<S: Simd>(s: S, lo: S::f32s, hi: S::f32s) -> S::u32s {
        let lo = shr::<16, S>(Self::narrow(V::new(s, lo)));
        or(lo, Self::narrow(V::new(s, hi))).v
    }
    /// A block of `SLOTS` half values widened in order: value `j·lanes + i` in lane `i` of
    /// vector `j` (the row-wise functions' block layout); vectors past `SLOTS / lanes` are 0.
    #[inline(always)]
    fn widen_block<S: Simd>(s: S, b: &[u16; SLOTS]) -> [S::f32s; SLOTS] {
        // Each half value in the upper 16 bits of its own u32 lane (the codecs' convention).
        let w: [u32; SLOTS] = core::array::from_fn(|i| (b[i] as u32) << 16);
        let mut out = [s.splat_f32s(0.0); SLOTS];
        for (o, &v) in out.iter_mut().zip(S::as_simd_u32s(&w).0) {
            *o = Self::widen(U { s, v }).v;
        }
        out
    }
    /// The inverse of [`Codec::widen_block`], rounding each value.
    #[inline(always)]
    fn narrow_block<S: Simd>(s: S, v: &[S::f32s; SLOTS]) -> [u16; SLOTS] {
        let mut w = [0u32; SLOTS];
        for (o, &x) in S::as_mut_simd_u32s(&mut w).0.iter_mut().zip(v) {
            *o = Self::narrow(V::new(s, x)).v;
        }
        core::array::from_fn(|i| (w[i] >> 16) as u16)
    }
}

/// A half type: its codecs and how its jobs are dispatched.
pub(crate) trait HalfKind {
    /// Runs `job` on `isa`, natively converting where the CPU can.
    fn dispatch<J: HalfJob>(isa: Isa, job: J);
}

/// `half::bf16`.
pub(crate) struct Bf16Kind;
impl HalfKind for Bf16Kind {
    #[inline(always)]
    fn dispatch<J: HalfJob>(isa: Isa, job: J) {
        dispatch_bf16(isa, job)
    }
}

/// `half::f16`.
pub(crate) struct F16Kind;
impl HalfKind for F16Kind {
    #[inline(always)]
    fn dispatch<J: HalfJob>(isa: Isa, job: J) {
        dispatch_f16(isa, job)
    }
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
        // Infinity/NaN (f16 exponent 31): exponent 255, mantissa kept, and a NaN made quiet
        // (as F16C's `vcvtph2ps` and the `half` crate do; an infinity's mantissa is zero).
        let inf_nan = em.add_k(224 << 23);
        let inf_nan = em
            .ge(0x0F80_0001)
            .select_u(inf_nan.or(0x0040_0000), inf_nan);
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
        // |x| ≥ 65536 (or inf/NaN): overflow to infinity. A NaN keeps the upper 10 bits of its
        // payload and is made quiet, as F16C's `vcvtps2ph` and the `half` crate do.
        let big = a.ge(0x4780_0000);
        let nan = a.ge(0x7F80_0001);
        let nan_bits = shr::<13, S>(a.and(0x007F_FFFF)).shl_k(16).or(0x7E00_0000);
        let big_bits = nan.select_u(nan_bits, U::splat(b.s, 0x7C00_0000));
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
// Dispatch. Every driver below is a `HalfJob`: generic over the codec, so the dispatch can pick
// the CPU's own conversion instructions where the ISA has them and the portable integer code
// above elsewhere. Both give the same bits (NaN payloads included); `tests` below checks that on
// every half value and on every f32 rounding case that matters.
//
// - f16 on AVX2: F16C's `vcvtph2ps`/`vcvtps2ph` (every AVX2 CPU we know of has F16C, but it is
//   checked), run under a token that adds `f16c` to pulp's V3 so the intrinsics inline.
// - f16 on AVX-512: the AVX-512F forms of the same instructions (no extra feature).
// - bf16 on AVX-512 with AVX512_BF16: `vcvtne2ps2bf16` narrows two f32 vectors into one bf16
//   vector. It rounds to nearest even and quiets NaNs as we do, but flushes f32 subnormals to
//   zero, so a pair vector holding a subnormal takes the portable rounding instead (a compare
//   per vector, the fallback almost never runs). Widening bf16 is a shift on every ISA.
// - Everything else (bf16 on AVX2, scalar, NEON): the portable codec.

/// A driver over `[u16]`, run with the codec the dispatch picks.
pub(crate) trait HalfJob {
    fn run<C: Codec, S: Simd>(self, simd: S);
}

/// Adapts a [`HalfJob`] with a fixed codec to pulp's dispatch.
struct WithCodec<C, J>(J, PhantomData<C>);

impl<C: Codec, J: HalfJob> WithSimd for WithCodec<C, J> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        self.0.run::<C, S>(simd)
    }
}

#[inline(always)]
fn portable<C: Codec, J: HalfJob>(isa: Isa, job: J) {
    isa.dispatch(WithCodec::<C, J>(job, PhantomData))
}

/// Runs a bf16 job on `isa`, natively converting where the CPU can.
#[inline(always)]
fn dispatch_bf16<J: HalfJob>(isa: Isa, job: J) {
    #[cfg(target_arch = "x86_64")]
    if isa == Isa::Avx512
        && let Some(t) = native::V4Bf16::try_new()
    {
        return t.run(job);
    }
    portable::<Bf16Codec, J>(isa, job)
}

/// Runs an f16 job on `isa`, natively converting where the CPU can.
#[inline(always)]
fn dispatch_f16<J: HalfJob>(isa: Isa, job: J) {
    #[cfg(target_arch = "x86_64")]
    match isa {
        Isa::Avx2 => {
            if let Some(t) = native::V3F16c::try_new() {
                return t.run(job);
            }
        }
        Isa::Avx512 => return portable::<native::F16Native, J>(isa, job),
        _ => {}
    }
    portable::<F16Codec, J>(isa, job)
}

#[cfg(target_arch = "x86_64")]
pub(crate) mod native {
    //! The x86 conversion instructions (see the dispatch notes above).
    use super::{Bf16Codec, Codec, F16Codec, HalfJob, SLOTS, U, V};
    use core::any::Any;
    use core::arch::x86_64::*;
    use core::marker::PhantomData;
    use pulp::Simd;
    use pulp::bytemuck::cast;
    use pulp::x86::{V3, V4};

    pulp::simd_type! {
        /// pulp's V3 features plus F16C.
        pub struct V3F16c {
            pub sse: "sse", pub sse2: "sse2", pub fxsr: "fxsr", pub sse3: "sse3",
            pub ssse3: "ssse3", pub sse4_1: "sse4.1", pub sse4_2: "sse4.2",
            pub popcnt: "popcnt", pub avx: "avx", pub avx2: "avx2", pub bmi1: "bmi1",
            pub bmi2: "bmi2", pub fma: "fma", pub lzcnt: "lzcnt", pub f16c: "f16c",
        }

        /// pulp's V4 features plus AVX512_BF16.
        pub struct V4Bf16 {
            pub sse: "sse", pub sse2: "sse2", pub fxsr: "fxsr", pub sse3: "sse3",
            pub ssse3: "ssse3", pub sse4_1: "sse4.1", pub sse4_2: "sse4.2",
            pub popcnt: "popcnt", pub avx: "avx", pub avx2: "avx2", pub bmi1: "bmi1",
            pub bmi2: "bmi2", pub fma: "fma", pub lzcnt: "lzcnt", pub avx512f: "avx512f",
            pub avx512bw: "avx512bw", pub avx512cd: "avx512cd", pub avx512dq: "avx512dq",
            pub avx512vl: "avx512vl", pub avx512bf16: "avx512bf16",
        }
    }

    /// A job bound to its codec and token. A named type rather than a closure so that `call`
    /// can be `#[inline(always)]`: it must inline into the function `vectorize` compiles with
    /// the token's features, or every pulp operation below it becomes an out-of-line call.
    struct Call<C, S, J>(J, S, PhantomData<C>);

    impl<C: Codec, S: Simd, J: HalfJob> pulp::NullaryFnOnce for Call<C, S, J> {
        type Output = ();
        #[inline(always)]
        fn call(self) {
            self.0.run::<C, S>(self.1)
        }
    }

    impl V3F16c {
        /// Runs `job` on pulp's V3 inside a function compiled with F16C, so the conversion
        /// intrinsics of [`F16Native`] inline into the loop.
        #[inline(always)]
        pub(crate) fn run<J: HalfJob>(self, job: J) {
            // SAFETY: this token exists, so every V3 feature is available.
            let v3 = unsafe { V3::new_unchecked() };
            self.vectorize(Call::<F16Native, V3, J>(job, v3, PhantomData))
        }
    }

    impl V4Bf16 {
        /// Runs `job` on pulp's V4 inside a function compiled with AVX512_BF16.
        #[inline(always)]
        pub(crate) fn run<J: HalfJob>(self, job: J) {
            // SAFETY: this token exists, so every V4 feature is available.
            let v4 = unsafe { V4::new_unchecked() };
            self.vectorize(Call::<Bf16Native, V4, J>(job, v4, PhantomData))
        }
    }

    /// f16 through `vcvtph2ps`/`vcvtps2ph` (round to nearest even, set by the immediate, not
    /// MXCSR). Only dispatched for V4 (AVX-512F has them) and for V3 under [`V3F16c`]; any
    /// other token gets the portable code.
    pub(crate) struct F16Native;

    impl Codec for F16Native {
        #[inline(always)]
        fn widen<S: Simd>(h: U<S>) -> V<S> {
            F16Codec::widen(h)
        }
        #[inline(always)]
        fn narrow<S: Simd>(x: V<S>) -> U<S> {
            F16Codec::narrow(x)
        }
        #[inline(always)]
        fn unpack<S: Simd>(s: S, w: S::u32s) -> (S::f32s, S::f32s) {
            // Each branch is only taken when `S` is that token, so the casts are between
            // same-sized types. The first half of the pair vector's values goes to `lo`.
            let any = &s as &dyn Any;
            if any.is::<V4>() {
                let w: __m512i = cast(w);
                // SAFETY: `S` is V4, so AVX-512F is available.
                let (lo, hi) = unsafe {
                    (
                        _mm512_cvtph_ps(_mm512_castsi512_si256(w)),
                        _mm512_cvtph_ps(_mm512_extracti64x4_epi64::<1>(w)),
                    )
                };
                return (cast(lo), cast(hi));
            }
            if any.is::<V3>() {
                let w: __m256i = cast(w);
                // SAFETY: with V3 this codec only runs under `V3F16c`, which checked F16C.
                let (lo, hi) = unsafe {
                    (
                        _mm256_cvtph_ps(_mm256_castsi256_si128(w)),
                        _mm256_cvtph_ps(_mm256_extracti128_si256::<1>(w)),
                    )
                };
                return (cast(lo), cast(hi));
            }
            F16Codec::unpack(s, w)
        }
        #[inline(always)]
        fn pack<S: Simd>(s: S, lo: S::f32s, hi: S::f32s) -> S::u32s {
            const RNE: i32 = _MM_FROUND_TO_NEAREST_INT;
            let any = &s as &dyn Any;
            if any.is::<V4>() {
                // SAFETY: `S` is V4, so AVX-512F is available.
                let w = unsafe {
                    let lo = _mm512_cvtps_ph::<RNE>(cast(lo));
                    let hi = _mm512_cvtps_ph::<RNE>(cast(hi));
                    _mm512_inserti64x4::<1>(_mm512_castsi256_si512(lo), hi)
                };
                return cast(w);
            }
            if any.is::<V3>() {
                // SAFETY: with V3 this codec only runs under `V3F16c`, which checked F16C.
                let w = unsafe {
                    let lo = _mm256_cvtps_ph::<RNE>(cast(lo));
                    let hi = _mm256_cvtps_ph::<RNE>(cast(hi));
                    _mm256_set_m128i(hi, lo)
                };
                return cast(w);
            }
            F16Codec::pack(s, lo, hi)
        }
        #[inline(always)]
        fn widen_block<S: Simd>(s: S, b: &[u16; SLOTS]) -> [S::f32s; SLOTS] {
            let any = &s as &dyn Any;
            let mut out = [s.splat_f32s(0.0); SLOTS];
            if any.is::<V4>() {
                let h: __m256i = cast(*b);
                // SAFETY: `S` is V4, so AVX-512F is available.
                out[0] = cast(unsafe { _mm512_cvtph_ps(h) });
                return out;
            }
            if any.is::<V3>() {
                let h: [__m128i; 2] = cast(*b);
                // SAFETY: with V3 this codec only runs under `V3F16c`, which checked F16C.
                unsafe {
                    out[0] = cast(_mm256_cvtph_ps(h[0]));
                    out[1] = cast(_mm256_cvtph_ps(h[1]));
                }
                return out;
            }
            F16Codec::widen_block(s, b)
        }
        #[inline(always)]
        fn narrow_block<S: Simd>(s: S, v: &[S::f32s; SLOTS]) -> [u16; SLOTS] {
            const RNE: i32 = _MM_FROUND_TO_NEAREST_INT;
            let any = &s as &dyn Any;
            if any.is::<V4>() {
                // SAFETY: `S` is V4, so AVX-512F is available.
                return cast(unsafe { _mm512_cvtps_ph::<RNE>(cast(v[0])) });
            }
            if any.is::<V3>() {
                // SAFETY: with V3 this codec only runs under `V3F16c`, which checked F16C.
                let h: [__m128i; 2] = unsafe {
                    [
                        _mm256_cvtps_ph::<RNE>(cast(v[0])),
                        _mm256_cvtps_ph::<RNE>(cast(v[1])),
                    ]
                };
                return cast(h);
            }
            F16Codec::narrow_block(s, v)
        }
    }

    /// bf16 with `vcvtne2ps2bf16`. Only dispatched for V4 under [`V4Bf16`]; any other token
    /// gets the portable code.
    pub(crate) struct Bf16Native;

    /// The 16 bf16 values of `x` rounded by the portable code, as 16-bit integers (a named
    /// function, not a closure, so that it is inlined into the AVX-512 region).
    #[inline(always)]
    fn narrow_portable<S: Simd>(v4: V4, s: S, x: S::f32s) -> __m256i {
        let f = v4.avx512f;
        let r: __m512i = cast(Bf16Codec::narrow(V::new(s, x)).v);
        f._mm512_cvtepi32_epi16(f._mm512_srli_epi32::<16>(r))
    }

    impl Codec for Bf16Native {
        #[inline(always)]
        fn widen<S: Simd>(h: U<S>) -> V<S> {
            Bf16Codec::widen(h)
        }
        #[inline(always)]
        fn narrow<S: Simd>(x: V<S>) -> U<S> {
            Bf16Codec::narrow(x)
        }
        #[inline(always)]
        fn unpack<S: Simd>(s: S, w: S::u32s) -> (S::f32s, S::f32s) {
            let any = &s as &dyn Any;
            if let Some(v4) = any.downcast_ref::<V4>() {
                // Interleaving with zero puts each bf16 in the upper half of a lane: `lo` gets
                // the lower four values of each 128-bit block, `hi` the upper four (`pack`
                // restores the order).
                let w: __m512i = cast(w);
                let z = v4.avx512f._mm512_setzero_si512();
                let lo = v4.avx512bw._mm512_unpacklo_epi16(z, w);
                let hi = v4.avx512bw._mm512_unpackhi_epi16(z, w);
                return (cast(lo), cast(hi));
            }
            Bf16Codec::unpack(s, w)
        }
        #[inline(always)]
        fn pack<S: Simd>(s: S, lo: S::f32s, hi: S::f32s) -> S::u32s {
            let any = &s as &dyn Any;
            if let Some(v4) = any.downcast_ref::<V4>() {
                let f = v4.avx512f;
                let (l, h): (__m512i, __m512i) = (cast(lo), cast(hi));
                // Subnormal lanes: |bits| - 1 < 2^23 - 1 (unsigned), i.e. 1 ≤ |bits| < 2^23.
                let abs = f._mm512_set1_epi32(0x7FFF_FFFF);
                let one = f._mm512_set1_epi32(1);
                let lim = f._mm512_set1_epi32(0x007F_FFFF);
                let sub = |x| {
                    f._mm512_cmplt_epu32_mask(
                        f._mm512_sub_epi32(f._mm512_and_si512(x, abs), one),
                        lim,
                    )
                };
                let joined: __m512i = if (sub(l) | sub(h)) == 0 {
                    // SAFETY: with V4 this codec only runs under `V4Bf16`, which checked
                    // AVX512_BF16.
                    cast(unsafe { _mm512_cvtne2ps_pbh(cast(hi), cast(lo)) })
                } else {
                    // A subnormal: round with the portable code, the same layout.
                    let (nl, nh) = (narrow_portable(*v4, s, lo), narrow_portable(*v4, s, hi));
                    f._mm512_inserti64x4::<1>(f._mm512_castsi256_si512(nl), nh)
                };
                // `joined` holds `lo`'s 16 values, then `hi`'s: value 8j + k of the pair
                // vector (k < 4) is at 4j + k, value 8j + 4 + k at 16 + 4j + k.
                let idx: [u16; 32] = core::array::from_fn(|e| {
                    let (j, k) = (e / 8, e % 8);
                    (if k < 4 { 4 * j + k } else { 16 + 4 * j + k - 4 }) as u16
                });
                let w = v4.avx512bw._mm512_permutexvar_epi16(cast(idx), joined);
                return cast(w);
            }
            Bf16Codec::pack(s, lo, hi)
        }
        #[inline(always)]
        fn widen_block<S: Simd>(s: S, b: &[u16; SLOTS]) -> [S::f32s; SLOTS] {
            let any = &s as &dyn Any;
            if let Some(v4) = any.downcast_ref::<V4>() {
                let f = v4.avx512f;
                let mut out = [s.splat_f32s(0.0); SLOTS];
                out[0] = cast(f._mm512_slli_epi32::<16>(f._mm512_cvtepu16_epi32(cast(*b))));
                return out;
            }
            Bf16Codec::widen_block(s, b)
        }
        #[inline(always)]
        fn narrow_block<S: Simd>(s: S, v: &[S::f32s; SLOTS]) -> [u16; SLOTS] {
            let any = &s as &dyn Any;
            if let Some(v4) = any.downcast_ref::<V4>() {
                let f = v4.avx512f;
                let x: __m512i = cast(v[0]);
                let abs = f._mm512_and_si512(x, f._mm512_set1_epi32(0x7FFF_FFFF));
                let m1 = f._mm512_sub_epi32(abs, f._mm512_set1_epi32(1));
                if f._mm512_cmplt_epu32_mask(m1, f._mm512_set1_epi32(0x007F_FFFF)) == 0 {
                    // SAFETY: with V4 this codec only runs under `V4Bf16`, which checked
                    // AVX512_BF16.
                    return cast(unsafe { _mm512_cvtneps_pbh(cast(v[0])) });
                }
            }
            Bf16Codec::narrow_block(s, v)
        }
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

/// One pair vector through a unary kernel.
#[inline(always)]
fn unary<C: Codec, K: UnaryKernelOn<f32>, S: Simd>(s: S, k: K, w: S::u32s) -> S::u32s {
    let (lo, hi) = C::unpack(s, w);
    C::pack(s, k.apply_on(s, lo), k.apply_on(s, hi))
}

/// One pair vector through a two-output kernel.
#[inline(always)]
fn dual<C: Codec, K: DualKernelOn<f32>, S: Simd>(s: S, k: K, w: S::u32s) -> (S::u32s, S::u32s) {
    let (lo, hi) = C::unpack(s, w);
    let (alo, blo) = k.apply2_on(s, lo);
    let (ahi, bhi) = k.apply2_on(s, hi);
    (C::pack(s, alo, ahi), C::pack(s, blo, bhi))
}

/// Two pair vectors through a binary kernel.
#[inline(always)]
fn binary<C: Codec, K: BinaryKernelOn<f32>, S: Simd>(
    s: S,
    k: K,
    wa: S::u32s,
    wb: S::u32s,
) -> S::u32s {
    let (alo, ahi) = C::unpack(s, wa);
    let (blo, bhi) = C::unpack(s, wb);
    C::pack(s, k.apply_on(s, alo, blo), k.apply_on(s, ahi, bhi))
}

struct HMap<'a, K> {
    k: K,
    src: &'a [u16],
    dst: &'a mut [u16],
}

impl<K: UnaryKernelOn<f32>> HalfJob for HMap<'_, K> {
    #[inline(always)]
    fn run<C: Codec, S: Simd>(self, simd: S) {
        let HMap { k, src, dst } = self;
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

struct HMapInPlace<'a, K> {
    k: K,
    x: &'a mut [u16],
}

impl<K: UnaryKernelOn<f32>> HalfJob for HMapInPlace<'_, K> {
    #[inline(always)]
    fn run<C: Codec, S: Simd>(self, simd: S) {
        let HMapInPlace { k, x } = self;
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

struct HMap2<'a, K> {
    k: K,
    src: &'a [u16],
    a: &'a mut [u16],
    b: &'a mut [u16],
}

impl<K: DualKernelOn<f32>> HalfJob for HMap2<'_, K> {
    #[inline(always)]
    fn run<C: Codec, S: Simd>(self, simd: S) {
        let HMap2 { k, src, a, b } = self;
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

struct HZip<'a, K> {
    k: K,
    a: &'a [u16],
    b: &'a [u16],
    dst: &'a mut [u16],
}

impl<K: BinaryKernelOn<f32>> HalfJob for HZip<'_, K> {
    #[inline(always)]
    fn run<C: Codec, S: Simd>(self, simd: S) {
        let HZip { k, a, b, dst } = self;
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

struct HZipInPlace<'a, K> {
    k: K,
    a: &'a [u16],
    b: &'a mut [u16],
}

impl<K: BinaryKernelOn<f32>> HalfJob for HZipInPlace<'_, K> {
    #[inline(always)]
    fn run<C: Codec, S: Simd>(self, simd: S) {
        let HZipInPlace { k, a, b } = self;
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

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    //! The native codecs against the portable ones and the `half` crate, bit for bit (NaN
    //! payloads included): widening every half value, and narrowing every f32 whose upper 16
    //! bits are any pattern and whose lower 16 bits are one of a set that covers every rounding
    //! case (ties, above and below them, at both parities) of both types. The tokens are used
    //! directly, outside `vectorize`, so this is slow per element but checks the same code.
    use super::native::{Bf16Native, F16Native, V3F16c, V4Bf16};
    use super::*;
    use pulp::x86::{V3, V4};

    const LOW: [u32; 24] = [
        0, 1, 0x0FFF, 0x1000, 0x1001, 0x1FFF, 0x2000, 0x3000, 0x5000, 0x7FFF, 0x8000, 0x8001,
        0x9000, 0xBFFF, 0xC000, 0xC001, 0xDFFF, 0xE000, 0xEFFF, 0xF000, 0xF001, 0xFFFF, 0x1234,
        0xBEEF,
    ];

    /// The pair-vector position of each lane of `(lo, hi)`: the codec unpacks small integers
    /// (exact in both types) that name their own positions.
    fn positions<C: Codec, S: Simd, H: Copy + Into<u16>>(
        s: S,
        from_f32: impl Fn(f32) -> H,
    ) -> Vec<usize> {
        let n = step::<S>();
        let iota: Vec<u16> = (0..n).map(|i| from_f32(i as f32).into()).collect();
        let (lo, hi) = C::unpack(s, load::<S>(&iota));
        let (lo, hi) = (bytemuck::bytes_of(&lo), bytemuck::bytes_of(&hi));
        let lanes: &[f32] = bytemuck::cast_slice(lo);
        let lanes2: &[f32] = bytemuck::cast_slice(hi);
        lanes.iter().chain(lanes2).map(|&p| p as usize).collect()
    }

    fn widen_all<C: Codec, S: Simd>(s: S, pos: &[usize], h: &[u16]) -> Vec<u32> {
        let n = step::<S>();
        let mut out = vec![0u32; h.len()];
        for (c, o) in h.chunks_exact(n).zip(out.chunks_exact_mut(n)) {
            let (lo, hi) = C::unpack(s, load::<S>(c));
            let mut lanes: Vec<u32> = bytemuck::cast_slice(bytemuck::bytes_of(&lo)).to_vec();
            lanes.extend_from_slice(bytemuck::cast_slice(bytemuck::bytes_of(&hi)));
            for (l, &p) in lanes.iter().zip(pos) {
                o[p] = *l;
            }
        }
        out
    }

    fn narrow_all<C: Codec, S: Simd>(s: S, pos: &[usize], x: &[u32]) -> Vec<u16> {
        let n = step::<S>();
        let mut out = vec![0u16; x.len()];
        for (c, o) in x.chunks_exact(n).zip(out.chunks_exact_mut(n)) {
            let mut lanes = vec![0u32; n];
            for (l, &p) in lanes.iter_mut().zip(pos) {
                *l = c[p];
            }
            let (mut lo, mut hi) = (S::f32s::zeroed(), S::f32s::zeroed());
            bytemuck::bytes_of_mut(&mut lo).copy_from_slice(bytemuck::cast_slice(&lanes[..n / 2]));
            bytemuck::bytes_of_mut(&mut hi).copy_from_slice(bytemuck::cast_slice(&lanes[n / 2..]));
            store::<S>(o, C::pack(s, lo, hi));
        }
        out
    }

    fn all_halves() -> Vec<u16> {
        (0..=u16::MAX).collect()
    }

    fn f32_cases() -> Vec<u32> {
        (0..=u16::MAX as u32)
            .flat_map(|hi| LOW.iter().map(move |&lo| (hi << 16) | lo))
            .collect()
    }

    fn check<C: Codec, P: Codec, S: Simd, H: Copy + Into<u16>>(
        s: S,
        name: &str,
        from_f32: impl Fn(f32) -> H + Copy,
        to_f32: impl Fn(u16) -> f32,
    ) {
        let (pc, pp) = (
            positions::<C, S, H>(s, from_f32),
            positions::<P, S, H>(s, from_f32),
        );
        let h = all_halves();
        let (wn, wp) = (widen_all::<C, S>(s, &pc, &h), widen_all::<P, S>(s, &pp, &h));
        for (i, &b) in h.iter().enumerate() {
            let want = to_f32(b).to_bits();
            // bf16 widening is exact, so a signaling NaN stays signaling where the `half`
            // crate quiets it; f16 widening quiets NaNs like the crate and F16C.
            let q = if f32::from_bits(want).is_nan() {
                0x0040_0000
            } else {
                0
            };
            assert_eq!(wn[i] | q, want, "{name} native widen {b:#06x}");
            assert_eq!(wp[i] | q, want, "{name} portable widen {b:#06x}");
            assert_eq!(wn[i], wp[i], "{name} native vs portable widen {b:#06x}");
        }
        // The row-wise blocks (same layout for every codec).
        for c in h.chunks_exact(SLOTS) {
            let b: &[u16; SLOTS] = c.try_into().unwrap();
            let (bn, bp) = (C::widen_block(s, b), P::widen_block(s, b));
            assert_eq!(
                bytemuck::bytes_of(&bn),
                bytemuck::bytes_of(&bp),
                "{name} widen_block at {:#06x}",
                c[0]
            );
        }
        let x = f32_cases();
        for c in x.chunks_exact(SLOTS) {
            let mut v = [s.splat_f32s(0.0); SLOTS];
            let lanes = core::mem::size_of::<S::f32s>() / 4;
            for (j, vj) in v.iter_mut().enumerate().take(SLOTS / lanes) {
                bytemuck::bytes_of_mut(vj)
                    .copy_from_slice(bytemuck::cast_slice(&c[j * lanes..(j + 1) * lanes]));
            }
            let want: Vec<u16> = c
                .iter()
                .map(|&b| from_f32(f32::from_bits(b)).into())
                .collect();
            assert_eq!(
                &C::narrow_block(s, &v)[..],
                &want[..],
                "{name} narrow_block {:#010x}",
                c[0]
            );
            assert_eq!(
                &P::narrow_block(s, &v)[..],
                &want[..],
                "{name} portable narrow_block"
            );
        }
        let (nn, np) = (
            narrow_all::<C, S>(s, &pc, &x),
            narrow_all::<P, S>(s, &pp, &x),
        );
        for (i, &b) in x.iter().enumerate() {
            let want: u16 = from_f32(f32::from_bits(b)).into();
            assert_eq!(nn[i], want, "{name} native narrow {b:#010x}");
            assert_eq!(np[i], want, "{name} portable narrow {b:#010x}");
        }
    }

    fn bf(x: f32) -> u16 {
        bf16::from_f32(x).to_bits()
    }
    fn hf(x: f32) -> u16 {
        f16::from_f32(x).to_bits()
    }
    fn bf_w(b: u16) -> f32 {
        bf16::from_bits(b).to_f32()
    }
    fn hf_w(b: u16) -> f32 {
        f16::from_bits(b).to_f32()
    }

    #[test]
    fn native_codecs_match_portable_and_half_crate() {
        let mut ran = 0;
        if let Some(v4) = V4::try_new() {
            check::<F16Native, F16Codec, V4, u16>(v4, "f16 avx512", hf, hf_w);
            ran += 1;
            if V4Bf16::try_new().is_some() {
                check::<Bf16Native, Bf16Codec, V4, u16>(v4, "bf16 avx512", bf, bf_w);
                ran += 1;
            }
        }
        if let (Some(v3), Some(_)) = (V3::try_new(), V3F16c::try_new()) {
            check::<F16Native, F16Codec, V3, u16>(v3, "f16 avx2", hf, hf_w);
            ran += 1;
        }
        // The portable codecs alone on the scalar token (2 values per pair vector).
        let sc = pulp::Scalar::new();
        check::<F16Codec, F16Codec, pulp::Scalar, u16>(sc, "f16 scalar", hf, hf_w);
        check::<Bf16Codec, Bf16Codec, pulp::Scalar, u16>(sc, "bf16 scalar", bf, bf_w);
        eprintln!("native codec checks run: {ran}");
    }
}
