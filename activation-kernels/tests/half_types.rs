//! bf16 and f16 slices (`activation_kernels::element`): every built-in activation on all 2^16
//! inputs of each type, forward and derivative, on every ISA.
//!
//! For each activation and type this checks
//! * every available ISA gives the scalar path's bits (NaN ≡ NaN) for forward, forward in place,
//!   derivative, forward_with_derivative, backward and backward in place;
//! * each half result is the `half` crate's round-to-nearest-even of the f32 API's result on
//!   the widened input (so the half path is "f32 kernel, then one correct rounding");
//! * against the exact value (the f64 reference, correctly rounded into the half type here):
//!   at most 1 ULP of the half type, NaN → NaN, ±inf → the limits; derivatives where the f32
//!   kernel is only accurate absolutely (`ActivationInfo::derivative_abs`, near interior zeros
//!   of f') are accepted within `derivative_abs + 1 ULP of the half type`.
//!
//! It prints, per activation and type, the max error in half ULPs and how many of the 2^16
//! results are not the correctly rounded exact value.

use activation_kernels::activations::*;
use activation_kernels::element::Element;
use activation_kernels::element::half::{bf16, f16};
use activation_kernels::kernel::{BinaryKernel, UnaryKernel};
use activation_kernels::pulp::Simd;
use activation_kernels::{Activation, Isa, registry};

/// What the tests need of a half type.
trait Half: Element<Compute = f32> + core::fmt::Debug + PartialEq {
    const NAME: &'static str;
    /// Explicit mantissa bits.
    const MANT: i32;
    /// Exponent of the smallest normal.
    const EMIN: i32;
    fn from_bits(b: u16) -> Self;
    fn to_bits(self) -> u16;
    fn to_f32(self) -> f32;
    /// The `half` crate's f32 → half conversion (round to nearest even).
    fn from_f32(x: f32) -> Self;
    fn max_finite() -> f64;
    fn zero() -> Self;
}

impl Half for bf16 {
    const NAME: &'static str = "bf16";
    const MANT: i32 = 7;
    const EMIN: i32 = -126;
    fn from_bits(b: u16) -> Self {
        bf16::from_bits(b)
    }
    fn to_bits(self) -> u16 {
        bf16::to_bits(self)
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
    fn zero() -> Self {
        bf16::ZERO
    }
}

impl Half for f16 {
    const NAME: &'static str = "f16";
    const MANT: i32 = 10;
    const EMIN: i32 = -14;
    fn from_bits(b: u16) -> Self {
        f16::from_bits(b)
    }
    fn to_bits(self) -> u16 {
        f16::to_bits(self)
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
    fn zero() -> Self {
        f16::ZERO
    }
}

fn same<T: Half>(a: T, b: T) -> bool {
    a.to_bits() == b.to_bits() || (a.to_f32().is_nan() && b.to_f32().is_nan())
}

/// The ULP of `T` at the magnitude of `r` (binade of `r`, clamped to the subnormal spacing).
fn ulp_at<T: Half>(r: f64) -> f64 {
    let a = r.abs();
    let e = if a == 0.0 || a < 2f64.powi(T::EMIN) {
        T::EMIN
    } else {
        ((a.to_bits() >> 52) as i32 - 1023).max(T::EMIN)
    };
    2f64.powi(e - T::MANT)
}

/// `r` correctly rounded (to nearest, ties to even) into `T`, as f64 (`±inf` on overflow).
fn round_exact<T: Half>(r: f64) -> f64 {
    if !r.is_finite() {
        return r;
    }
    let q = ulp_at::<T>(r);
    let v = (r / q).round_ties_even() * q; // exact: q is a power of two
    if v.abs() > T::max_finite() {
        f64::INFINITY.copysign(r)
    } else {
        v
    }
}

/// Error of `y` against the exact `r` in ULPs of `T` (0 for a correctly rounded overflow or a
/// matching infinity, `inf` for NaN mismatches).
fn half_ulp_error<T: Half>(y: T, r: f64) -> f64 {
    let yv = y.to_f32() as f64;
    if yv.is_nan() || r.is_nan() {
        return if yv.is_nan() && r.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if yv.is_infinite() || r.is_infinite() {
        return if yv == round_exact::<T>(r) {
            0.0
        } else {
            f64::INFINITY
        };
    }
    (yv - r).abs() / ulp_at::<T>(r)
}

/// The limit at ±inf (the reference there, or far out when it is indeterminate).
fn limit(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let r = f(x);
    if r.is_nan() { f(x.signum() * 1e300) } else { r }
}

#[derive(Default, Debug)]
struct Stats {
    max_ulp: f64,
    worst: f32,
    not_cr: usize,
    abs_accepted: usize,
}

const DY: [f32; 4] = [1.0, -0.75, 3.5, 1e-3];

/// Everything for one activation and one half type; returns (forward, derivative) stats.
fn check_type<A: Activation, T: Half>(a: &A, fails: &mut Vec<String>) -> (Stats, Stats) {
    let name = a.info().name;
    let mut push = |m: String| {
        if fails.len() < 40 {
            fails.push(format!("{name} {}: {m}", T::NAME))
        }
    };
    let n = 1usize << 16;
    let xs: Vec<T> = (0..n).map(|i| T::from_bits(i as u16)).collect();
    let dy: Vec<T> = (0..n)
        .map(|i| T::from_f32(DY[(i * 7 + i / 3) % 4]))
        .collect();
    let z = || vec![T::zero(); n];

    // Scalar reference results.
    let (mut y0, mut d0, mut b0) = (z(), z(), z());
    a.forward_on(Isa::Scalar, &xs, &mut y0);
    a.derivative_on(Isa::Scalar, &xs, &mut d0);
    a.backward_on(Isa::Scalar, &xs, &dy, &mut b0);

    // The f32 API on the widened inputs, rounded by the half crate.
    let xf: Vec<f32> = xs.iter().map(|v| v.to_f32()).collect();
    let dyf: Vec<f32> = dy.iter().map(|v| v.to_f32()).collect();
    let (mut yf, mut df, mut bf, mut ywf, mut dwf) = (
        vec![0f32; n],
        vec![0f32; n],
        vec![0f32; n],
        vec![0f32; n],
        vec![0f32; n],
    );
    a.forward_on(Isa::Scalar, &xf, &mut yf);
    a.derivative_on(Isa::Scalar, &xf, &mut df);
    a.backward_on(Isa::Scalar, &xf, &dyf, &mut bf);
    a.forward_with_derivative_on(Isa::Scalar, &xf, &mut ywf, &mut dwf);

    for isa in Isa::available() {
        let (mut y, mut d, mut yb, mut db, mut b) = (z(), z(), z(), z(), z());
        a.forward_on(isa, &xs, &mut y);
        a.derivative_on(isa, &xs, &mut d);
        a.forward_with_derivative_on(isa, &xs, &mut yb, &mut db);
        a.backward_on(isa, &xs, &dy, &mut b);
        let mut ip = xs.clone();
        a.forward_in_place_on(isa, &mut ip);
        let mut g = dy.clone();
        a.backward_in_place_on(isa, &xs, &mut g);
        for i in 0..n {
            let checks = [
                ("forward", y[i], y0[i]),
                ("forward_in_place", ip[i], y0[i]),
                ("derivative", d[i], d0[i]),
                ("backward", b[i], b0[i]),
                ("backward_in_place", g[i], b0[i]),
                (
                    "forward_with_derivative (value)",
                    yb[i],
                    T::from_f32(ywf[i]),
                ),
                (
                    "forward_with_derivative (derivative)",
                    db[i],
                    T::from_f32(dwf[i]),
                ),
            ];
            for (what, got, want) in checks {
                if !same(got, want) {
                    push(format!(
                        "{what}({:e}) on {isa}: {got:?}, expected {want:?}",
                        xf[i]
                    ));
                }
            }
        }
    }
    for i in 0..n {
        for (what, got, f) in [
            ("forward", y0[i], yf[i]),
            ("derivative", d0[i], df[i]),
            ("backward", b0[i], bf[i]),
        ] {
            if !same(got, T::from_f32(f)) {
                push(format!(
                    "{what}({:e}) = {got:?}, but the f32 result {f:e} rounds to {:?}",
                    xf[i],
                    T::from_f32(f)
                ));
            }
        }
    }

    // Accuracy against the exact value.
    let info = a.info();
    let (mut fs, mut ds) = (Stats::default(), Stats::default());
    for i in 0..n {
        let x = xf[i];
        if x.is_nan() {
            for (what, v) in [
                ("forward", y0[i]),
                ("derivative", d0[i]),
                ("backward", b0[i]),
            ] {
                if !v.to_f32().is_nan() {
                    push(format!("{what}(NaN) = {v:?}, expected NaN"));
                }
            }
            continue;
        }
        let (rf, rd) = if x.is_infinite() {
            (
                limit(|t| a.forward_reference(t), x as f64),
                limit(|t| a.derivative_reference(t), x as f64),
            )
        } else {
            (
                a.forward_reference(x as f64),
                a.derivative_reference(x as f64),
            )
        };
        for (what, got, r, st, is_d) in [
            ("forward", y0[i], rf, &mut fs, false),
            ("derivative", d0[i], rd, &mut ds, true),
        ] {
            let e = half_ulp_error::<T>(got, r);
            let g = got.to_f32() as f64;
            let cr = round_exact::<T>(r);
            if !(g == cr || (g.is_nan() && cr.is_nan())) {
                st.not_cr += 1;
            }
            if e > 1.0 {
                let abs_ok = is_d
                    && info.derivative_abs > 0.0
                    && g.is_finite()
                    && (g - r).abs() <= info.derivative_abs + ulp_at::<T>(r);
                if abs_ok {
                    st.abs_accepted += 1;
                    continue;
                }
                push(format!(
                    "{what}({x:e}) = {got:?}: {e:.3} ULP from exact {r:e}"
                ));
            }
            if e > st.max_ulp {
                st.max_ulp = e;
                st.worst = x;
            }
        }
    }
    (fs, ds)
}

fn check_all<A: Activation>(a: A, fails: &mut Vec<String>, seen: &mut Vec<&'static str>) {
    seen.push(a.info().name);
    let (bf, bd) = check_type::<A, bf16>(&a, fails);
    let (hf, hd) = check_type::<A, f16>(&a, fails);
    let row = |t: &str, f: &Stats, d: &Stats| {
        println!(
            "{:<14} {t:<5} fwd max {:.3} ULP (x = {:e}), {:>4} not CR | deriv max {:.3} ULP (x = {:e}), {:>4} not CR, {} by abs",
            a.info().name,
            f.max_ulp,
            f.worst,
            f.not_cr,
            d.max_ulp,
            d.worst,
            d.not_cr,
            d.abs_accepted
        )
    };
    row("bf16", &bf, &bd);
    row("f16", &hf, &hd);
}

/// Every built-in of the registry, with its default parameters.
#[test]
fn every_activation_all_inputs_every_isa() {
    let mut fails = Vec::new();
    let mut seen = Vec::new();
    let f = &mut fails;
    let s = &mut seen;
    check_all(Relu, f, s);
    check_all(LeakyRelu::default(), f, s);
    check_all(Relu6, f, s);
    check_all(Hardtanh::default(), f, s);
    check_all(Elu::default(), f, s);
    check_all(Selu, f, s);
    check_all(Sigmoid, f, s);
    check_all(HardSigmoid::default(), f, s);
    check_all(Swish::default(), f, s);
    check_all(Gelu, f, s);
    check_all(GeluTanh, f, s);
    check_all(Mish, f, s);
    check_all(HardSwish, f, s);
    check_all(Softplus::default(), f, s);
    check_all(Softsign, f, s);
    check_all(Tanh, f, s);
    check_all(Linear, f, s);
    check_all(Exponential, f, s);
    check_all(Tanhshrink, f, s);
    check_all(GeneralRelu::default(), f, s);
    for a in registry::ALL {
        assert!(
            seen.contains(&a.info().name),
            "registry activation `{}` is not covered by the half-type test",
            a.info().name
        );
    }
    assert!(
        fails.is_empty(),
        "{} failure(s):\n  {}",
        fails.len(),
        fails.join("\n  ")
    );
}

/// A few parameterised activations away from their defaults.
#[test]
fn non_default_parameters() {
    let mut fails = Vec::new();
    let mut seen = Vec::new();
    check_all(Elu::new(0.3).unwrap(), &mut fails, &mut seen);
    check_all(LeakyRelu::new(0.2).unwrap(), &mut fails, &mut seen);
    // beta < 1: with beta > 1 the f32 kernel itself overflows (beta·x) for x > f32::MAX / beta.
    check_all(Softplus::new(0.5).unwrap(), &mut fails, &mut seen);
    check_all(
        GeneralRelu::new(0.1, 6.0, 0.5).unwrap(),
        &mut fails,
        &mut seen,
    );
    assert!(fails.is_empty(), "{}", fails.join("\n  "));
}

/// `x · c` for a constant: exercises the f32 → half rounding on products with many ties.
#[derive(Copy, Clone)]
struct Scale(f32);
impl UnaryKernel for Scale {
    #[inline(always)]
    fn apply<S: Simd>(self, simd: S, x: S::f32s) -> S::f32s {
        simd.mul_f32s(x, simd.splat_f32s(self.0))
    }
}

/// A constant output (any f32 through the rounding).
#[derive(Copy, Clone)]
struct Const(f32);
impl UnaryKernel for Const {
    #[inline(always)]
    fn apply<S: Simd>(self, simd: S, _x: S::f32s) -> S::f32s {
        simd.splat_f32s(self.0)
    }
}

/// bf16 `a` gives the upper, bf16 `b` the lower 16 bits of an f32 result: every f32 pattern.
#[derive(Copy, Clone)]
struct Join;
impl BinaryKernel for Join {
    #[inline(always)]
    fn apply<S: Simd>(self, simd: S, a: S::f32s, b: S::f32s) -> S::f32s {
        let lo = simd.wrapping_dyn_shr_u32s(simd.transmute_u32s_f32s(b), simd.splat_u32s(16));
        simd.transmute_f32s_u32s(simd.or_u32s(simd.transmute_u32s_f32s(a), lo))
    }
}

fn conversions<T: Half>() {
    let n = 1usize << 16;
    let xs: Vec<T> = (0..n).map(|i| T::from_bits(i as u16)).collect();
    for isa in Isa::available() {
        // Widening is exact and narrowing an exact value is the identity; NaNs come out with
        // the same bits on every ISA.
        let mut y = vec![T::zero(); n];
        Linear.forward_on(isa, &xs, &mut y);
        let mut y_scalar = vec![T::zero(); n];
        Linear.forward_on(Isa::Scalar, &xs, &mut y_scalar);
        for i in 0..n {
            assert_eq!(
                y[i].to_bits(),
                y_scalar[i].to_bits(),
                "{} {isa}: {:?}",
                T::NAME,
                xs[i]
            );
        }
        for i in 0..n {
            assert!(
                same(y[i], xs[i]),
                "{} {isa}: {:?} -> {:?}",
                T::NAME,
                xs[i],
                y[i]
            );
        }
        // Products with ties, subnormal results and overflow, against the half crate.
        for c in [
            1.0 + 2f32.powi(-8),
            1.0 + 2f32.powi(-11),
            1.0 + 2f32.powi(-12) + 2f32.powi(-20),
            1.0 - 2f32.powi(-24),
            1.0 / 3.0,
            3.0,
            2f32.powi(-20) * 1.5,
            2f32.powi(-10),
            2f32.powi(10) + 1.0,
            2f32.powi(100),
            2f32.powi(-100) * 1.25,
        ] {
            T::map_on(isa, Scale(c), &xs, &mut y);
            for i in 0..n {
                let want = T::from_f32(xs[i].to_f32() * c);
                assert!(
                    same(y[i], want),
                    "{} {isa}: {:e} * {c:e} -> {:?}, expected {want:?}",
                    T::NAME,
                    xs[i].to_f32(),
                    y[i]
                );
            }
        }
        // Strided f32 patterns plus the boundaries, one constant at a time (length 37 covers
        // the vector body and the tail).
        let mut specials: Vec<f32> = (0..65_536u64)
            .map(|i| f32::from_bits((i * 65_537) as u32))
            .collect();
        for m in [
            65504.0f32,
            65520.0,
            65536.0,
            6.1e-5,
            2f32.powi(-24),
            2f32.powi(-25),
        ] {
            for d in -3i32..=3 {
                let b = (m.to_bits() as i32 + d) as u32;
                specials.push(f32::from_bits(b));
                specials.push(-f32::from_bits(b));
            }
        }
        specials.extend([f32::MAX, f32::INFINITY, f32::NAN, -f32::NAN, 3e38, 1e-45]);
        // NaNs with payloads (signaling and quiet): the payload's upper bits survive, as in the
        // `half` crate and the CPUs' conversion instructions.
        specials
            .extend([0x7F80_1234u32, 0xFFC1_2345, 0x7FA0_0000, 0xFF80_2000].map(f32::from_bits));
        let x37 = &xs[..37];
        let mut y37 = vec![T::zero(); 37];
        for &c in &specials {
            T::map_on(isa, Const(c), x37, &mut y37);
            let want = T::from_f32(c);
            for v in &y37 {
                assert!(
                    same(*v, want),
                    "{} {isa}: {c:e} ({:#x}) -> {v:?}, expected {want:?}",
                    T::NAME,
                    c.to_bits()
                );
            }
            if c.is_nan() {
                // Exactly the `half` crate's NaN (sign, quiet bit, upper payload), on every ISA.
                for v in &y37 {
                    assert_eq!(
                        v.to_bits(),
                        want.to_bits(),
                        "{} {isa}: NaN {:#x}",
                        T::NAME,
                        c.to_bits()
                    );
                }
            }
        }
    }
}

#[test]
fn conversions_bf16() {
    conversions::<bf16>();
    // Every f32 with the upper half from all 2^16 patterns and 16 lower halves.
    let n = 1usize << 16;
    let hi: Vec<bf16> = (0..n).map(|i| bf16::from_bits(i as u16)).collect();
    for isa in Isa::available() {
        for lo in [
            0u16, 1, 0x7FFF, 0x8000, 0x8001, 0xFFFF, 0x4000, 0xC000, 0x1234, 0xBEEF, 0x7FFE,
            0x0100, 0xFF00, 0x8002, 0x3FFF, 0x5555,
        ] {
            let l = vec![bf16::from_bits(lo); n];
            let mut y = vec![bf16::ZERO; n];
            bf16::zip_on(isa, Join, &hi, &l, &mut y);
            for (i, &got) in y.iter().enumerate() {
                let f = f32::from_bits(((i as u32) << 16) | lo as u32);
                let want = bf16::from_f32(f);
                assert!(
                    same(got, want),
                    "bf16 {isa}: {f:e} ({:#x}) -> {got:?}, expected {want:?}",
                    f.to_bits()
                );
            }
        }
    }
}

#[test]
fn conversions_f16() {
    conversions::<f16>();
}

/// Every length 0..=70 and offset 0..3 (vector body + tail), all entry points, on every ISA:
/// the same bits as element-by-element calls, and nothing outside the output slice written.
#[test]
fn lengths_and_offsets() {
    fn run<T: Half>() {
        let xs: Vec<T> = (0..80)
            .map(|i| T::from_f32((i as f32 - 37.0) * 0.173))
            .collect();
        let dys: Vec<T> = (0..80).map(|i| T::from_f32(DY[i % 4])).collect();
        let guard = T::from_f32(1234.0);
        for isa in Isa::available() {
            for off in 0..3 {
                for len in 0..=70 {
                    let x = &xs[off..off + len];
                    let dy = &dys[off..off + len];
                    let mut y = vec![guard; len + 4];
                    let mut d = vec![guard; len + 4];
                    let mut b = vec![guard; len + 4];
                    Swish::default().forward_on(isa, x, &mut y[2..2 + len]);
                    Swish::default().derivative_on(isa, x, &mut d[2..2 + len]);
                    Swish::default().backward_on(isa, x, dy, &mut b[2..2 + len]);
                    for v in [&y, &d, &b] {
                        assert!(same(v[0], guard) && same(v[1], guard));
                        assert!(same(v[len + 2], guard) && same(v[len + 3], guard));
                    }
                    for i in 0..len {
                        let mut one = [T::zero()];
                        Swish::default().forward_on(Isa::Scalar, &x[i..i + 1], &mut one);
                        assert!(same(y[2 + i], one[0]), "{} {isa} len {len}", T::NAME);
                        Swish::default().derivative_on(Isa::Scalar, &x[i..i + 1], &mut one);
                        assert!(same(d[2 + i], one[0]), "{} {isa} len {len}", T::NAME);
                        Swish::default().backward_on(
                            Isa::Scalar,
                            &x[i..i + 1],
                            &dy[i..i + 1],
                            &mut one,
                        );
                        assert!(same(b[2 + i], one[0]), "{} {isa} len {len}", T::NAME);
                    }
                }
            }
        }
    }
    run::<bf16>();
    run::<f16>();
}

/// On f32 the generic API is the f32 API.
#[test]
fn f32_is_the_f32_api() {
    let x: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) * 0.037).collect();
    let (mut a, mut b) = (vec![0f32; 1000], vec![0f32; 1000]);
    Gelu.forward(&x, &mut a);
    Gelu.forward(&x, &mut b);
    assert_eq!(a, b);
    Gelu.derivative(&x, &mut a);
    Gelu.derivative(&x, &mut b);
    assert_eq!(a, b);
}

#[test]
#[should_panic(expected = "length mismatch")]
fn length_mismatch_panics() {
    let x = [bf16::ZERO; 3];
    let mut y = [bf16::ZERO; 2];
    Relu.forward(&x, &mut y);
}

/// Throughput at 4096 elements: bf16 and f16 sigmoid next to f32 sigmoid, same run, best ISA.
/// `cargo test --release -p activation-kernels --test half_types -- --ignored --nocapture`
#[test]
#[ignore]
fn throughput_4096() {
    use std::time::Instant;
    const N: usize = 4096;
    let xf: Vec<f32> = (0..N).map(|i| (i as f32 / N as f32 - 0.5) * 16.0).collect();
    let xb: Vec<bf16> = xf.iter().map(|&v| bf16::from_f32(v)).collect();
    let xh: Vec<f16> = xf.iter().map(|&v| f16::from_f32(v)).collect();
    let (mut yf, mut yb, mut yh) = (vec![0f32; N], vec![bf16::ZERO; N], vec![f16::ZERO; N]);
    fn best_of(mut f: impl FnMut()) -> f64 {
        let mut best = f64::INFINITY;
        for _ in 0..15 {
            let t = Instant::now();
            for _ in 0..200 {
                f();
            }
            best = best.min(t.elapsed().as_secs_f64() / 200.0);
        }
        N as f64 / (best * 1e9)
    }
    println!("ISA {}", Isa::best());
    for _ in 0..2 {
        let f = best_of(|| Sigmoid.forward(std::hint::black_box(&xf), &mut yf));
        let b = best_of(|| Sigmoid.forward(std::hint::black_box(&xb), &mut yb));
        let h = best_of(|| Sigmoid.forward(std::hint::black_box(&xh), &mut yh));
        let r = best_of(|| Relu.forward(std::hint::black_box(&xf), &mut yf));
        let rb = best_of(|| Relu.forward(std::hint::black_box(&xb), &mut yb));
        let rh = best_of(|| Relu.forward(std::hint::black_box(&xh), &mut yh));
        println!(
            "sigmoid n=4096: f32 {f:.2}, bf16 {b:.2}, f16 {h:.2} elem/ns | relu: f32 {r:.2}, bf16 {rb:.2}, f16 {rh:.2} elem/ns"
        );
    }
}
