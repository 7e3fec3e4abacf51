//! The softmax family on f64 rows (`RowActivation` with `T = f64`): every ISA gives the
//! scalar ISA's bits; forward within 2 ULP of the exact function of the f64 inputs (MPFR, x86_64)
//! on adversarial rows up to 10^5 elements; backward against its formula evaluated exactly on
//! the given `y` and `dy`; in place = out of place; the special-row policy; length panics.

mod common;
#[cfg(all(target_arch = "x86_64", feature = "mpfr"))]
#[path = "common/mpfr.rs"]
mod mpfr;
use activation_kernels::Isa;
use activation_kernels::rowwise::{
    LogSoftmax, MaskedRows, RowActivation, RowFunction, Softmax, Softmin,
};
use common::Rng;

const NAMES: [&str; 3] = ["softmax", "log_softmax", "softmin"];

/// Function `k` (an index into `NAMES`) with the masked-row policy `masked`.
fn func(k: usize, masked: MaskedRows) -> RowFunction {
    match k {
        0 => Softmax::new().masked_rows(masked).into(),
        1 => LogSoftmax::new().masked_rows(masked).into(),
        _ => Softmin::new().masked_rows(masked).into(),
    }
}

fn forward(k: usize, isa: Isa, x: &[f64], n: usize) -> Vec<f64> {
    let mut y = vec![0.0f64; x.len()];
    func(k, MaskedRows::Nan).forward_on(isa, x, &mut y, n);
    y
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|v| v.to_bits()).collect()
}

/// Asserts that every ISA gives `want` (the scalar result) bit for bit.
fn assert_same_bits(what: &str, want: &[f64], got: &[f64]) {
    if bits(want) != bits(got) {
        let i = (0..want.len())
            .find(|&i| want[i].to_bits() != got[i].to_bits())
            .unwrap();
        panic!(
            "{what}: element {i} is {:e} ({:#x}), scalar gives {:e} ({:#x})",
            got[i],
            got[i].to_bits(),
            want[i],
            want[i].to_bits()
        );
    }
}

/// Adversarial finite-max rows: (description, row).
fn rows() -> Vec<(String, Vec<f64>)> {
    let mut r = Rng(0x05ee_df64);
    let mut out: Vec<(String, Vec<f64>)> = Vec::new();
    for &n in &[1usize, 2, 3, 7, 16, 17, 100, 1000, 100_000] {
        let big = n >= 100_000; // fewer patterns at 10^5 (the MPFR reference dominates the time)
        for &scale in &[1.0f64, 30.0, 1000.0] {
            if big && scale == 30.0 {
                continue;
            }
            let row: Vec<f64> = (0..n).map(|_| r.normal() * scale).collect();
            out.push((format!("normal n={n} scale={scale}"), row));
        }
        // Logits close to each other: n comparable terms in the sum.
        let row: Vec<f64> = (0..n).map(|_| r.unit() * 0.5).collect();
        out.push((format!("flat n={n}"), row));
        // Huge magnitudes of both signs (x - max far beyond exp's range, or overflowing).
        let row: Vec<f64> = (0..n)
            .map(|i| match i % 7 {
                0 => f64::MAX * r.unit(),
                _ => r.unit() * 1e300,
            })
            .collect();
        out.push((format!("huge n={n}"), row));
        // Magnitudes from 1e-6 to 1e3: x - max is not representable.
        let row: Vec<f64> = (0..n)
            .map(|_| r.unit() * 10f64.powf(4.5 * r.unit() - 1.5))
            .collect();
        out.push((format!("mixed magnitudes n={n}"), row));
        // Near ±700 (and one logit in between): terms around the ends of exp's range.
        let row: Vec<f64> = (0..n)
            .map(|i| match i % 3 {
                0 => 700.0 + r.unit() * 5.0,
                1 => -700.0 + r.unit() * 5.0,
                _ => r.unit() * 1e-3,
            })
            .collect();
        out.push((format!("±700 n={n}"), row));
        // One dominant element, the others 700 to 750 below it: subnormal results, results
        // that round to 0, and (log-softmax) a tiny or subnormal ln S.
        let mut row: Vec<f64> = (0..n).map(|_| -725.0 + r.unit() * 25.0).collect();
        row[n / 2] = 0.0;
        out.push((format!("dominant n={n}"), row));
        if !big {
            // The same shifted by a non-dyadic offset: x - m rounds in the last bits.
            let row: Vec<f64> = (0..n)
                .map(|i| {
                    if i == n / 3 {
                        0.1
                    } else {
                        0.1 - 708.0 - 30.0 * (r.unit() + 1.0) / 2.0
                    }
                })
                .collect();
            out.push((format!("dominant shifted n={n}"), row));
            // Ties: two or more maxima, and equal runs.
            let row: Vec<f64> = (0..n)
                .map(|i| {
                    if i % 3 == 0 {
                        2.5
                    } else {
                        (i % 5) as f64 * 0.75 - 1.0
                    }
                })
                .collect();
            out.push((format!("ties n={n}"), row));
            // -inf elements, ±0 and subnormal inputs mixed with ordinary ones.
            let row: Vec<f64> = (0..n)
                .map(|i| match i % 5 {
                    0 => f64::NEG_INFINITY,
                    1 => -0.0,
                    2 => f64::from_bits(1 + i as u64),
                    _ => r.normal(),
                })
                .collect();
            if row.iter().any(|v| v.is_finite()) {
                out.push((format!("with -inf n={n}"), row));
            }
            // Tiny values: all terms nearly equal.
            let row: Vec<f64> = (0..n).map(|_| r.unit() * 1e-300).collect();
            out.push((format!("tiny n={n}"), row));
        }
    }
    let fixed: [(&str, Vec<f64>); 12] = [
        ("±MAX", vec![-f64::MAX, f64::MAX]),
        ("MAX mix", vec![f64::MAX, -f64::MAX, f64::MAX, 0.0]),
        ("0, -740 (subnormal ln S)", vec![0.0, -740.0]),
        ("0, -745.1", vec![0.0, -745.1]),
        ("0, -745.2", vec![0.0, -745.2]),
        ("0, -720", vec![0.0, -720.0]),
        ("0, -708.2", vec![0.0, -708.2, -707.9]),
        ("0, -40 (tiny ln S)", vec![0.0, -40.0]),
        ("0, 1e-300", vec![0.0, 1e-300]),
        ("equal", vec![3.25; 1000]),
        ("±700 pair", vec![-700.0, 700.0]),
        (
            "-inf and two",
            vec![f64::NEG_INFINITY, 1.0, 1.0 + f64::EPSILON],
        ),
    ];
    out.extend(fixed.into_iter().map(|(d, r)| (d.to_string(), r)));
    out
}

#[test]
fn every_isa_gives_the_scalar_bits() {
    let isas: Vec<Isa> = Isa::available().collect();
    for (name, row) in rows() {
        let n = row.len();
        // Two copies of the row: the row loop too.
        let x: Vec<f64> = row.iter().chain(row.iter()).copied().collect();
        for (k, fname) in NAMES.into_iter().enumerate() {
            let want = forward(k, Isa::Scalar, &x, n);
            assert_same_bits(
                &format!("{fname} {name}: second row"),
                &want[..n],
                &want[n..],
            );
            for &isa in &isas {
                let got = forward(k, isa, &x, n);
                assert_same_bits(&format!("{fname} {name} {isa:?}"), &want, &got);
            }
        }
    }
}

#[test]
fn every_length_offset_and_in_place() {
    let isas: Vec<Isa> = Isa::available().collect();
    let mut r = Rng(7);
    let lens: Vec<usize> = (1..=70).chain([127, 128, 129, 255, 257]).collect();
    for &n in &lens {
        for off in 0..3 {
            // Three rows at an offset into a buffer (alignment), the middle one with a -inf.
            let buf: Vec<f64> = (0..off + 3 * n).map(|_| r.normal() * 20.0).collect();
            let mut x = buf[off..].to_vec();
            x[n + n / 2] = f64::NEG_INFINITY;
            let x = &x[..];
            for (k, fname) in NAMES.into_iter().enumerate() {
                for masked in [MaskedRows::Nan, MaskedRows::Zero] {
                    let f = func(k, masked);
                    let mut want = vec![0.0f64; 3 * n];
                    f.forward_on(Isa::Scalar, x, &mut want, n);
                    for &isa in &isas {
                        let what = format!("{fname} n={n} off={off} {isa:?} {masked:?}");
                        let mut y = vec![0.0f64; 3 * n];
                        f.forward_on(isa, x, &mut y, n);
                        assert_same_bits(&what, &want, &y);
                        let mut z = buf.clone();
                        z[off..].copy_from_slice(x);
                        f.forward_in_place_on(isa, &mut z[off..], n);
                        assert_same_bits(&format!("{what} in place"), &want, &z[off..]);
                        // Each row alone gives the same bits.
                        let mut one = vec![0.0f64; n];
                        f.forward_on(isa, &x[n..2 * n], &mut one, n);
                        assert_same_bits(&format!("{what} one row"), &want[n..2 * n], &one);
                    }
                }
            }
        }
    }
}

#[test]
fn special_rows() {
    let (nan, inf) = (f64::NAN, f64::INFINITY);
    for &isa in &Isa::available().collect::<Vec<_>>() {
        let run = |k: usize, masked: MaskedRows, x: &[f64]| {
            let mut y = vec![7.0f64; x.len()];
            func(k, masked).forward_on(isa, x, &mut y, x.len());
            y
        };
        for (k, fname) in NAMES.into_iter().enumerate() {
            // softmin reads the logits as -x: +inf masks, -inf poisons.
            let (masking, poison) = if k == 2 { (inf, -inf) } else { (-inf, inf) };
            for masked in [MaskedRows::Nan, MaskedRows::Zero] {
                for x in [
                    vec![nan],
                    vec![1.0, nan, 2.0],
                    vec![poison, 1.0, 2.0],
                    vec![masking, poison],
                    vec![masking, nan, 0.0],
                ] {
                    let y = run(k, masked, &x);
                    assert!(y.iter().all(|v| v.is_nan()), "{fname} {x:?}: {y:?}");
                }
                // Fully masked rows.
                for len in [1, 2, 17] {
                    let y = run(k, masked, &vec![masking; len]);
                    match masked {
                        MaskedRows::Nan => assert!(y.iter().all(|v| v.is_nan())),
                        MaskedRows::Zero => assert!(y.iter().all(|v| v.to_bits() == 0)),
                        m => panic!("no expectation for {m:?}"),
                    }
                }
                // Masked elements in a finite row: probability 0, log-probability -inf.
                let y = run(k, masked, &[masking, 0.5, masking, 0.5]);
                if k == 1 {
                    // -ln 2 within 2 ULP (2^-53 each at ln 2).
                    let ln2 = core::f64::consts::LN_2;
                    assert!((y[1] + ln2).abs() <= f64::EPSILON, "{y:?}");
                    assert_eq!([y[0], y[2], y[3]], [-inf, -inf, y[1]], "{fname}");
                } else {
                    assert_eq!(y, [0.0, 0.5, 0.0, 0.5], "{fname}");
                }
            }
            // One element: probability 1, log-probability 0, whatever its value.
            for v in [0.0, -0.0, 1e308, -1e308, 5e-324, 709.0, -746.0] {
                let want = if k == 1 { 0.0 } else { 1.0 };
                assert_eq!(run(k, MaskedRows::Nan, &[v]), [want], "{fname} [{v:e}]");
            }
            // Equal logits: exactly 1/n (correctly rounded), ln(1/n) within 2 ULP (ULP 2^-50
            // at 6.9) and the same everywhere.
            let y = run(k, MaskedRows::Nan, &[3.25; 1000]);
            if k == 1 {
                let l = -(1000f64).ln();
                assert!((y[0] - l).abs() <= 8.0 * f64::EPSILON, "{}", y[0]);
                assert!(y.iter().all(|&v| v == y[0]));
            } else {
                assert!(y.iter().all(|&v| v == 0.001), "{fname}");
            }
        }
        // Differences that overflow: -MAX against MAX is -inf (exactly: below -MAX).
        let y = run(1, MaskedRows::Nan, &[-f64::MAX, f64::MAX]);
        assert_eq!(y, [-inf, 0.0]);
        let y = run(0, MaskedRows::Nan, &[-f64::MAX, f64::MAX]);
        assert_eq!(y, [0.0, 1.0]);
        // The typed functions reach the same code as `RowFunction`.
        let x = [0.25f64, -3.0, 1.5, 700.0, -700.0];
        let mut a = [0.0f64; 5];
        let mut b = [0.0f64; 5];
        LogSoftmax::new().forward_on(isa, &x, &mut a, 5);
        func(1, MaskedRows::Nan).forward_on(isa, &x, &mut b, 5);
        assert_eq!(bits(&a), bits(&b));
        Softmin::new().forward(&x, &mut a, 5);
        func(2, MaskedRows::Nan).forward_on(isa, &x, &mut b, 5);
        assert_eq!(bits(&a), bits(&b));
    }
}

#[test]
fn backward_every_isa_and_masked_rows() {
    let isas: Vec<Isa> = Isa::available().collect();
    let mut r = Rng(11);
    for &n in &[1usize, 2, 3, 7, 16, 17, 100, 1000, 10_000] {
        let x: Vec<f64> = (0..3 * n).map(|_| r.normal() * 10.0).collect();
        let dy: Vec<f64> = (0..3 * n).map(|_| r.normal()).collect();
        for (k, fname) in NAMES.into_iter().enumerate() {
            let f = func(k, MaskedRows::Nan);
            let y = forward(k, Isa::Scalar, &x, n);
            let mut want = vec![0.0f64; 3 * n];
            f.backward_from_output_on(Isa::Scalar, &y, &dy, &mut want, n);
            for &isa in &isas {
                let mut got = vec![0.0f64; 3 * n];
                f.backward_from_output_on(isa, &y, &dy, &mut got, n);
                assert_same_bits(&format!("{fname} backward n={n} {isa:?}"), &want, &got);
            }
        }
    }
    // A fully masked row zeroed by MaskedRows::Zero has zero gradients (log-softmax too).
    for (k, fname) in NAMES.into_iter().enumerate() {
        let f = func(k, MaskedRows::Zero);
        let x = [f64::NEG_INFINITY, f64::NEG_INFINITY, 1.0, 2.0];
        let x = if k == 2 { x.map(|v| -v) } else { x };
        let mut y = [0.0f64; 4];
        f.forward(&x, &mut y, 2);
        assert_eq!(&y[..2], &[0.0, 0.0]);
        let mut dx = [9.0f64; 4];
        f.backward_from_output(&y, &[1.0, -2.0, 0.5, 0.25], &mut dx, 2);
        assert_eq!(&dx[..2], &[0.0, 0.0], "{fname}");
        assert!(dx[2..].iter().all(|v| v.is_finite() && *v != 0.0));
    }
}

#[test]
#[should_panic(expected = "not a whole number of rows of length 2")]
fn ragged_rows_panic() {
    Softmax::new().forward(&[1.0f64; 5], &mut [0.0f64; 5], 2);
}

#[test]
#[should_panic(expected = "not a whole number of rows of length 0")]
fn zero_row_len_panics() {
    LogSoftmax::new().forward_in_place(&mut [1.0f64; 3], 0);
}

#[test]
#[should_panic(expected = "length mismatch: input and output (4 vs 6)")]
fn forward_length_mismatch_panics() {
    LogSoftmax::new().forward(&[1.0f64; 4], &mut [0.0f64; 6], 2);
}

#[test]
#[should_panic(expected = "length mismatch: dy and dx (3 vs 4)")]
fn backward_length_mismatch_panics() {
    Softmin::new().backward_from_output(&[0.5f64; 4], &[1.0f64; 3], &mut [0.0f64; 4], 2);
}

#[test]
#[should_panic(expected = "not a whole number of rows of length 3")]
fn backward_ragged_rows_panic() {
    Softmin::new().backward_from_output(&[0.5f64; 4], &[1.0f64; 4], &mut [0.0f64; 4], 3);
}

#[test]
fn empty_slices_are_fine() {
    for k in 0..3 {
        let f = func(k, MaskedRows::Nan);
        f.forward::<f64>(&[], &mut [], 0);
        f.forward::<f64>(&[], &mut [], 5);
        f.forward_in_place::<f64>(&mut [], 0);
        f.backward_from_output::<f64>(&[], &[], &mut [], 3);
    }
}

/// Exact references with MPFR.
#[cfg(all(target_arch = "x86_64", feature = "mpfr"))]
mod exact {
    use rug::Float;
    use rug::ops::Pow;

    use crate::mpfr::PREC;

    fn fl(v: f64) -> Float {
        Float::with_val(PREC, v)
    }

    /// Whether the exact value lies in the subnormal range (or rounds to 0).
    pub fn tiny(r: &Float) -> bool {
        r.is_finite() && r.clone().abs() < Float::with_val(PREC, 2.0).pow(-1022)
    }

    /// The exact softmax (`k = 0`), log-softmax (1) or softmin (2) of a row without NaN (all
    /// NaN where the maximum, after negation for softmin, is infinite).
    pub fn forward(k: usize, row: &[f64]) -> Vec<Float> {
        let x: Vec<f64> = row.iter().map(|&v| if k == 2 { -v } else { v }).collect();
        let m = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !m.is_finite() {
            // A poisoned row (softmin of a row with -inf): all NaN.
            return vec![Float::with_val(PREC, f64::NAN); row.len()];
        }
        let d: Vec<Float> = x.iter().map(|&v| fl(v) - m).collect();
        let e: Vec<Float> = d.iter().map(|d| d.clone().exp()).collect();
        // S - 1: every term but one instance of the max (which is exactly 1), so ln S =
        // ln1p(S - 1) keeps its digits when S - 1 is below 2^-PREC (even subnormal).
        let first_max = x.iter().position(|&v| v == m).unwrap();
        let others = e
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != first_max)
            .map(|(_, e)| e);
        let s1 = Float::with_val(PREC, Float::sum(others));
        if k == 1 {
            let l = s1.ln_1p();
            d.into_iter().map(|d| d - &l).collect()
        } else {
            let s = s1 + 1u32;
            e.into_iter().map(|e| e / &s).collect()
        }
    }
}

/// Forward against MPFR on the adversarial rows: at most 2 ULP, maxima printed (overall and
/// where the exact value is subnormal).
#[cfg(all(target_arch = "x86_64", feature = "mpfr"))]
#[test]
fn forward_within_2_ulp_of_mpfr() {
    // Per function: (max, where), max over subnormal exact values, results > 1 ULP.
    let mut worst: [(f64, String); 3] = Default::default();
    let mut worst_tiny = [0.0f64; 3];
    let mut worst_normal = [0.0f64; 3];
    let mut above_1 = [0usize; 3];
    let mut count = 0usize;
    for (name, row) in rows() {
        let n = row.len();
        for k in 0..3 {
            let y = forward(k, Isa::Scalar, &row, n);
            let r = exact::forward(k, &row);
            for i in 0..n {
                let e = mpfr::ulp_error(y[i], &r[i]);
                if e > worst[k].0 {
                    worst[k] = (
                        e,
                        format!(
                            "{name}, element {i}: x = {:e}, got {:e}, exact {:e}",
                            row[i],
                            y[i],
                            r[i].to_f64()
                        ),
                    );
                }
                if exact::tiny(&r[i]) {
                    worst_tiny[k] = worst_tiny[k].max(e);
                } else {
                    worst_normal[k] = worst_normal[k].max(e);
                }
                above_1[k] += (e > 1.0) as usize;
                count += 1;
            }
        }
    }
    for (k, fname) in NAMES.into_iter().enumerate() {
        println!(
            "{:12} max {:.4} ULP ({}); normal results max {:.4} ULP, subnormal results max \
             {:.4} ULP; {} results > 1 ULP",
            fname, worst[k].0, worst[k].1, worst_normal[k], worst_tiny[k], above_1[k]
        );
    }
    println!("{count} results checked");
    for (k, fname) in NAMES.into_iter().enumerate() {
        assert!(
            worst[k].0 <= 2.0,
            "{}: {:.4} ULP at {}",
            fname,
            worst[k].0,
            worst[k].1
        );
    }
}

/// Backward against its formula evaluated exactly on the given `y` and `dy`. The bound allows
/// the formula's own roundings (`dy - s` and the product, or the fused `dy - e^y·s`: about one
/// ULP of `dx`) plus what the rounding of the sum `s` (and of `e^y`) moves `dx` by:
/// `|err| ≤ 2·M` with `M = ulp(dx) + |y|·(ulp(s) + n·2^-104·Σ|dy·y|)` for softmax and softmin,
/// `M = ulp(dx) + e^y·(ulp(s) + 2^-52·|s| + n·2^-104·Σ|dy|)` for log-softmax (the `n·2^-104`
/// term covers the compensated sum's second-order error where the sum cancels).
#[cfg(all(target_arch = "x86_64", feature = "mpfr"))]
#[test]
fn backward_matches_exact_formula() {
    use mpfr::{PREC, ulp_at};
    use rug::Float;
    let fl = |v: f64| Float::with_val(PREC, v);
    let ulp = |r: &Float| ulp_at(r).to_f64();
    let eps2 = f64::EPSILON * f64::EPSILON / 16.0; // 2^-104
    let mut r = Rng(5);
    let mut worst = [0.0f64; 3];
    for &n in &[1usize, 2, 3, 7, 16, 17, 100, 1000, 100_000] {
        for (pattern, xs) in [("normal", 10.0), ("wide", 300.0), ("constant dy", 3.0)] {
            let x: Vec<f64> = (0..n).map(|_| r.normal() * xs).collect();
            // Upstream gradients of mixed sizes, including values near 1 (the softmax gradient
            // then cancels); a constant dy makes it cancel everywhere.
            let dy: Vec<f64> = (0..n)
                .map(|i| match (pattern, i % 4) {
                    ("constant dy", _) => 1.5,
                    (_, 0) => 1.0 + r.unit() * 1e-9,
                    (_, 1) => r.normal() * 1e3,
                    (_, 2) => r.normal() * 1e-5,
                    _ => 1.0,
                })
                .collect();
            for (k, fname) in NAMES.into_iter().enumerate() {
                let y = forward(k, Isa::Scalar, &x, n);
                let mut dx = vec![0.0f64; n];
                func(k, MaskedRows::Nan).backward_from_output_on(Isa::Scalar, &y, &dy, &mut dx, n);
                // The exact sum (Σ dy for log-softmax, Σ dy·y otherwise) and Σ of magnitudes.
                let terms: Vec<Float> = (0..n)
                    .map(|i| if k == 1 { fl(dy[i]) } else { fl(dy[i]) * y[i] })
                    .collect();
                let s = Float::with_val(PREC, Float::sum(terms.iter()));
                let abs: f64 = terms.iter().map(|t| t.to_f64().abs()).sum();
                let (s_f, s_ulp) = (s.to_f64().abs(), ulp(&s));
                for i in 0..n {
                    let (want, m) = if k == 1 {
                        let e = fl(y[i]).exp();
                        let w = fl(dy[i]) - Float::with_val(PREC, &e * &s);
                        let e = e.to_f64();
                        let m = ulp(&w) + e * (s_ulp + s_f * f64::EPSILON + n as f64 * eps2 * abs);
                        (w, m)
                    } else {
                        let w = Float::with_val(PREC, fl(dy[i]) - &s) * y[i];
                        let w = if k == 2 { -w } else { w };
                        (
                            w.clone(),
                            ulp(&w) + y[i].abs() * (s_ulp + n as f64 * eps2 * abs),
                        )
                    };
                    let err = Float::with_val(PREC, fl(dx[i]) - &want).abs().to_f64();
                    let q = err / m;
                    assert!(
                        q <= 2.0,
                        "{} backward {pattern} n={n} element {i}: y = {:e}, dy = {:e}: dx = {:e}, \
                         exact {:e}: error {q:.3} M",
                        fname,
                        y[i],
                        dy[i],
                        dx[i],
                        want.to_f64()
                    );
                    worst[k] = worst[k].max(q);
                }
            }
        }
    }
    for (k, fname) in NAMES.into_iter().enumerate() {
        println!("{:12} backward max error {:.4} M", fname, worst[k]);
    }
}

/// Forward and backward throughput, f64 next to f32, rows of 1024 and 32768, best ISA (and
/// scalar), same run.
/// `cargo test --release -p activation-kernels --test rowwise_f64 -- --ignored --nocapture`
#[test]
#[ignore]
fn throughput() {
    use activation_kernels::rowwise::RowActivation;
    use std::hint::black_box;
    use std::time::Instant;
    const TOTAL: usize = 1 << 16;
    fn best_of(mut f: impl FnMut()) -> f64 {
        let mut best = f64::INFINITY;
        for _ in 0..9 {
            let t = Instant::now();
            for _ in 0..20 {
                f();
            }
            best = best.min(t.elapsed().as_secs_f64() / 20.0);
        }
        TOTAL as f64 / (best * 1e9)
    }
    let mut r = Rng(3);
    let x64: Vec<f64> = (0..TOTAL).map(|_| r.normal() * 4.0).collect();
    let x32: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
    let (mut y64, mut d64) = (vec![0f64; TOTAL], vec![0f64; TOTAL]);
    let (mut y32, mut d32) = (vec![0f32; TOTAL], vec![0f32; TOTAL]);
    for isa in [Isa::Scalar, Isa::best()] {
        for n in [1024usize, 32768] {
            for (k, fname) in NAMES.into_iter().enumerate() {
                let f = func(k, MaskedRows::Nan);
                let a = best_of(|| f.forward_on(isa, black_box(&x64), &mut y64, n));
                let b = best_of(|| f.forward_on(isa, black_box(&x32), &mut y32, n));
                let c =
                    best_of(|| f.backward_from_output_on(isa, &y64, black_box(&x64), &mut d64, n));
                let d =
                    best_of(|| f.backward_from_output_on(isa, &y32, black_box(&x32), &mut d32, n));
                println!(
                    "{isa:?} {fname:12} n={n:5}: forward f64 {a:.2} (f32 {b:.2}), backward f64 \
                     {c:.2} (f32 {d:.2}) elem/ns"
                );
            }
        }
    }
}
