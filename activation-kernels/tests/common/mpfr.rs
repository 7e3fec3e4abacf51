//! MPFR references (through `rug`) for the f64 math core tests, x86_64 only.
//!
//! Include it from a test file with
//!
//! ```text
//! #[cfg(target_arch = "x86_64")]
//! #[path = "common/mpfr.rs"]
//! mod mpfr;
//! ```
//!
//! Every reference is computed at [`PREC`] bits with MPFR's correctly rounded primitives, in a
//! form without cancellation (`expm1`, `ln1p` are MPFR's own; `softplus` is `ln1p(e^x)` or
//! `x + ln1p(e^-x)`; `sigmoid` puts the exponential of `-|x|` in the denominator), so each
//! `rug::Float` is the exact value to about 250 bits, and the `*_cr` variants round it once to
//! the nearest f64 (subnormals and overflow included).
//!
//! [`ulp_error`] measures an f64 result against such a value in f64 ULPs of the exact value.
#![cfg(all(target_arch = "x86_64", feature = "mpfr"))]
#![allow(dead_code)] // each test file uses a different subset

use rug::Float;
use rug::float::{Constant, Special};
use rug::ops::NegAssign;

/// Working precision of the references, in bits.
pub const PREC: u32 = 256;

fn f(x: f64) -> Float {
    Float::with_val(PREC, x)
}

/// `e^x`.
pub fn exp(x: f64) -> Float {
    f(x).exp()
}

/// `m · e^x` (the reference exponential times `m`, exactly). A zero or infinite `m` gives `m`
/// for every non-NaN `x` (MPFR's own `e^x` over- or underflows for huge `|x|`, which would make
/// `0·inf` or `inf·0` NaN); so the indeterminate forms take the convention of `math::mul_exp`
/// and `math64::mul_exp`: `0·e^(+inf)` is `0` and `±inf·e^(-inf)` is `±inf`.
pub fn mul_exp(m: f64, x: f64) -> Float {
    if !x.is_nan() && (m == 0.0 || m.is_infinite()) {
        return f(m);
    }
    f(x).exp() * m
}

/// `e^x - 1` (MPFR `expm1`).
pub fn expm1(x: f64) -> Float {
    f(x).exp_m1()
}

/// `ln x` (NaN below 0, `-inf` at ±0).
pub fn ln(x: f64) -> Float {
    f(x).ln()
}

/// `ln(1 + x)` (MPFR `log1p`).
pub fn ln1p(x: f64) -> Float {
    f(x).ln_1p()
}

/// `tanh x`.
pub fn tanh(x: f64) -> Float {
    f(x).tanh()
}

/// `1 / (1 + e^-x)`, as `1/(1 + e^-x)` for `x ≥ 0` and `e^x/(1 + e^x)` below (no overflow).
pub fn sigmoid(x: f64) -> Float {
    if x.is_nan() {
        return f(x);
    }
    if x >= 0.0 {
        let d = f(-x).exp() + 1u32;
        d.recip()
    } else {
        let e = f(x).exp();
        let d = Float::with_val(PREC, &e + 1u32);
        e / d
    }
}

/// `erf x`.
pub fn erf(x: f64) -> Float {
    f(x).erf()
}

/// `erfc x = 1 - erf x` (MPFR `erfc`, accurate in the far right tail).
pub fn erfc(x: f64) -> Float {
    f(x).erfc()
}

/// `ln(1 + e^x)`: `ln1p(e^x)` for `x ≤ 0`, `x + ln1p(e^-x)` above (no overflow of `e^x`).
pub fn softplus(x: f64) -> Float {
    if x.is_nan() {
        return f(x);
    }
    if x > 0.0 {
        f(-x).exp().ln_1p() + x
    } else {
        f(x).exp().ln_1p()
    }
}

/// `x / (1 + |x|)` (`±1` at `±inf`).
pub fn softsign(x: f64) -> Float {
    if x.is_infinite() {
        return f(x.signum());
    }
    let d = f(x.abs()) + 1u32;
    f(x) / d
}

/// The f64 nearest to `r` (ties to even; subnormal results and overflow to `±inf` included).
pub fn round(r: &Float) -> f64 {
    r.to_f64()
}

macro_rules! rounded {
    ($($name:ident => $exact:ident),* $(,)?) => {$(
        #[doc = concat!("[`", stringify!($exact), "`] correctly rounded to f64.")]
        pub fn $name(x: f64) -> f64 {
            round(&$exact(x))
        }
    )*};
}
rounded!(
    exp_cr => exp,
    expm1_cr => expm1,
    ln_cr => ln,
    ln1p_cr => ln1p,
    tanh_cr => tanh,
    sigmoid_cr => sigmoid,
    erf_cr => erf,
    erfc_cr => erfc,
    softplus_cr => softplus,
    softsign_cr => softsign,
);

/// `2^k` at working precision.
fn pow2(k: i32) -> Float {
    Float::with_val(PREC, 1u32) << k
}

/// The f64 ULP at the magnitude of the exact value `r`: `2^(e-52)` where `2^e ≤ |r| < 2^(e+1)`,
/// at least the subnormal spacing `2^-1074` and at most `2^971` (the ULP of the top binade).
pub fn ulp_at(r: &Float) -> Float {
    let e = match r.get_exp() {
        // rug: |r| = m · 2^exp with m in [0.5, 1), so 2^(exp-1) ≤ |r| < 2^exp.
        Some(exp) => (exp - 1).clamp(-1022, 1023),
        None => -1022, // zero (infinities and NaN are handled by the callers)
    };
    pow2(e - 52)
}

/// Error of the f64 result `got` against the exact value `x_exact`, in f64 ULPs of the exact
/// value ([`ulp_at`]).
///
/// * NaN vs NaN is 0; NaN vs anything else (either way round) is `+inf`.
/// * Infinities count as `±2^1024` (the next value after `f64::MAX`) and exact values beyond it
///   are clamped to it, so a correctly overflowing result has error 0, an exact infinity met by
///   an infinity of the same sign has error 0, and one met by anything else an infinite error
///   (when it is finite, the error measured against `2^1024` is already at least `2^52`; it is
///   reported as `+inf`).
/// * Below `2^-1022` errors are absolute, in subnormal steps of `2^-1074`.
pub fn ulp_error(got: f64, x_exact: &Float) -> f64 {
    if got.is_nan() || x_exact.is_nan() {
        return if got.is_nan() && x_exact.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if x_exact.is_infinite() {
        let same = got.is_infinite() && got.is_sign_negative() == x_exact.is_sign_negative();
        return if same { 0.0 } else { f64::INFINITY };
    }
    let top = pow2(1024);
    let mut r = Float::with_val(PREC, x_exact);
    if r.clone().abs() > top {
        let neg = r.is_sign_negative();
        r = top.clone();
        if neg {
            r.neg_assign();
        }
    }
    let g = if got.is_infinite() {
        let mut t = top;
        if got < 0.0 {
            t.neg_assign();
        }
        t
    } else {
        f(got)
    };
    let diff = Float::with_val(PREC, &g - &r).abs();
    if diff.is_zero() {
        return 0.0;
    }
    (diff / ulp_at(&r)).to_f64()
}

/// `ln 2` at working precision (for tests that build their own references).
pub fn ln2() -> Float {
    Float::with_val(PREC, Constant::Log2)
}

/// A NaN at working precision.
pub fn nan() -> Float {
    Float::with_val(PREC, Special::Nan)
}

/// Self-checks of the harness itself (run by every test file that includes it).
#[test]
fn mpfr_harness_self_check() {
    // Exact values and rounding.
    assert_eq!(exp_cr(0.0), 1.0);
    assert_eq!(exp_cr(1.0), core::f64::consts::E);
    assert_eq!(ln_cr(2.0), core::f64::consts::LN_2);
    assert_eq!(ln_cr(0.0), f64::NEG_INFINITY);
    assert!(ln_cr(-1.0).is_nan());
    assert_eq!(exp_cr(710.0), f64::INFINITY);
    assert_eq!(exp_cr(-745.2), 0.0);
    assert_eq!(exp_cr(-745.0), f64::from_bits(1)); // 0.57 · 2^-1074 rounds up to the smallest subnormal
    assert_eq!(expm1_cr(1e-300), 1e-300);
    assert_eq!(ln1p_cr(-1.0), f64::NEG_INFINITY);
    assert_eq!(ln1p_cr(1e-300), 1e-300);
    assert_eq!(sigmoid_cr(0.0), 0.5);
    assert_eq!(sigmoid_cr(-800.0), 0.0);
    assert_eq!(sigmoid_cr(800.0), 1.0);
    assert_eq!(softplus_cr(0.0), core::f64::consts::LN_2);
    assert_eq!(softplus_cr(1e300), 1e300);
    assert_eq!(softplus_cr(-800.0), 0.0);
    assert_eq!(softsign_cr(1.0), 0.5);
    assert_eq!(softsign_cr(f64::NEG_INFINITY), -1.0);
    assert_eq!(tanh_cr(f64::INFINITY), 1.0);
    assert_eq!(erf_cr(0.0), 0.0);
    assert_eq!(erfc_cr(30.0), 0.0);
    assert!(erfc_cr(26.0) > 0.0);
    // 1 - e^-x near 0 keeps its relative accuracy (no cancellation).
    assert_eq!(expm1_cr(-1e-20), -1e-20);
    // ULP measure.
    let one = f(1.0);
    assert_eq!(ulp_error(1.0, &one), 0.0);
    assert_eq!(ulp_error(1.0 + f64::EPSILON, &one), 1.0);
    assert_eq!(ulp_error(1.0 - f64::EPSILON / 2.0, &one), 0.5); // ULP of the exact value's binade
    let r = f(1.0) + pow2(-54); // 1 + ulp/4
    assert_eq!(ulp_error(1.0, &r), 0.25);
    assert_eq!(ulp_error(1.0 + f64::EPSILON, &r), 0.75);
    let tiny = pow2(-1074);
    assert_eq!(ulp_error(0.0, &tiny), 1.0);
    assert_eq!(ulp_error(f64::from_bits(3), &tiny), 2.0);
    assert_eq!(ulp_error(0.0, &Float::with_val(PREC, 0)), 0.0);
    assert_eq!(ulp_error(f64::MIN_POSITIVE, &f(f64::MIN_POSITIVE)), 0.0);
    assert_eq!(ulp_error(f64::NAN, &nan()), 0.0);
    assert_eq!(ulp_error(1.0, &nan()), f64::INFINITY);
    assert_eq!(ulp_error(f64::NAN, &one), f64::INFINITY);
    let inf = Float::with_val(PREC, Special::Infinity);
    assert_eq!(ulp_error(f64::INFINITY, &inf), 0.0);
    assert_eq!(ulp_error(f64::MAX, &inf), f64::INFINITY);
    assert_eq!(ulp_error(f64::NEG_INFINITY, &inf), f64::INFINITY);
    assert_eq!(ulp_error(f64::INFINITY, &exp(710.0)), 0.0); // correct overflow
    assert_eq!(ulp_error(f64::INFINITY, &f(f64::MAX)), 1.0); // 2^1024 is one ULP above MAX
    assert_eq!(ulp_error(f64::MAX, &exp(710.0)), 1.0); // clamped to 2^1024
    assert_eq!(ulp_error(-1.0, &one), 2f64.powi(53)); // sign errors are huge
    assert!((ln2() - core::f64::consts::LN_2).abs() < 1e-16);
}
