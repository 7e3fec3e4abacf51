//! The softmax family on every available ISA: bit-identical to the scalar path, within 4 ULP of
//! the exact function on adversarial rows up to 10^5 elements, Σ softmax = 1 within n·ε, the
//! special-row policy, in place = out of place, backward against its formula on the given `y`.

#![allow(clippy::type_complexity)] // closures over the three functions keep the tests table-driven

mod common;
use activation_kernels::Isa;
use activation_kernels::rowwise::{LogSoftmax, MaskedRows, RowActivation, Softmax, Softmin};
use activation_kernels::ulp::{f32_ulp_at, same_result, ulp_error};
use common::Rng;

fn kinds() -> [(&'static str, Box<dyn Fn(Isa, &[f32], &mut [f32], usize)>); 3] {
    [
        (
            "softmax",
            Box::new(|i, x, y, n| Softmax::new().forward_on(i, x, y, n)),
        ),
        (
            "log_softmax",
            Box::new(|i, x, y, n| LogSoftmax::new().forward_on(i, x, y, n)),
        ),
        (
            "softmin",
            Box::new(|i, x, y, n| Softmin::new().forward_on(i, x, y, n)),
        ),
    ]
}

fn reference(kind: &str, row: &[f32]) -> Vec<f64> {
    match kind {
        "softmax" => Softmax::new().reference(row),
        "log_softmax" => LogSoftmax::new().reference(row),
        _ => Softmin::new().reference(row),
    }
}

/// Adversarial rows: (description, row).
fn rows() -> Vec<(String, Vec<f32>)> {
    let mut r = Rng(42);
    let mut out: Vec<(String, Vec<f32>)> = Vec::new();
    for &n in &[
        1usize, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1000, 4097, 100_000,
    ] {
        for &scale in &[1.0f64, 10.0, 100.0, 2000.0] {
            let row: Vec<f32> = (0..n).map(|_| (r.normal() * scale) as f32).collect();
            out.push((format!("normal n={n} scale={scale}"), row));
        }
        // Uniform logits near each other: the sum has n comparable terms (worst for a plain sum).
        let row: Vec<f32> = (0..n).map(|_| (r.unit() * 0.5) as f32).collect();
        out.push((format!("flat n={n}"), row));
        // Huge magnitudes of both signs.
        let row: Vec<f32> = (0..n).map(|_| (r.unit() * 1e30) as f32).collect();
        out.push((format!("1e30 n={n}"), row));
        // Logits whose differences are not representable (x - max rounds in f32).
        let row: Vec<f32> = (0..n)
            .map(|i| 80.0 + (r.unit() * 37.0) as f32 + i as f32 * 1e-3)
            .collect();
        out.push((format!("offset n={n}"), row));
        // One dominant element, the rest tiny probabilities (subnormal results).
        let mut row: Vec<f32> = (0..n).map(|_| (r.unit() * 3.0 - 95.0) as f32).collect();
        row[n / 2] = 0.0;
        out.push((format!("dominant n={n}"), row));
        // Masked elements in an otherwise finite row, -0 and subnormals.
        let row: Vec<f32> = (0..n)
            .map(|i| match i % 5 {
                0 => f32::NEG_INFINITY,
                1 => -0.0,
                2 => f32::from_bits(1 + i as u32),
                _ => r.normal() as f32,
            })
            .collect();
        if row.iter().any(|v| v.is_finite()) {
            out.push((format!("mixed n={n}"), row));
        }
    }
    out.push(("±1e30 pair".into(), vec![-1e30, 1e30]));
    out.push(("±2000".into(), vec![-2000.0, 2000.0, 1999.0, 0.0]));
    out.push(("f32::MAX".into(), vec![f32::MAX, -f32::MAX, f32::MAX, 0.0]));
    out.push(("equal".into(), vec![3.25; 1000]));
    out
}

#[test]
fn forward_matches_scalar_and_reference_on_adversarial_rows() {
    let isas: Vec<Isa> = Isa::available().collect();
    let mut worst = [0.0f64; 3];
    for (name, row) in rows() {
        let n = row.len();
        // Two copies of the row: checks the row loop too.
        let x: Vec<f32> = row.iter().chain(row.iter()).copied().collect();
        for (ki, (kind, f)) in kinds().iter().enumerate() {
            let mut want = vec![0.0f32; 2 * n];
            f(Isa::Scalar, &x, &mut want, n);
            for &isa in &isas {
                let mut got = vec![0.0f32; 2 * n];
                f(isa, &x, &mut got, n);
                for i in 0..2 * n {
                    assert!(
                        same_result(got[i], want[i]),
                        "{kind} {name} {isa:?} element {i}: {} vs scalar {}",
                        got[i],
                        want[i]
                    );
                }
            }
            let r = reference(kind, &row);
            for i in 0..n {
                let e = ulp_error(want[i], r[i]);
                assert!(
                    e <= 4.0,
                    "{kind} {name}: element {i} (x = {:e}) = {:e}, exact {:e}: {e:.3} ULP",
                    row[i],
                    want[i],
                    r[i]
                );
                worst[ki] = worst[ki].max(e);
            }
            assert!(
                (0..n).all(|i| same_result(want[i], want[n + i])),
                "{kind} {name}: rows differ"
            );
            if want[0].is_nan() {
                continue;
            }
            if *kind != "log_softmax" {
                let s: f64 = want[..n].iter().map(|&v| v as f64).sum();
                assert!(
                    (s - 1.0).abs() <= n as f64 * f32::EPSILON as f64,
                    "{kind} {name}: sum {s}"
                );
            } else {
                assert!(
                    want[..n].iter().all(|&v| v <= 0.0),
                    "{kind} {name}: positive"
                );
            }
        }
    }
    eprintln!(
        "max ULP: softmax {:.3}, log_softmax {:.3}, softmin {:.3}",
        worst[0], worst[1], worst[2]
    );
}

#[test]
fn every_length_offset_and_in_place() {
    let mut r = Rng(7);
    let buf: Vec<f32> = (0..200).map(|_| (r.normal() * 4.0) as f32).collect();
    for isa in Isa::available() {
        for (kind, f) in kinds().iter() {
            for off in 0..4 {
                for n in 1..=40 {
                    for rows in [1, 3] {
                        let x = &buf[off..off + n * rows];
                        let mut want = vec![0.0f32; n * rows];
                        f(Isa::Scalar, x, &mut want, n);
                        // Output with guards on both sides.
                        let mut out = vec![-7.0f32; n * rows + 2 + off];
                        f(isa, x, &mut out[1 + off..1 + off + n * rows], n);
                        assert_eq!(out[off], -7.0);
                        assert_eq!(out[1 + off + n * rows], -7.0);
                        for i in 0..n * rows {
                            assert!(
                                same_result(out[1 + off + i], want[i]),
                                "{kind} {isa:?} n={n}"
                            );
                        }
                        let mut inplace = x.to_vec();
                        match *kind {
                            "softmax" => Softmax::new().forward_in_place_on(isa, &mut inplace, n),
                            "log_softmax" => {
                                LogSoftmax::new().forward_in_place_on(isa, &mut inplace, n)
                            }
                            _ => Softmin::new().forward_in_place_on(isa, &mut inplace, n),
                        }
                        for i in 0..n * rows {
                            assert!(
                                same_result(inplace[i], want[i]),
                                "{kind} in place {isa:?} n={n}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn special_rows() {
    let inf = f32::INFINITY;
    for isa in Isa::available() {
        for (kind, f) in kinds().iter() {
            let mut y = [0.0f32; 3];
            // Softmin is softmax of -x: there -inf poisons and +inf is masked.
            let s = if *kind == "softmin" { -1.0 } else { 1.0 };
            for row in [[1.0, f32::NAN, 2.0], [1.0, s * inf, 2.0], [-s * inf; 3]] {
                f(isa, &row, &mut y, 3);
                assert!(
                    y.iter().all(|v| v.is_nan()),
                    "{kind} {isa:?} {row:?}: {y:?}"
                );
            }
            // Softmin: -inf is the "largest" logit, +inf the masked one.
            let masked = if *kind == "softmin" {
                [inf; 3]
            } else {
                [-inf; 3]
            };
            let zero = MaskedRows::Zero;
            match *kind {
                "softmax" => Softmax::new()
                    .masked_rows(zero)
                    .forward_on(isa, &masked, &mut y, 3),
                "log_softmax" => LogSoftmax::new()
                    .masked_rows(zero)
                    .forward_on(isa, &masked, &mut y, 3),
                _ => Softmin::new()
                    .masked_rows(zero)
                    .forward_on(isa, &masked, &mut y, 3),
            }
            assert_eq!(y, [0.0; 3], "{kind} {isa:?} masked");
            // NaN or +inf in a row still wins over the masked policy.
            Softmax::new()
                .masked_rows(zero)
                .forward_on(isa, &[-inf, f32::NAN, -inf], &mut y, 3);
            assert!(y.iter().all(|v| v.is_nan()));
            // Partially masked rows are ordinary.
            Softmax::new().forward_on(isa, &[-inf, 0.0, 0.0], &mut y, 3);
            assert_eq!(y, [0.0, 0.5, 0.5]);
            LogSoftmax::new().forward_on(isa, &[-inf, 0.0, 0.0], &mut y, 3);
            assert_eq!(y[0], -inf);
            assert!((y[1] + core::f32::consts::LN_2).abs() <= f32::EPSILON);
        }
    }
    // Empty input with any row length, and row_len 0 with no data.
    Softmax::new().forward::<f32>(&[], &mut [], 5);
    Softmax::new().forward::<f32>(&[], &mut [], 0);
}

#[test]
#[should_panic(expected = "not a whole number of rows")]
fn ragged_rows_panic() {
    Softmax::new().forward(&[1.0; 5], &mut [0.0; 5], 2);
}

#[test]
#[should_panic(expected = "length mismatch")]
fn length_mismatch_panics() {
    LogSoftmax::new().forward(&[1.0; 4], &mut [0.0; 6], 2);
}

/// Backward against its formula evaluated exactly (f64) on the given `y` and `dy`; the only
/// roundings allowed are those of the sum and of `dy - s` (cancellation there is inherent to
/// the formula), plus the final one.
#[test]
fn backward_matches_formula_and_scalar() {
    let mut r = Rng(99);
    for &n in &[1usize, 2, 5, 16, 17, 100, 1000, 20_000] {
        let x: Vec<f32> = (0..n).map(|_| (r.normal() * 3.0) as f32).collect();
        let dy: Vec<f32> = (0..n).map(|_| r.normal() as f32).collect();
        for (ki, name) in ["softmax", "log_softmax", "softmin"].iter().enumerate() {
            let act: &dyn Fn(Isa, &[f32], &mut [f32]) = match ki {
                0 => &|i, x, y| Softmax::new().forward_on(i, x, y, n),
                1 => &|i, x, y| LogSoftmax::new().forward_on(i, x, y, n),
                _ => &|i, x, y| Softmin::new().forward_on(i, x, y, n),
            };
            let back: &dyn Fn(Isa, &[f32], &[f32], &mut [f32]) = match ki {
                0 => &|i, y, g, d| Softmax::new().backward_from_output_on(i, y, g, d, n),
                1 => &|i, y, g, d| LogSoftmax::new().backward_from_output_on(i, y, g, d, n),
                _ => &|i, y, g, d| Softmin::new().backward_from_output_on(i, y, g, d, n),
            };
            let mut y = vec![0.0f32; n];
            act(Isa::Scalar, &x, &mut y);
            let mut want = vec![0.0f32; n];
            back(Isa::Scalar, &y, &dy, &mut want);
            for isa in Isa::available() {
                let mut got = vec![0.0f32; n];
                back(isa, &y, &dy, &mut got);
                for i in 0..n {
                    assert!(
                        same_result(got[i], want[i]),
                        "{name} backward {isa:?} n={n} i={i}"
                    );
                }
            }
            // The formula on the given y, exactly.
            let (yd, gd): (Vec<f64>, Vec<f64>) = (
                y.iter().map(|&v| v as f64).collect(),
                dy.iter().map(|&v| v as f64).collect(),
            );
            let s: f64 = if ki == 1 {
                gd.iter().sum()
            } else {
                yd.iter().zip(&gd).map(|(a, b)| a * b).sum()
            };
            for i in 0..n {
                let (exact, slack) = match ki {
                    0 | 2 => {
                        let v = yd[i] * (gd[i] - s);
                        let sl = yd[i].abs() * (f32_ulp_at(s) + f32_ulp_at(gd[i] - s));
                        (if ki == 0 { v } else { -v }, sl)
                    }
                    _ => {
                        let e = yd[i].exp();
                        // e^y is computed to 1 ULP, then one FMA.
                        (
                            gd[i] - e * s,
                            (e * s).abs() * 2.0 * f32::EPSILON as f64 + f32_ulp_at(s) * e,
                        )
                    }
                };
                let err = (want[i] as f64 - exact).abs();
                assert!(
                    err <= slack + 2.0 * f32_ulp_at(exact),
                    "{name} backward n={n} i={i}: {} vs exact {exact:e} (err {err:e}, slack {slack:e})",
                    want[i]
                );
            }
            // Consistent with the forward function: a directional finite difference in f64.
            if n <= 1000 {
                let h = 1e-3;
                let v: Vec<f64> = (0..n).map(|_| r.unit()).collect();
                let fwd = |t: f64| -> Vec<f64> {
                    let xs: Vec<f32> = x
                        .iter()
                        .zip(&v)
                        .map(|(&a, b)| (a as f64 + t * b) as f32)
                        .collect();
                    reference(name, &xs)
                };
                let (fp, fm) = (fwd(h), fwd(-h));
                // d/dt <dy, f(x + t v)> = <dx, v> (the perturbation is rounded to f32, so compare
                // loosely: this checks the formula, not the last bits).
                let lhs: f64 = (0..n).map(|i| gd[i] * (fp[i] - fm[i]) / (2.0 * h)).sum();
                let rhs: f64 = (0..n).map(|i| want[i] as f64 * v[i]).sum();
                assert!(
                    (lhs - rhs).abs() <= 2e-3 * (1.0 + lhs.abs()),
                    "{name} n={n}: finite difference {lhs} vs backward {rhs}"
                );
            }
        }
    }
}

#[test]
fn masked_zero_rows_have_zero_gradient() {
    let y = [0.0f32; 4];
    let dy = [1.0f32, -2.0, 3.0, 0.5];
    let mut dx = [9.0f32; 4];
    for isa in Isa::available() {
        LogSoftmax::new().backward_from_output_on(isa, &y, &dy, &mut dx, 4);
        assert_eq!(dx, [0.0; 4]);
        Softmax::new().backward_from_output_on(isa, &y, &dy, &mut dx, 4);
        assert_eq!(dx, [0.0; 4]);
    }
    // A genuine log-softmax row of length 1 is 0, and its gradient is 0 too.
    LogSoftmax::new().backward_from_output(&[0.0], &[5.0], &mut dx[..1], 1);
    assert_eq!(dx[0], 0.0);
}
