//! The math core on every ISA: bit-identity with scalar, accuracy against the f64 reference,
//! tails, in-place, misalignment, guard values and special values.

use activation_kernels::Isa;
use activation_kernels::kernel::{Map, MapInPlace};
use activation_kernels::math::{MathFn, kernels};
use activation_kernels::ulp::{same_result, ulp_error};
use pulp::Simd;

/// A way to run a kernel: a real ISA, or one of pulp's emulated lane widths (which exercise the
/// 4/8/16-lane tail logic on any machine).
#[derive(Copy, Clone, Debug)]
enum Runner {
    Isa(Isa),
    Emu4,
    Emu8,
    Emu16,
}

fn runners() -> Vec<Runner> {
    let mut v: Vec<Runner> = Isa::available().map(Runner::Isa).collect();
    v.extend([Runner::Emu4, Runner::Emu8, Runner::Emu16]);
    v
}

macro_rules! with_kernel {
    ($f:expr, |$k:ident| $body:expr) => {
        match $f {
            MathFn::Exp => {
                let $k = kernels::Exp;
                $body
            }
            MathFn::Expm1 => {
                let $k = kernels::Expm1;
                $body
            }
            MathFn::Ln => {
                let $k = kernels::Ln;
                $body
            }
            MathFn::Ln1p => {
                let $k = kernels::Ln1p;
                $body
            }
            MathFn::Tanh => {
                let $k = kernels::Tanh;
                $body
            }
            MathFn::Sigmoid => {
                let $k = kernels::Sigmoid;
                $body
            }
            MathFn::Erf => {
                let $k = kernels::Erf;
                $body
            }
            MathFn::Erfc => {
                let $k = kernels::Erfc;
                $body
            }
            MathFn::Softplus => {
                let $k = kernels::Softplus;
                $body
            }
            f => panic!("no test kernel for {f:?}"),
        }
    };
}

fn run(r: Runner, f: MathFn, src: &[f32], dst: &mut [f32]) {
    match r {
        Runner::Isa(isa) => f.apply_on(isa, src, dst),
        Runner::Emu4 => with_kernel!(f, |k| pulp::Scalar128b.vectorize(Map { k, src, dst })),
        Runner::Emu8 => with_kernel!(f, |k| pulp::Scalar256b.vectorize(Map { k, src, dst })),
        Runner::Emu16 => with_kernel!(f, |k| pulp::Scalar512b.vectorize(Map { k, src, dst })),
    }
}

fn run_in_place(r: Runner, f: MathFn, x: &mut [f32]) {
    match r {
        Runner::Isa(isa) => f.apply_in_place_on(isa, x),
        Runner::Emu4 => with_kernel!(f, |k| pulp::Scalar128b.vectorize(MapInPlace { k, x })),
        Runner::Emu8 => with_kernel!(f, |k| pulp::Scalar256b.vectorize(MapInPlace { k, x })),
        Runner::Emu16 => with_kernel!(f, |k| pulp::Scalar512b.vectorize(MapInPlace { k, x })),
    }
}

/// Interesting inputs for every function: special values, range-reduction boundaries, and a
/// spread of ordinary values.
fn interesting() -> Vec<f32> {
    let mut v = vec![
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7F80_0001), // signalling NaN
        f32::from_bits(0xFFBF_FFFF),
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        f32::from_bits(1),
        f32::from_bits(0x8000_0001),
        f32::MAX,
        f32::MIN,
        1.0,
        -1.0,
        0.5,
        88.72283,
        88.72284,
        -87.33655,
        -103.97208,
        -104.0,
        89.0,
        0.4765625,
        0.921875,
        1.5,
        10.0546875,
        10.0625,
        9.1,
        0.5493,
        -0.2929,
        0.41421,
        -17.0,
        17.3,
        2.0f32.powi(-25),
    ];
    let mut s = 0x1234_5678u32;
    for _ in 0..200 {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        v.push((s as f32 / u32::MAX as f32 - 0.5) * 60.0);
    }
    v
}

#[test]
fn every_isa_is_bit_identical_to_scalar_for_every_tail_offset_and_in_place() {
    let base = interesting();
    for &f in MathFn::ALL {
        // Scalar reference for every element.
        let mut want = vec![0.0f32; base.len()];
        f.apply_on(Isa::Scalar, &base, &mut want);
        for r in runners() {
            // Every length 0..=3*16+1 at every offset 0..4 (misaligned starts), out of place with
            // guard values around the output, and in place.
            for offset in 0..4 {
                for len in 0..=49usize {
                    let src = &base[offset..offset + len];
                    let mut buf = vec![f32::from_bits(0xDEAD_BEEF); len + 2 * 16 + offset];
                    let out = &mut buf[16 + offset..16 + offset + len];
                    run(r, f, src, out);
                    for (i, (&y, &w)) in out.iter().zip(&want[offset..offset + len]).enumerate() {
                        assert!(
                            same_result(y, w),
                            "{f:?} on {r:?}: len {len} offset {offset} index {i}: x = {:e}: got {y:e} ({:#x}), scalar {w:e} ({:#x})",
                            src[i],
                            y.to_bits(),
                            w.to_bits()
                        );
                    }
                    for (i, g) in buf[..16 + offset]
                        .iter()
                        .chain(&buf[16 + offset + len..])
                        .enumerate()
                    {
                        assert_eq!(
                            g.to_bits(),
                            0xDEAD_BEEF,
                            "{f:?} on {r:?}: len {len}: guard {i} overwritten"
                        );
                    }
                    let mut inplace = src.to_vec();
                    run_in_place(r, f, &mut inplace);
                    for (i, (&y, &w)) in inplace.iter().zip(&want[offset..offset + len]).enumerate()
                    {
                        assert!(
                            same_result(y, w),
                            "{f:?} in place on {r:?}: len {len} index {i}"
                        );
                    }
                }
            }
        }
    }
}

/// The strided sweep: ≥ 2^24 inputs per function spread over the whole bit range (an odd
/// stride, so every mantissa bit pattern class is visited), every ISA bit-identical to scalar,
/// scalar within the accuracy table's bound. NEON runs under qemu, so aarch64 uses a coarser stride.
#[test]
fn strided_sweep_meets_the_accuracy_table_on_every_isa() {
    let stride: u64 = if cfg!(target_arch = "aarch64") {
        4099
    } else {
        255
    };
    let isas: Vec<Isa> = Isa::available().collect();
    let funcs = MathFn::ALL;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let isas = &isas;
                s.spawn(move || {
                    let mut fails = Vec::new();
                    let mut xs = Vec::with_capacity(1 << 14);
                    let mut ys = vec![vec![0.0f32; 1 << 14]; isas.len()];
                    for &f in funcs {
                        let bound = f.max_ulp();
                        let (mut worst, mut worst_x) = (0.0f64, 0u32);
                        let mut i = t as u64 * stride;
                        while i < 1 << 32 {
                            xs.clear();
                            while xs.len() < 1 << 14 && i < 1 << 32 {
                                xs.push(f32::from_bits(i as u32));
                                i += stride * threads as u64;
                            }
                            for (k, &isa) in isas.iter().enumerate() {
                                f.apply_on(isa, &xs, &mut ys[k][..xs.len()]);
                            }
                            for (j, &x) in xs.iter().enumerate() {
                                let y = ys[0][j];
                                for (k, isa) in isas.iter().enumerate().skip(1) {
                                    if !same_result(y, ys[k][j]) && fails.len() < 20 {
                                        fails.push(format!(
                                            "{f:?}({x:e}): {isa} gives {:e}, scalar {y:e}",
                                            ys[k][j]
                                        ));
                                    }
                                }
                                let e = ulp_error(y, f.reference(x as f64));
                                if e > worst {
                                    (worst, worst_x) = (e, x.to_bits());
                                }
                            }
                        }
                        if worst > bound {
                            fails.push(format!(
                                "{f:?}: {worst:.3} ULP at {:e} (0x{worst_x:08X}), bound {bound}",
                                f32::from_bits(worst_x)
                            ));
                        }
                    }
                    fails
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn eval(f: MathFn, x: f32) -> Vec<f32> {
    let mut out = Vec::new();
    for r in runners() {
        let mut y = [0.0f32];
        run(r, f, &[x], &mut y);
        out.push(y[0]);
    }
    out
}

#[test]
fn nan_in_gives_nan_out_for_every_payload_class() {
    let nans = [
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7F80_0001),
        f32::from_bits(0x7FBF_FFFF),
        f32::from_bits(0xFF80_0001),
        f32::from_bits(0x7FC0_1234),
        f32::from_bits(0xFFFF_FFFF),
    ];
    for &f in MathFn::ALL {
        for &x in &nans {
            for y in eval(f, x) {
                assert!(y.is_nan(), "{f:?}({:#x}) = {y:e}", x.to_bits());
            }
        }
    }
}

#[test]
fn exact_special_values() {
    use MathFn::*;
    let inf = f32::INFINITY;
    let cases: &[(MathFn, f32, f32)] = &[
        (Exp, -inf, 0.0),
        (Exp, inf, inf),
        (Exp, 0.0, 1.0),
        (Exp, -0.0, 1.0),
        (Exp, 88.8, inf),
        (Exp, -104.0, 0.0),
        (Expm1, -inf, -1.0),
        (Expm1, inf, inf),
        (Expm1, 0.0, 0.0),
        (Expm1, -0.0, -0.0),
        (Ln, 1.0, 0.0),
        (Ln, 0.0, -inf),
        (Ln, -0.0, -inf),
        (Ln, inf, inf),
        (Ln1p, 0.0, 0.0),
        (Ln1p, -0.0, -0.0),
        (Ln1p, -1.0, -inf),
        (Ln1p, inf, inf),
        (Tanh, inf, 1.0),
        (Tanh, -inf, -1.0),
        (Tanh, 0.0, 0.0),
        (Tanh, -0.0, -0.0),
        (Sigmoid, inf, 1.0),
        (Sigmoid, -inf, 0.0),
        (Sigmoid, 0.0, 0.5),
        (Erf, inf, 1.0),
        (Erf, -inf, -1.0),
        (Erf, 0.0, 0.0),
        (Erf, -0.0, -0.0),
        (Erfc, inf, 0.0),
        (Erfc, -inf, 2.0),
        (Erfc, 0.0, 1.0),
        (Softplus, -inf, 0.0),
        (Softplus, inf, inf),
    ];
    for &(f, x, want) in cases {
        for y in eval(f, x) {
            assert_eq!(
                y.to_bits(),
                want.to_bits(),
                "{f:?}({x:e}) = {y:e}, want {want:e}"
            );
        }
    }
    for x in [-2.0f32, -1.5, -1e-30, f32::NEG_INFINITY] {
        assert!(
            eval(Ln, x).iter().all(|y| y.is_nan()),
            "ln({x}) must be NaN"
        );
    }
    for x in [-1.0000001f32, -2.0, f32::NEG_INFINITY] {
        assert!(
            eval(Ln1p, x).iter().all(|y| y.is_nan()),
            "ln1p({x}) must be NaN"
        );
    }
}

/// Ranges, oddness and "no spurious overflow", over a strided sample of all finite inputs.
#[test]
fn outputs_stay_in_range_odd_functions_are_odd_and_nothing_overflows() {
    let xs: Vec<f32> = (0..1u64 << 20)
        .map(|i| f32::from_bits((i * 4093) as u32))
        .filter(|x| x.is_finite())
        .collect();
    let neg: Vec<f32> = xs.iter().map(|x| -x).collect();
    for isa in Isa::available() {
        for &f in MathFn::ALL {
            let mut y = vec![0.0f32; xs.len()];
            let mut yn = vec![0.0f32; xs.len()];
            f.apply_on(isa, &xs, &mut y);
            f.apply_on(isa, &neg, &mut yn);
            for (i, (&x, &v)) in xs.iter().zip(&y).enumerate() {
                let r = f.reference(x as f64);
                // Finite exact result that fits in f32 → finite output.
                if r.is_finite() && r.abs() <= f32::MAX as f64 {
                    assert!(v.is_finite(), "{f:?}({x:e}) = {v:e} on {isa}, exact {r:e}");
                }
                let (lo, hi) = match f {
                    MathFn::Sigmoid => (0.0, 1.0),
                    MathFn::Tanh | MathFn::Erf => (-1.0, 1.0),
                    MathFn::Erfc => (0.0, 2.0),
                    MathFn::Exp | MathFn::Softplus => (0.0, f32::INFINITY),
                    MathFn::Expm1 => (-1.0, f32::INFINITY),
                    _ => (f32::NEG_INFINITY, f32::INFINITY),
                };
                if !v.is_nan() {
                    assert!(
                        v >= lo && v <= hi,
                        "{f:?}({x:e}) = {v:e} outside [{lo}, {hi}] on {isa}"
                    );
                }
                if matches!(f, MathFn::Tanh | MathFn::Erf) {
                    assert_eq!(
                        (-v).to_bits(),
                        yn[i].to_bits(),
                        "{f:?} not odd at {x:e} on {isa}"
                    );
                }
            }
        }
    }
}

/// The reference itself is checked against values known to many digits (computed with mpmath
/// at 50 digits), so a broken reference cannot silently approve a broken kernel.
#[test]
fn the_f64_reference_matches_high_precision_values() {
    use MathFn::*;
    let cases: &[(MathFn, f64, f64)] = &[
        (Exp, 1.0, 2.718281828459045235360287),
        (Exp, -100.0, 3.720075976020835962959696e-44),
        (Expm1, 1e-10, 1.00000000005000000000166667e-10),
        (Ln, 10.0, 2.302585092994045684017991),
        (Ln1p, -0.5, -0.6931471805599453094172321),
        (Tanh, 0.5, 0.4621171572600097585023184),
        (Sigmoid, -20.0, 2.061153618190203581430862e-9),
        (Erf, 0.5, 0.5204998778130465376827466),
        (Erfc, 5.0, 1.537459794428034850188343e-12),
        (Erfc, 9.5, 3.769214485654879941677087e-41),
        (Softplus, 1.0, 1.313261687518222834048995),
    ];
    for &(f, x, want) in cases {
        let got = f.reference(x);
        assert!(
            ((got - want) / want).abs() < 1e-14,
            "{f:?}({x}) reference {got:e}, exact {want:e}"
        );
    }
}
