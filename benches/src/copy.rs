//! Copy baselines: how fast can `n` f32 be moved from one slice to another at all?
//!
//! * `copy`: [`slice::copy_from_slice`], i.e. glibc `memcpy`, between the two halves of a
//!   [`Pair`] laid out so that `dst - src` is [`BENIGN_DISTANCE`] mod 4096.
//! * `copy-4k-alias`: the same with `dst - src` ≡ [`ALIAS_DISTANCE`] (16 bytes) mod 4096, which
//!   is what two consecutive same-size heap `Vec`s get from glibc malloc (16-byte chunk header).
//!   On some CPUs (seen on an AMD EPYC VM with ERMS/FSRM) glibc's `rep movsb` path, used for
//!   mid-sized copies, is ~30x slower when the destination is 1..63 bytes (mod 4 KiB) after the
//!   source; `GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=1073741824` avoids it.
//! * `loop-copy`: [`loop_copy`], a plain element loop that the compiler vectorises but cannot
//!   turn into a `memcpy` call (compiled for the crate's target, i.e. SSE2 on plain x86-64).
//! * `nt-copy`: [`nt_copy`], AVX loads + non-temporal (streaming) stores, which skip the
//!   read-for-ownership of the destination: the ceiling for large, out-of-cache sizes.

use std::hint::black_box;

/// `dst - src` (bytes, mod 4096) of the `copy`, `loop-copy` and `nt-copy` baselines: far from
/// any 4 KiB aliasing.
pub const BENIGN_DISTANCE: usize = 2048;
/// `dst - src` (bytes, mod 4096) of two consecutive same-size heap allocations (glibc).
pub const ALIAS_DISTANCE: usize = 16;

/// A source and a destination of `n` f32 in one allocation, with a chosen address distance.
///
/// The source starts 64-byte aligned and holds [`crate::inputs::uniform`] data; the destination
/// follows it at `src + k·4096 + distance` bytes, so `(dst - src) mod 4096 == distance`.
pub struct Pair {
    buf: Vec<f32>,
    src: usize,
    dst: usize,
    n: usize,
}

impl Pair {
    /// # Panics
    /// If `distance` is not a multiple of 4 below 4096.
    pub fn new(n: usize, distance: usize) -> Pair {
        assert!(
            distance.is_multiple_of(4) && distance < 4096,
            "bad distance {distance}"
        );
        const PAGE: usize = 4096 / 4;
        let mut buf = vec![0.0f32; 16 + n.next_multiple_of(PAGE) + distance / 4 + n];
        let src = ((64 - buf.as_ptr() as usize % 64) % 64) / 4;
        let dst = src + n.next_multiple_of(PAGE) + distance / 4;
        buf[src..src + n].copy_from_slice(&crate::inputs::uniform(n));
        Pair { buf, src, dst, n }
    }

    /// The source and the destination.
    pub fn split(&mut self) -> (&[f32], &mut [f32]) {
        let (a, b) = self.buf.split_at_mut(self.dst);
        (&a[self.src..self.src + self.n], &mut b[..self.n])
    }
}

#[track_caller]
fn check_len(src: &[f32], dst: &[f32]) {
    assert_eq!(
        src.len(),
        dst.len(),
        "copy: source and destination lengths differ"
    );
}

/// `dst[i] = src[i]` as a plain element loop.
///
/// The loop XORs every element's bits with a mask that is zero but hidden from the optimiser by
/// [`black_box`], so LLVM cannot recognise a `memcpy` idiom; it still vectorises the loop, and
/// the XOR costs nothing next to the loads and stores.
#[inline(never)]
pub fn loop_copy(src: &[f32], dst: &mut [f32]) {
    check_len(src, dst);
    let mask = black_box(0u32);
    for (d, s) in dst.iter_mut().zip(src) {
        *d = f32::from_bits(s.to_bits() ^ mask);
    }
}

/// Whether [`nt_copy`] can run on this CPU (x86-64 with AVX).
pub fn nt_copy_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `dst.copy_from_slice(src)` with 256-bit non-temporal stores (`_mm256_stream_ps`), followed by
/// an `sfence`.
///
/// # Panics
/// If the lengths differ or [`nt_copy_available`] is false.
#[inline(never)]
pub fn nt_copy(src: &[f32], dst: &mut [f32]) {
    check_len(src, dst);
    assert!(nt_copy_available(), "nt_copy needs x86-64 AVX");
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `nt_copy_available()` checked at run time that the CPU supports AVX, the only
    // target feature `nt_copy_avx` enables.
    unsafe {
        nt_copy_avx(src, dst)
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn nt_copy_avx(src: &[f32], dst: &mut [f32]) {
    use core::arch::x86_64::{_mm_sfence, _mm256_loadu_ps, _mm256_stream_ps};
    const LANES: usize = 8;
    // Elements before the first 32-byte-aligned destination address (`_mm256_stream_ps` needs
    // an aligned address; f32 pointers are 4-byte aligned, so this is exact).
    let misalign = (dst.as_ptr() as usize) % 32;
    let head = if misalign == 0 {
        0
    } else {
        (32 - misalign) / 4
    }
    .min(dst.len());
    let (src_head, src_rest) = src.split_at(head);
    let (dst_head, dst_rest) = dst.split_at_mut(head);
    for (d, s) in dst_head.iter_mut().zip(src_head) {
        *d = *s;
    }
    let mut s_chunks = src_rest.chunks_exact(LANES);
    let mut d_chunks = dst_rest.chunks_exact_mut(LANES);
    for (d, s) in (&mut d_chunks).zip(&mut s_chunks) {
        debug_assert_eq!(d.as_ptr() as usize % 32, 0);
        // SAFETY: `s` and `d` are exactly 8 f32 (32 bytes) each, so the unaligned load reads
        // only `s` and the store writes only `d`. `d` starts `head + 8k` elements into `dst`,
        // which is 32-byte aligned by the choice of `head`, as `_mm256_stream_ps` requires.
        // AVX is enabled for this function.
        unsafe {
            let v = _mm256_loadu_ps(s.as_ptr());
            _mm256_stream_ps(d.as_mut_ptr(), v);
        }
    }
    for (d, s) in d_chunks
        .into_remainder()
        .iter_mut()
        .zip(s_chunks.remainder())
    {
        *d = *s;
    }
    // Order the weakly-ordered streaming stores before anything that follows.
    _mm_sfence();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_layout() {
        for (n, dist) in [
            (0, 0),
            (5, 16),
            (4096, ALIAS_DISTANCE),
            (5000, BENIGN_DISTANCE),
        ] {
            let mut p = Pair::new(n, dist);
            let (s, d) = p.split();
            assert_eq!((s.len(), d.len()), (n, n));
            assert_eq!(s, &crate::inputs::uniform(n)[..]);
            assert_eq!(s.as_ptr() as usize % 64, 0);
            assert_eq!((d.as_ptr() as usize - s.as_ptr() as usize) % 4096, dist);
            assert!(d.as_ptr() as usize >= s.as_ptr() as usize + 4 * n);
        }
    }

    #[test]
    fn copies_are_exact_for_all_lengths_and_offsets() {
        let src: Vec<f32> = (0..300).map(|i| i as f32 - 7.5).collect();
        for off in 0..9 {
            for n in [0, 1, 7, 8, 9, 31, 64, 100, 291 - off] {
                let s = &src[off..off + n];
                let mut buf = vec![f32::NAN; n + 9];
                loop_copy(s, &mut buf[off..off + n]);
                assert_eq!(&buf[off..off + n], s);
                if nt_copy_available() {
                    let mut buf = vec![f32::NAN; n + 9];
                    nt_copy(s, &mut buf[off..off + n]);
                    assert_eq!(&buf[off..off + n], s);
                    assert!(buf[..off].iter().all(|v| v.is_nan()));
                    assert!(buf[off + n..].iter().all(|v| v.is_nan()));
                }
            }
        }
    }
}
