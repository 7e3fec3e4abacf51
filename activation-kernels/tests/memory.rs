//! Memory safety of the slice drivers: every length 0..=4·16, misaligned starts, guard values
//! around every output, in place and out of place, on scalar and pulp's emulated 4/8/16-lane
//! backends (whose partial loads/stores go through the same code as the hardware ones).
//! Small enough to run under Miri: `cargo +nightly miri test -p activation-kernels --test memory`.

use activation_kernels::Activation;
use activation_kernels::activations::{Gelu, LeakyRelu, Relu6, Swish};
use activation_kernels::kernel::{Map, MapInPlace, Zip};
use activation_kernels::math::kernels;
use pulp::Simd;

const GUARD: u32 = 0xDEAD_BEEF;
// Under Miri (slow): one full 16-lane vector plus a tail; natively every length to 4·16.
const MAX: usize = if cfg!(miri) { 17 } else { 64 };
const OFFSETS: &[usize] = if cfg!(miri) { &[0, 1] } else { &[0, 1, 3] };

fn with_guards(len: usize, off: usize, f: impl FnOnce(&mut [f32])) {
    let mut buf = vec![f32::from_bits(GUARD); len + off + 17];
    f(&mut buf[off..off + len]);
    for (i, g) in buf[..off].iter().chain(&buf[off + len..]).enumerate() {
        assert_eq!(
            g.to_bits(),
            GUARD,
            "len {len} off {off}: guard {i} overwritten"
        );
    }
}

macro_rules! drive {
    ($simd:expr) => {{
        let simd = $simd;
        for len in 0..=MAX {
            for &off in OFFSETS {
                let src: Vec<f32> = (0..len + off).map(|i| i as f32 * 0.37 - 3.0).collect();
                let x = &src[off..];
                with_guards(len, off, |y| {
                    simd.vectorize(Map {
                        k: kernels::Sigmoid,
                        src: x,
                        dst: y,
                    })
                });
                with_guards(len, off, |y| {
                    y.copy_from_slice(x);
                    simd.vectorize(MapInPlace {
                        k: kernels::Exp,
                        x: y,
                    })
                });
                with_guards(len, off, |y| {
                    simd.vectorize(Zip {
                        k: activation_kernels::activation::Back(Gelu),
                        a: x,
                        b: x,
                        dst: y,
                    })
                });
            }
        }
    }};
}

fn with_guards64(len: usize, off: usize, f: impl FnOnce(&mut [f64])) {
    let g = f64::from_bits(0xDEAD_BEEF_DEAD_BEEF);
    let mut buf = vec![g; len + off + 9];
    f(&mut buf[off..off + len]);
    for (i, v) in buf[..off].iter().chain(&buf[off + len..]).enumerate() {
        assert_eq!(
            v.to_bits(),
            g.to_bits(),
            "f64 len {len} off {off}: guard {i} overwritten"
        );
    }
}

/// The same drivers on f64 lanes (half as many lanes per vector), with cheap kernels: the
/// drivers' memory accesses do not depend on the kernel, and Miri emulates every fused
/// multiply-add of the transcendental ones in software.
macro_rules! drive64 {
    ($simd:expr) => {{
        let simd = $simd;
        for len in 0..=MAX {
            for &off in OFFSETS {
                let src: Vec<f64> = (0..len + off).map(|i| i as f64 * 0.37 - 3.0).collect();
                let x = &src[off..];
                with_guards64(len, off, |y| {
                    simd.vectorize(Map {
                        k: activation_kernels::activation::Fwd(LeakyRelu::default()),
                        src: x,
                        dst: y,
                    })
                });
                with_guards64(len, off, |y| {
                    y.copy_from_slice(x);
                    simd.vectorize(MapInPlace {
                        k: activation_kernels::activation::Fwd(Relu6),
                        x: y,
                    })
                });
                with_guards64(len, off, |y| {
                    simd.vectorize(Zip {
                        k: activation_kernels::activation::Back(Relu6),
                        a: x,
                        b: x,
                        dst: y,
                    })
                });
            }
        }
    }};
}

#[test]
fn f64_drivers_never_touch_memory_outside_their_slices() {
    drive64!(pulp::Scalar::new());
    drive64!(pulp::Scalar128b);
    drive64!(pulp::Scalar256b);
    drive64!(pulp::Scalar512b);
}

#[test]
fn drivers_never_touch_memory_outside_their_slices() {
    drive!(pulp::Scalar::new());
    drive!(pulp::Scalar128b);
    drive!(pulp::Scalar256b);
    drive!(pulp::Scalar512b);
}

#[test]
fn public_entry_points_respect_slice_bounds() {
    for len in 0..=MAX {
        let x: Vec<f32> = (0..len).map(|i| i as f32 - 10.0).collect();
        with_guards(len, 1, |y| Swish::default().forward(&x, y));
        with_guards(len, 2, |d| Swish::default().derivative(&x, d));
        with_guards(len, 3, |g| {
            g.fill(1.0);
            Gelu.backward_in_place(&x, g)
        });
    }
}
