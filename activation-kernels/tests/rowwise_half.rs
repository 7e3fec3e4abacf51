//! The softmax family on `bf16` and `f16` slices (`rowwise::RowActivation`), on every
//! available ISA.
//!
//! For each function (softmax, log-softmax, softmin, with both masked-row policies) and type:
//! * every ISA gives exactly the half crate's round-to-nearest-even of the **f32 API's result
//!   on the widened inputs** (so all ISAs agree bit for bit, and the half path is "f32 kernel,
//!   then one rounding"), out of place and in place;
//! * against the exact function of the widened row (the f64 reference): at most 1 ULP of the
//!   half type, on adversarial rows (every length 1..=300 at several scales, long rows up to
//!   10^5, `-inf` elements, masked rows, NaN / `+inf` rows, half subnormals);
//! * every length and misaligned offset with guard values around the output;
//! * backward is the f32 backward on the widened `y` and `dy`, rounded once;
//! * on `f32` the generic API gives exactly the bits of `RowActivation`.
//!
//! It prints, per function and type, the max error in half ULPs and how many results are not
//! the correctly rounded exact value (`cargo test --release --test rowwise_half -- --nocapture`).

#![allow(clippy::type_complexity)]

mod common;
use activation_kernels::Isa;
use activation_kernels::element::Element;
use activation_kernels::element::half::{bf16, f16};
use activation_kernels::rowwise::{
    LogSoftmax, MaskedRows, RowActivation, RowFunction, Softmax, Softmin,
};
use activation_kernels::ulp::{f32_ulp_at, same_result};
use common::Rng;

/// What the tests need of a half type.
trait Half: Element + core::fmt::Debug + PartialEq {
    const NAME: &'static str;
    /// Explicit mantissa bits.
    const MANT: i32;
    /// Exponent of the smallest normal.
    const EMIN: i32;
    fn bits(self) -> u16;
    fn from_bits(b: u16) -> Self;
    fn to_f32(self) -> f32;
    /// The `half` crate's conversion (round to nearest even).
    fn from_f32(x: f32) -> Self;
    fn max_finite() -> f64;
}

impl Half for bf16 {
    const NAME: &'static str = "bf16";
    const MANT: i32 = 7;
    const EMIN: i32 = -126;
    fn bits(self) -> u16 {
        self.to_bits()
    }
    fn from_bits(b: u16) -> Self {
        bf16::from_bits(b)
    }
    fn to_f32(self) -> f32 {
        bf16::to_f32(self)
    }
    fn from_f32(x: f32) -> Self {
        bf16::from_f32(x)
    }
    fn max_finite() -> f64 {
        bf16::MAX.to_f64()
    }
}

impl Half for f16 {
    const NAME: &'static str = "f16";
    const MANT: i32 = 10;
    const EMIN: i32 = -14;
    fn bits(self) -> u16 {
        self.to_bits()
    }
    fn from_bits(b: u16) -> Self {
        f16::from_bits(b)
    }
    fn to_f32(self) -> f32 {
        f16::to_f32(self)
    }
    fn from_f32(x: f32) -> Self {
        f16::from_f32(x)
    }
    fn max_finite() -> f64 {
        f16::MAX.to_f64()
    }
}

fn same<T: Half>(a: T, b: T) -> bool {
    a.bits() == b.bits() || (a.to_f32().is_nan() && b.to_f32().is_nan())
}

fn widen<T: Half>(x: &[T]) -> Vec<f32> {
    x.iter().map(|v| v.to_f32()).collect()
}

fn narrow<T: Half>(x: &[f32]) -> Vec<T> {
    x.iter().map(|&v| T::from_f32(v)).collect()
}

/// The ULP of `T` at the magnitude of `r` (clamped to the subnormal spacing).
fn ulp_at<T: Half>(r: f64) -> f64 {
    let a = r.abs();
    let e = if a < 2f64.powi(T::EMIN) {
        T::EMIN
    } else {
        (a.to_bits() >> 52) as i32 - 1023
    };
    2f64.powi(e - T::MANT)
}

/// `r` correctly rounded into `T` (as f64; `±inf` on overflow).
fn round_exact<T: Half>(r: f64) -> f64 {
    if !r.is_finite() {
        return r;
    }
    let q = ulp_at::<T>(r);
    let v = (r / q).round_ties_even() * q;
    if v.abs() > T::max_finite() {
        f64::INFINITY.copysign(r)
    } else {
        v
    }
}

/// Error of `y` against the exact `r` in ULPs of `T` at `r` (NaN ≡ NaN; an infinity counts
/// only as the correctly rounded overflow).
fn half_ulp_error<T: Half>(y: T, r: f64) -> f64 {
    let yv = y.to_f32() as f64;
    if yv.is_nan() || r.is_nan() {
        return if yv.is_nan() && r.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if yv.is_infinite() || round_exact::<T>(r).is_infinite() {
        return if yv == round_exact::<T>(r) {
            0.0
        } else {
            f64::INFINITY
        };
    }
    (yv - r).abs() / ulp_at::<T>(r)
}

/// The functions under test: both masked-row policies of each.
fn functions() -> Vec<RowFunction> {
    let mut v = Vec::new();
    for masked in [MaskedRows::Nan, MaskedRows::Zero] {
        v.push(RowFunction::from(Softmax::new().masked_rows(masked)));
        v.push(RowFunction::from(LogSoftmax::new().masked_rows(masked)));
        v.push(RowFunction::from(Softmin::new().masked_rows(masked)));
    }
    v
}

fn label(f: RowFunction) -> String {
    let masked = match f {
        RowFunction::Softmax(s) => s.masked,
        RowFunction::LogSoftmax(s) => s.masked,
        RowFunction::Softmin(s) => s.masked,
        f => panic!("no label for {f:?}"),
    };
    format!("{} ({masked:?})", f.name())
}

/// Adversarial rows, as f32 values (each test rounds them into its half type).
fn rows(big: f64) -> Vec<(String, Vec<f32>)> {
    let mut r = Rng(0x5EED);
    let mut out: Vec<(String, Vec<f32>)> = Vec::new();
    for n in 1..=300usize {
        for scale in [0.25f64, 3.0, 40.0, 1000.0, big] {
            let row: Vec<f32> = (0..n).map(|_| (r.normal() * scale) as f32).collect();
            out.push((format!("normal n={n} scale={scale}"), row));
        }
        // `-inf` elements, signed zeros and subnormals in an otherwise finite row.
        let row: Vec<f32> = (0..n)
            .map(|i| match (i + n) % 6 {
                0 => f32::NEG_INFINITY,
                1 => -0.0,
                2 => 1e-40,
                _ => (r.normal() * 5.0) as f32,
            })
            .collect();
        out.push((format!("mixed n={n}"), row));
    }
    let mut r = Rng(0xB16);
    for n in [1000usize, 4097, 30_000, 100_000] {
        for scale in [1.0f64, 30.0, big] {
            let row: Vec<f32> = (0..n).map(|_| (r.normal() * scale) as f32).collect();
            out.push((format!("normal n={n} scale={scale}"), row));
        }
        // Nearly equal logits: n comparable terms in the sum.
        let row: Vec<f32> = (0..n).map(|_| (r.unit() * 0.5) as f32).collect();
        out.push((format!("flat n={n}"), row));
        // One dominant element: the other probabilities are half subnormals or zero.
        let mut row: Vec<f32> = (0..n).map(|_| (r.unit() * 8.0 - 12.0) as f32).collect();
        row[n / 3] = 4.0;
        out.push((format!("dominant n={n}"), row));
    }
    // Large logits close together (x - max is not representable in the half type's grid
    // scale, and exp's argument needs the exact difference).
    for n in [2usize, 17, 300] {
        let row: Vec<f32> = (0..n)
            .map(|i| 1000.0 + (r.unit() * 20.0) as f32 + i as f32 * 0.125)
            .collect();
        out.push((format!("offset n={n}"), row));
    }
    let inf = f32::INFINITY;
    for n in [1usize, 5, 16, 17, 40] {
        out.push((format!("masked n={n}"), vec![-inf; n]));
        out.push((format!("masked (softmin) n={n}"), vec![inf; n]));
        let mut row: Vec<f32> = (0..n).map(|i| i as f32 * 0.5).collect();
        row[n / 2] = f32::NAN;
        out.push((format!("NaN n={n}"), row));
        let mut row: Vec<f32> = (0..n).map(|i| i as f32 * 0.5).collect();
        row[n - 1] = inf;
        out.push((format!("+inf n={n}"), row.clone()));
        row[n - 1] = -inf;
        row[0] = -inf;
        out.push((format!("-inf ends n={n}"), row));
    }
    out.push(("equal".into(), vec![3.25; 1000]));
    out.push(("extremes".into(), vec![-(big as f32), big as f32, 0.0]));
    out
}

#[derive(Default, Clone, Copy)]
struct Stats {
    max_ulp: f64,
    not_cr: usize,
    count: usize,
}

/// Forward on every ISA, out of place and in place, against round(f32 API) and the reference.
fn check_forward<T: Half>(big: f64) -> Vec<(String, Stats)> {
    let isas: Vec<Isa> = Isa::available().collect();
    let fs = functions();
    let mut stats = vec![Stats::default(); fs.len()];
    for (name, row) in rows(big) {
        let n = row.len();
        // The row rounded into T, twice (checks the row loop too).
        let xh: Vec<T> = narrow(&row)
            .iter()
            .chain(narrow::<T>(&row).iter())
            .copied()
            .collect();
        let xw = widen(&xh);
        for (fi, &f) in fs.iter().enumerate() {
            let mut yf = vec![0.0f32; 2 * n];
            f.forward_on(Isa::Scalar, &xw, &mut yf, n);
            let want: Vec<T> = narrow(&yf);
            for &isa in &isas {
                let mut got = vec![T::from_f32(-7.0); 2 * n];
                f.forward_on(isa, &xh, &mut got, n);
                let mut ip = xh.clone();
                f.forward_in_place_on(isa, &mut ip, n);
                for i in 0..2 * n {
                    assert!(
                        same(got[i], want[i]) && same(ip[i], want[i]),
                        "{} {} {name} on {isa}: element {i}: {:?} / in place {:?}, expected {:?}",
                        label(f),
                        T::NAME,
                        got[i],
                        ip[i],
                        want[i]
                    );
                }
            }
            let r = f.reference(&xw[..n]);
            let st = &mut stats[fi];
            for i in 0..n {
                let e = half_ulp_error(want[i], r[i]);
                assert!(
                    e <= 1.0,
                    "{} {} {name}: element {i} (x = {:e}) = {:?}, exact {:e}: {e:.3} ULP",
                    label(f),
                    T::NAME,
                    xw[i],
                    want[i],
                    r[i]
                );
                st.max_ulp = st.max_ulp.max(e);
                st.count += 1;
                if !r[i].is_nan() && (want[i].to_f32() as f64) != round_exact::<T>(r[i]) {
                    st.not_cr += 1;
                }
            }
        }
    }
    fs.iter().map(|&f| label(f)).zip(stats).collect()
}

fn report<T: Half>(stats: &[(String, Stats)]) {
    for (name, s) in stats {
        eprintln!(
            "{} {name}: max {:.6} half-ULP, {} of {} not correctly rounded",
            T::NAME,
            s.max_ulp,
            s.not_cr,
            s.count
        );
    }
}

#[test]
fn bf16_forward_is_rounded_f32_and_within_1_ulp() {
    report::<bf16>(&check_forward::<bf16>(1e30));
}

#[test]
fn f16_forward_is_rounded_f32_and_within_1_ulp() {
    report::<f16>(&check_forward::<f16>(6e4));
}

/// Every length and offset (misaligned by any number of elements), several rows, guard values
/// on both sides of the output; in place equals out of place.
fn lengths_and_offsets<T: Half>() {
    let mut r = Rng(11);
    let buf: Vec<T> = (0..400)
        .map(|_| T::from_f32((r.normal() * 6.0) as f32))
        .collect();
    let guard = T::from_f32(-7.0);
    for isa in Isa::available() {
        for f in functions() {
            for off in 0..5 {
                for n in (1..=40).chain([47, 63, 64, 65, 100]) {
                    for rows in [1, 3] {
                        let x = &buf[off..off + n * rows];
                        let mut yf = vec![0.0f32; n * rows];
                        f.forward_on(Isa::Scalar, &widen(x), &mut yf, n);
                        let want: Vec<T> = narrow(&yf);
                        let mut out = vec![guard; n * rows + 2 + off];
                        f.forward_on(isa, x, &mut out[1 + off..1 + off + n * rows], n);
                        assert_eq!(out[off], guard);
                        assert_eq!(out[1 + off + n * rows], guard);
                        let mut ip = buf.clone();
                        f.forward_in_place_on(isa, &mut ip[off..off + n * rows], n);
                        assert!(
                            ip[..off] == buf[..off]
                                && ip[off + n * rows..] == buf[off + n * rows..]
                        );
                        for i in 0..n * rows {
                            assert!(
                                same(out[1 + off + i], want[i]) && same(ip[off + i], want[i]),
                                "{} {} {isa} off={off} n={n} rows={rows} i={i}",
                                label(f),
                                T::NAME
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn every_length_and_offset() {
    lengths_and_offsets::<bf16>();
    lengths_and_offsets::<f16>();
}

/// The documented special rows, spelled out.
fn special_rows<T: Half>() {
    let h = |v: f32| T::from_f32(v);
    let inf = f32::INFINITY;
    for isa in Isa::available() {
        let mut y = [h(9.0); 3];
        for f in functions() {
            let s = if f.name() == "softmin" { -1.0 } else { 1.0 };
            // NaN or the poisoning infinity: all NaN, whatever the masked policy.
            for row in [[1.0, f32::NAN, 2.0], [1.0, s * inf, 2.0]] {
                f.forward_on(isa, &row.map(h), &mut y, 3);
                assert!(
                    y.iter().all(|v| v.to_f32().is_nan()),
                    "{} {row:?}",
                    label(f)
                );
            }
            // Fully masked: NaN or zeros by policy.
            f.forward_on(isa, &[-s * inf; 3].map(h), &mut y, 3);
            let zero = f == f.masked_rows(MaskedRows::Zero);
            if zero {
                assert!(
                    y.iter().all(|v| v.bits() == 0),
                    "{} masked: {y:?}",
                    label(f)
                );
            } else {
                assert!(y.iter().all(|v| v.to_f32().is_nan()), "{}", label(f));
            }
        }
        // Partially masked rows are ordinary.
        Softmax::new().forward_on(isa, &[-inf, 0.0, 0.0].map(h), &mut y, 3);
        assert_eq!(y, [0.0, 0.5, 0.5].map(h));
        LogSoftmax::new().forward_on(isa, &[-inf, 0.0, 0.0].map(h), &mut y, 3);
        assert_eq!(
            y,
            [-inf, -core::f32::consts::LN_2, -core::f32::consts::LN_2].map(h)
        );
        // A masked row zeroed by policy has zero gradients.
        let mut dx = [h(9.0); 4];
        for f in [
            RowFunction::from(Softmax::new()),
            RowFunction::from(LogSoftmax::new()),
        ] {
            f.backward_from_output_on(isa, &[h(0.0); 4], &[1.0, -2.0, 3.0, 0.5].map(h), &mut dx, 4);
            assert!(dx.iter().all(|v| v.to_f32() == 0.0), "{}", label(f));
        }
    }
    // Empty input with any row length, and row_len 0 with no data.
    Softmax::new().forward::<T>(&[], &mut [], 5);
    Softmax::new().forward_in_place::<T>(&mut [], 0);
    Softmax::new().backward_from_output::<T>(&[], &[], &mut [], 3);
}

#[test]
fn special_rows_follow_the_policy() {
    special_rows::<bf16>();
    special_rows::<f16>();
}

/// Backward: the f32 backward on the widened `y` and `dy`, rounded once, on every ISA.
fn backward<T: Half>() {
    let mut r = Rng(99);
    let isas: Vec<Isa> = Isa::available().collect();
    let lens: Vec<usize> = (1..=300).chain([1000, 4097, 20_000]).collect();
    for &n in &lens {
        let x: Vec<T> = (0..2 * n)
            .map(|_| T::from_f32((r.normal() * 3.0) as f32))
            .collect();
        let dy: Vec<T> = (0..2 * n).map(|_| T::from_f32(r.normal() as f32)).collect();
        for f in functions() {
            let mut y = vec![T::from_f32(0.0); 2 * n];
            f.forward(&x, &mut y, n);
            let mut bf = vec![0.0f32; 2 * n];
            f.backward_from_output_on(Isa::Scalar, &widen(&y), &widen(&dy), &mut bf, n);
            let want: Vec<T> = narrow(&bf);
            for &isa in &isas {
                let mut got = vec![T::from_f32(-7.0); 2 * n];
                f.backward_from_output_on(isa, &y, &dy, &mut got, n);
                for i in 0..2 * n {
                    assert!(
                        same(got[i], want[i]),
                        "{} {} backward {isa} n={n} i={i}: {:?}, expected {:?}",
                        label(f),
                        T::NAME,
                        got[i],
                        want[i]
                    );
                }
            }
            // The formula on the given (widened) values, exactly: the only roundings are the
            // f32 kernel's (of the sum, of `dy - s`, the last one; see tests/rowwise.rs) and
            // the final rounding into T.
            let (yd, gd): (Vec<f64>, Vec<f64>) = (
                y[..n].iter().map(|v| v.to_f32() as f64).collect(),
                dy[..n].iter().map(|v| v.to_f32() as f64).collect(),
            );
            let log = f.name() == "log_softmax";
            let masked_zero = n > 1 && yd.iter().all(|&v| v == 0.0);
            let s: f64 = if log {
                gd.iter().sum()
            } else {
                yd.iter().zip(&gd).map(|(a, b)| a * b).sum()
            };
            for i in 0..n {
                let (exact, slack) = if log {
                    let e = yd[i].exp();
                    let exact = if masked_zero { 0.0 } else { gd[i] - e * s };
                    (exact, (e * s).abs() * 2.0 * EPS + f32_ulp_at(s) * e)
                } else {
                    let v = yd[i] * (gd[i] - s);
                    let sl = yd[i].abs() * (f32_ulp_at(s) + f32_ulp_at(gd[i] - s));
                    (if f.name() == "softmin" { -v } else { v }, sl)
                };
                let got = want[i].to_f32() as f64;
                let err = (got - exact).abs();
                assert!(
                    err <= slack + 2.0 * f32_ulp_at(exact) + ulp_at::<T>(exact),
                    "{} {} backward n={n} i={i}: {got:e} vs exact {exact:e} (slack {slack:e})",
                    label(f),
                    T::NAME
                );
            }
        }
    }
}

const EPS: f64 = f32::EPSILON as f64;

#[test]
fn backward_is_rounded_f32_backward() {
    backward::<bf16>();
    backward::<f16>();
}

#[test]
fn f32_through_the_generic_api_is_the_f32_api() {
    let mut r = Rng(3);
    for n in [1usize, 7, 16, 33, 300] {
        let x: Vec<f32> = (0..3 * n).map(|_| r.f()).collect();
        let dy: Vec<f32> = (0..3 * n).map(|_| r.normal() as f32).collect();
        for f in functions() {
            for isa in Isa::available() {
                let (mut a, mut b) = (vec![0.0f32; 3 * n], vec![0.0f32; 3 * n]);
                f.forward_on(isa, &x, &mut a, n);
                f.forward_on(isa, &x, &mut b, n);
                assert!(a.iter().zip(&b).all(|(p, q)| same_result(*p, *q)));
                let mut ip = x.clone();
                f.forward_in_place_on(isa, &mut ip, n);
                assert!(a.iter().zip(&ip).all(|(p, q)| same_result(*p, *q)));
                let (mut da, mut db) = (vec![0.0f32; 3 * n], vec![0.0f32; 3 * n]);
                f.backward_from_output_on(isa, &a, &dy, &mut da, n);
                f.backward_from_output_on(isa, &a, &dy, &mut db, n);
                assert!(da.iter().zip(&db).all(|(p, q)| same_result(*p, *q)));
            }
        }
    }
}

#[test]
fn every_half_bit_pattern_in_a_row() {
    // All 2^16 values of each type as rows of 256: exercises every widening (subnormals,
    // infinities, NaN payloads) through the row kernels.
    fn run<T: Half>() {
        let x: Vec<T> = (0..=u16::MAX).map(T::from_bits).collect();
        let xw = widen(&x);
        for f in functions() {
            let mut yf = vec![0.0f32; x.len()];
            f.forward_on(Isa::Scalar, &xw, &mut yf, 256);
            let want: Vec<T> = narrow(&yf);
            for isa in Isa::available() {
                let mut y = vec![T::from_f32(0.0); x.len()];
                f.forward_on(isa, &x, &mut y, 256);
                assert!(
                    y.iter().zip(&want).all(|(a, b)| same(*a, *b)),
                    "{} {} {isa}",
                    label(f),
                    T::NAME
                );
            }
        }
    }
    run::<bf16>();
    run::<f16>();
}

#[test]
#[should_panic(expected = "not a whole number of rows")]
fn ragged_rows_panic() {
    Softmax::new().forward(&[bf16::ZERO; 5], &mut [bf16::ZERO; 5], 2);
}

#[test]
#[should_panic(expected = "length mismatch")]
fn length_mismatch_panics() {
    LogSoftmax::new().forward(&[f16::ZERO; 4], &mut [f16::ZERO; 6], 2);
}

#[test]
#[should_panic(expected = "length mismatch")]
fn backward_length_mismatch_panics() {
    Softmin::new().backward_from_output(&[f16::ZERO; 4], &[f16::ZERO; 2], &mut [f16::ZERO; 4], 2);
}
