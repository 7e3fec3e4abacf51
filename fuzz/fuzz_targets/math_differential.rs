//! Differential fuzzing of the math core.
//!
//! Input layout:
//! * byte 0: `MathFn::ALL[b % N]` picks the function; `k = (b / N) % 16` places the input at
//!   offset `k` and the outputs at offset `15 - k` (in f32s) of scratch buffers, so slices start
//!   at varying, mutually misaligned addresses;
//! * the rest: little-endian f32 bit patterns, any number (trailing 1-3 bytes ignored), any
//!   values (NaN payloads, subnormals, infinities included).
//!
//! Checks, for every `Isa::available()`:
//! * `apply_on` gives the same result as `Isa::Scalar` (`ulp::same_result`: same bits, or both
//!   NaN);
//! * `apply_in_place_on` gives the same result as `apply_on` on that ISA;
//! * the scalar result is within `f.max_ulp()` of `f.reference(x as f64)` (`ulp::ulp_error`).
#![no_main]

use activation_kernels::Isa;
use activation_kernels::math::MathFn;
use activation_kernels::ulp::{same_result, ulp_error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let n = MathFn::ALL.len();
    let f = MathFn::ALL[sel as usize % n];
    let in_off = (sel as usize / n) % 16;
    let off = 15 - in_off;

    let mut xbuf = vec![0.0f32; in_off];
    xbuf.extend(
        rest.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
    );
    let xs = &xbuf[in_off..];
    let len = xs.len();

    // Scalar reference path, written at offset `off` of a scratch buffer.
    let mut scalar = vec![0.0f32; off + len];
    f.apply_on(Isa::Scalar, xs, &mut scalar[off..]);
    let scalar = &scalar[off..];

    for (i, (&x, &y)) in xs.iter().zip(scalar).enumerate() {
        let r = f.reference(x as f64);
        let e = ulp_error(y, r);
        assert!(
            e <= f.max_ulp(),
            "{}: scalar error {e} ULP > bound {} at index {i}: x = {x:e} ({:#010X}), \
             y = {y:e} ({:#010X}), reference = {r:e}",
            f.name(),
            f.max_ulp(),
            x.to_bits(),
            y.to_bits(),
        );
    }

    for isa in Isa::available() {
        let mut out = vec![0.0f32; off + len];
        f.apply_on(isa, xs, &mut out[off..]);
        let out = &out[off..];
        for (i, ((&x, &a), &b)) in xs.iter().zip(scalar).zip(out).enumerate() {
            assert!(
                same_result(a, b),
                "{}: {isa} differs from scalar at index {i} of {len}: x = {x:e} ({:#010X}), \
                 scalar = {a:e} ({:#010X}), {isa} = {b:e} ({:#010X})",
                f.name(),
                x.to_bits(),
                a.to_bits(),
                b.to_bits(),
            );
        }

        let mut buf = vec![0.0f32; off + len];
        buf[off..].copy_from_slice(xs);
        f.apply_in_place_on(isa, &mut buf[off..]);
        for (i, ((&x, &a), &b)) in xs.iter().zip(out).zip(&buf[off..]).enumerate() {
            assert!(
                same_result(a, b),
                "{}: {isa} in-place differs from out-of-place at index {i} of {len}: \
                 x = {x:e} ({:#010X}), out-of-place = {a:e} ({:#010X}), in-place = {b:e} ({:#010X})",
                f.name(),
                x.to_bits(),
                a.to_bits(),
                b.to_bits(),
            );
        }
    }
});
