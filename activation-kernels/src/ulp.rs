//! Measuring errors in units in the last place (ULP) of f32.

/// The ULP of f32 at the magnitude of `r`: `2^(e - 23)` where `2^e ≤ |r| < 2^(e+1)`, clamped
/// to the subnormal spacing `2^-149` below `2^-126` and to `2^104` at the top of the range.
///
/// ```
/// use activation_kernels::ulp::f32_ulp_at;
///
/// assert_eq!(f32_ulp_at(1.0), f32::EPSILON as f64);
/// assert_eq!(f32_ulp_at(-1.9), f32::EPSILON as f64);
/// assert_eq!(f32_ulp_at(3.0), 2.0 * f32::EPSILON as f64);
/// assert_eq!(f32_ulp_at(0.0), 2f64.powi(-149)); // subnormal spacing
/// ```
pub fn f32_ulp_at(r: f64) -> f64 {
    let a = r.abs();
    if a < f32::MIN_POSITIVE as f64 {
        return f64::from_bits(0x36A0_0000_0000_0000); // 2^-149
    }
    let e = ((a.to_bits() >> 52) as i64 - 1023).min(127);
    f64::from_bits(((e - 23 + 1023) as u64) << 52)
}

/// Error of the f32 result `y` against the exact (f64) value `r`, in f32 ULPs of `r`.
///
/// * NaN vs NaN is 0; NaN vs a number (or a number vs NaN) is `+inf`.
/// * Infinities count as `±2^128` (the next value after `f32::MAX`), and reference values beyond
///   that are clamped to it, so a correctly overflowing result has error 0 and `inf` for a value
///   just below the overflow threshold has a finite error.
/// * Results below the normal range are judged in absolute subnormal ULPs (`2^-149`).
///
/// ```
/// use activation_kernels::ulp::ulp_error;
///
/// assert_eq!(ulp_error(1.0, 1.0), 0.0);
/// assert_eq!(ulp_error(1.0 + f32::EPSILON, 1.0), 1.0);
/// assert_eq!(ulp_error(1.0, 1.0 + f32::EPSILON as f64 / 4.0), 0.25);
/// assert_eq!(ulp_error(f32::NAN, f64::NAN), 0.0);
/// assert_eq!(ulp_error(1.0, f64::NAN), f64::INFINITY);
/// assert_eq!(ulp_error(f32::INFINITY, 1e300), 0.0); // correct overflow
/// ```
pub fn ulp_error(y: f32, r: f64) -> f64 {
    if r.is_nan() || y.is_nan() {
        return if r.is_nan() && y.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    const TOP: f64 = 340282366920938463463374607431768211456.0; // 2^128
    let yv = if y.is_infinite() {
        TOP.copysign(y as f64)
    } else {
        y as f64
    };
    let rv = r.clamp(-TOP, TOP);
    if yv == rv {
        return 0.0;
    }
    (yv - rv).abs() / f32_ulp_at(rv)
}

/// Whether two f32 values are the same result: identical bits, or both NaN (NaN payloads are
/// not part of the contract).
///
/// ```
/// use activation_kernels::ulp::same_result;
///
/// assert!(same_result(1.5, 1.5));
/// assert!(same_result(f32::NAN, -f32::NAN));
/// assert!(!same_result(0.0, -0.0)); // different bits
/// ```
pub fn same_result(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}
