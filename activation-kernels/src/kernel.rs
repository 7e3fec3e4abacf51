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
pub trait UnaryKernel: Copy {
    /// Applies the function to every lane of `x`.
    fn apply<S: Simd>(self, simd: S, x: S::f32s) -> S::f32s;
}

/// An elementwise function with two outputs per input (e.g. value and derivative).
pub trait DualKernel: Copy {
    /// Returns `(first, second)` for every lane of `x`.
    fn apply2<S: Simd>(self, simd: S, x: S::f32s) -> (S::f32s, S::f32s);
}

/// An elementwise function of two inputs (e.g. `backward(x, dy)`).
pub trait BinaryKernel: Copy {
    /// Applies the function lane by lane.
    fn apply<S: Simd>(self, simd: S, a: S::f32s, b: S::f32s) -> S::f32s;
}

#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn length_mismatch(what: &str, a: usize, b: usize) -> ! {
    panic!("activation-kernels: length mismatch: {what} ({a} vs {b})")
}

/// Panics with a clear message unless `a == b`.
#[inline(always)]
#[track_caller]
pub fn check_len(what: &str, a: usize, b: usize) {
    if a != b {
        length_mismatch(what, a, b)
    }
}

/// `dst[i] = k(src[i])`.
pub struct Map<'a, K> {
    /// The function.
    pub k: K,
    /// Input.
    pub src: &'a [f32],
    /// Output, same length as `src`.
    pub dst: &'a mut [f32],
}

impl<K: UnaryKernel> WithSimd for Map<'_, K> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Map { k, src, dst } = self;
        check_len("input and output", src.len(), dst.len());
        let (s_head, s_tail) = S::as_simd_f32s(src);
        let (d_head, d_tail) = S::as_mut_simd_f32s(dst);
        for (d, s) in d_head.iter_mut().zip(s_head) {
            *d = k.apply(simd, *s);
        }
        if !s_tail.is_empty() {
            let v = simd.partial_load_f32s(s_tail);
            simd.partial_store_f32s(d_tail, k.apply(simd, v));
        }
    }
}

/// Runs `f` over every vector of `v` in place, `v[i] = f(v[i])`, with one plain full-width
/// load and one plain full-width store per vector.
///
/// The obvious loop (`*v = f(*v)`) lets LLVM see `store(select(m, new, load p), p)` whenever a
/// kernel passes some lanes through unchanged (NaN propagation, `relu` keeping `x > 0`), and it
/// turns that into a *masked store* "store `new` where `m`": on AVX2 that is `vmaskmovps`,
/// which AMD Zen runs several times slower than a plain store (relu in place measured 2.4
/// elements/ns against 14 out of place). A volatile load avoids the fold but is split into
/// one load per lane (pulp's vector types are plain structs), which made clamp-style kernels
/// 3x slower. Here the loads go through a copy of the base pointer passed through
/// [`core::hint::black_box`], so LLVM cannot prove that load and store hit the same address
/// and keeps ordinary vector loads and stores; the cost is one opaque pointer copy per call.
#[inline(always)]
pub(crate) fn for_each_in_place<T: Copy>(v: &mut [T], mut f: impl FnMut(usize, T) -> T) {
    let n = v.len();
    let dst = v.as_mut_ptr();
    // The same address, opaque to the optimiser (same provenance: `black_box` is the identity).
    let src = core::hint::black_box(dst.cast_const());
    for i in 0..n {
        // SAFETY: `i < n = v.len()`, so `src.add(i)` and `dst.add(i)` are in bounds of `v`,
        // aligned (they come from a slice of `T`) and initialised. Both pointers derive from the
        // one `as_mut_ptr` of the exclusive borrow `v`, which is not used otherwise while they
        // are live; each element is read once and then written once.
        unsafe { dst.add(i).write(f(i, src.add(i).read())) };
    }
}

/// `x[i] = k(x[i])`.
pub struct MapInPlace<'a, K> {
    /// The function.
    pub k: K,
    /// Input and output.
    pub x: &'a mut [f32],
}

impl<K: UnaryKernel> WithSimd for MapInPlace<'_, K> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let MapInPlace { k, x } = self;
        let (head, tail) = S::as_mut_simd_f32s(x);
        for_each_in_place(head, |_, v| k.apply(simd, v));
        if !tail.is_empty() {
            let v = simd.partial_load_f32s(tail);
            simd.partial_store_f32s(tail, k.apply(simd, v));
        }
    }
}

/// `(a[i], b[i]) = k(src[i])` in one pass.
pub struct Map2<'a, K> {
    /// The function.
    pub k: K,
    /// Input.
    pub src: &'a [f32],
    /// First output.
    pub a: &'a mut [f32],
    /// Second output.
    pub b: &'a mut [f32],
}

impl<K: DualKernel> WithSimd for Map2<'_, K> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Map2 { k, src, a, b } = self;
        check_len("input and first output", src.len(), a.len());
        check_len("input and second output", src.len(), b.len());
        let (s_head, s_tail) = S::as_simd_f32s(src);
        let (a_head, a_tail) = S::as_mut_simd_f32s(a);
        let (b_head, b_tail) = S::as_mut_simd_f32s(b);
        for ((s, a), b) in s_head.iter().zip(a_head).zip(b_head) {
            (*a, *b) = k.apply2(simd, *s);
        }
        if !s_tail.is_empty() {
            let v = simd.partial_load_f32s(s_tail);
            let (va, vb) = k.apply2(simd, v);
            simd.partial_store_f32s(a_tail, va);
            simd.partial_store_f32s(b_tail, vb);
        }
    }
}

/// `dst[i] = k(a[i], b[i])`.
pub struct Zip<'a, K> {
    /// The function.
    pub k: K,
    /// First input.
    pub a: &'a [f32],
    /// Second input.
    pub b: &'a [f32],
    /// Output.
    pub dst: &'a mut [f32],
}

impl<K: BinaryKernel> WithSimd for Zip<'_, K> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Zip { k, a, b, dst } = self;
        check_len("first input and output", a.len(), dst.len());
        check_len("second input and output", b.len(), dst.len());
        let (a_head, a_tail) = S::as_simd_f32s(a);
        let (b_head, b_tail) = S::as_simd_f32s(b);
        let (d_head, d_tail) = S::as_mut_simd_f32s(dst);
        for ((a, b), d) in a_head.iter().zip(b_head).zip(d_head) {
            *d = k.apply(simd, *a, *b);
        }
        if !d_tail.is_empty() {
            let va = simd.partial_load_f32s(a_tail);
            let vb = simd.partial_load_f32s(b_tail);
            simd.partial_store_f32s(d_tail, k.apply(simd, va, vb));
        }
    }
}

/// `b[i] = k(a[i], b[i])`: a binary kernel whose output overwrites its second input
/// (e.g. `backward` in place over the upstream gradient).
pub struct ZipInPlace<'a, K> {
    /// The function.
    pub k: K,
    /// First input.
    pub a: &'a [f32],
    /// Second input and output.
    pub b: &'a mut [f32],
}

impl<K: BinaryKernel> WithSimd for ZipInPlace<'_, K> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let ZipInPlace { k, a, b } = self;
        check_len("first input and second input/output", a.len(), b.len());
        let (a_head, a_tail) = S::as_simd_f32s(a);
        let (b_head, b_tail) = S::as_mut_simd_f32s(b);
        check_len(
            "first input and second input/output",
            a_head.len(),
            b_head.len(),
        );
        for_each_in_place(b_head, |i, b| k.apply(simd, a_head[i], b));
        if !b_tail.is_empty() {
            let va = simd.partial_load_f32s(a_tail);
            let vb = simd.partial_load_f32s(b_tail);
            simd.partial_store_f32s(b_tail, k.apply(simd, va, vb));
        }
    }
}

/// Runs `k` over `src` into `dst` on `isa`. Panics on a length mismatch.
#[inline]
#[track_caller]
pub fn map_on<K: UnaryKernel>(isa: crate::Isa, k: K, src: &[f32], dst: &mut [f32]) {
    check_len("input and output", src.len(), dst.len());
    isa.dispatch(Map { k, src, dst })
}

/// Runs `k` over `x` in place on `isa`.
#[inline]
pub fn map_in_place_on<K: UnaryKernel>(isa: crate::Isa, k: K, x: &mut [f32]) {
    isa.dispatch(MapInPlace { k, x })
}

/// Runs the two-output kernel `k` over `src` on `isa`. Panics on a length mismatch.
#[inline]
#[track_caller]
pub fn map2_on<K: DualKernel>(isa: crate::Isa, k: K, src: &[f32], a: &mut [f32], b: &mut [f32]) {
    check_len("input and first output", src.len(), a.len());
    check_len("input and second output", src.len(), b.len());
    isa.dispatch(Map2 { k, src, a, b })
}
