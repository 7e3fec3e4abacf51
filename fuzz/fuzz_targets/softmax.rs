//! Fuzzing the softmax family (`activation_kernels::rowwise`).
//!
//! Input layout: byte 0 picks softmax / log_softmax / softmin and the masked-row policy;
//! bytes 1..4 give the row length (up to 100 000) and the number of rows (1..=3); the rest are
//! little-endian f32 bit patterns (NaN payloads, ±inf, ±0, subnormals, huge values), cycled and
//! perturbed to fill long rows.
//!
//! Checks, for every `Isa::available()`: forward, in place and backward give the scalar bits;
//! per row the documented special-value policy (NaN or poisoning infinity → NaN row; fully
//! masked → NaN or zeros); for ordinary rows every element within 4 ULP of the f64 reference,
//! `|Σ softmax - 1| ≤ n·ε`, log_softmax ≤ 0; backward is finite for finite rows and gradients.
#![no_main]

use activation_kernels::Isa;
use activation_kernels::rowwise::{
    LogSoftmax, MaskedRows, RowActivation, RowFunction, Softmax, Softmin,
};
use activation_kernels::ulp::{same_result, ulp_error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let masked = if data[0] & 4 != 0 {
        MaskedRows::Zero
    } else {
        MaskedRows::Nan
    };
    let f = match data[0] % 3 {
        0 => RowFunction::Softmax(Softmax::new().masked_rows(masked)),
        1 => RowFunction::LogSoftmax(LogSoftmax::new().masked_rows(masked)),
        _ => RowFunction::Softmin(Softmin::new().masked_rows(masked)),
    };
    let raw: Vec<f32> = data[4..]
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    if raw.is_empty() {
        return;
    }
    // Mostly short rows; sometimes long ones built from the input.
    let len_sel = u16::from_le_bytes([data[1], data[2]]) as usize;
    let row_len = if data[3] & 0x80 != 0 {
        1 + len_sel * 100_000 / 65_536
    } else {
        1 + len_sel % 300
    };
    let rows = 1 + (data[3] as usize & 3) % 3;
    let n = row_len * rows;
    let x: Vec<f32> = (0..n)
        .map(|i| {
            let v = raw[i % raw.len()];
            let lap = (i / raw.len()) as f32;
            // Later laps are shifted copies, so long rows are not all ties.
            if lap > 0.0 && v.is_finite() {
                v - lap * 0.25
            } else {
                v
            }
        })
        .collect();
    let dy: Vec<f32> = x
        .iter()
        .map(|v| if v.is_finite() { (v * 0.37).sin() } else { 1.0 })
        .collect();

    let mut y0 = vec![0.0f32; n];
    f.forward_on(Isa::Scalar, &x, &mut y0, row_len);
    let mut b0 = vec![0.0f32; n];
    f.backward_from_output_on(Isa::Scalar, &y0, &dy, &mut b0, row_len);
    for isa in Isa::available() {
        let mut y = vec![0.0f32; n];
        f.forward_on(isa, &x, &mut y, row_len);
        let mut ip = x.clone();
        f.forward_in_place_on(isa, &mut ip, row_len);
        let mut b = vec![0.0f32; n];
        f.backward_from_output_on(isa, &y0, &dy, &mut b, row_len);
        for i in 0..n {
            assert!(
                same_result(y[i], y0[i]),
                "{} {isa:?} forward [{i}]",
                f.name()
            );
            assert!(
                same_result(ip[i], y0[i]),
                "{} {isa:?} in place [{i}]",
                f.name()
            );
            assert!(
                same_result(b[i], b0[i]),
                "{} {isa:?} backward [{i}]",
                f.name()
            );
        }
    }
    let neg = matches!(f, RowFunction::Softmin(_));
    for r in 0..rows {
        let xr = &x[r * row_len..(r + 1) * row_len];
        let yr = &y0[r * row_len..(r + 1) * row_len];
        let logits = xr.iter().map(|&v| if neg { -v } else { v });
        let nan = logits.clone().any(|v| v.is_nan() || v == f32::INFINITY);
        let all_masked = logits.clone().all(|v| v == f32::NEG_INFINITY);
        if nan || (all_masked && masked == MaskedRows::Nan) {
            assert!(
                yr.iter().all(|v| v.is_nan()),
                "{}: expected a NaN row",
                f.name()
            );
            continue;
        }
        if all_masked {
            assert!(
                yr.iter().all(|&v| v == 0.0),
                "{}: expected a zero row",
                f.name()
            );
            continue;
        }
        if row_len <= 5000 {
            let want = f.reference(xr);
            for (i, (&got, &w)) in yr.iter().zip(&want).enumerate() {
                let e = ulp_error(got, w);
                assert!(
                    e <= 4.0,
                    "{} row {r} [{i}]: {got:e} vs {w:e} ({e} ULP)",
                    f.name()
                );
            }
        }
        if matches!(f, RowFunction::LogSoftmax(_)) {
            assert!(yr.iter().all(|&v| v <= 0.0), "log_softmax > 0");
        } else {
            let s: f64 = yr.iter().map(|&v| v as f64).sum();
            assert!(
                (s - 1.0).abs() <= row_len as f64 * f32::EPSILON as f64,
                "sum {s}"
            );
            assert!(
                yr.iter().all(|&v| (0.0..=1.0).contains(&v)),
                "probability out of range"
            );
        }
        let br = &b0[r * row_len..(r + 1) * row_len];
        let dr = &dy[r * row_len..(r + 1) * row_len];
        if dr.iter().all(|v| v.is_finite()) && !matches!(f, RowFunction::LogSoftmax(_)) {
            assert!(
                br.iter().all(|v| v.is_finite()),
                "{}: non-finite gradient",
                f.name()
            );
        }
    }
});
