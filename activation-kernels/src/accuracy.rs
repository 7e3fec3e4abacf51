//! The accuracy table: the one place where error bounds live.
//!
//! Tests assert these bounds (strided sweeps in `cargo test`, the full 2^32 sweep in the `sweep`
//! tool), the report prints them, and the README quotes them. Errors are measured in f32 ULPs of
//! the exact value (see [`crate::ulp::ulp_error`]) against the f64 references in
//! [`crate::math::reference`]; results below the normal range are judged in absolute subnormal
//! ULPs. Every ISA gives the same bits, so one number covers all ISAs.

use crate::math::MathFn;

/// Accuracy of one math-core function.
///
/// ```
/// use activation_kernels::{accuracy::MATH, ulp::ulp_error};
///
/// // Every recorded maximum is within its bound and reproduces at its worst input.
/// for row in MATH {
///     let (Some(measured), Some(bits)) = (row.measured_ulp, row.worst_input) else { continue };
///     assert!(measured <= row.bound_ulp);
///     let x = f32::from_bits(bits);
///     let mut y = [0.0f32];
///     row.func.apply(&[x], &mut y);
///     let err = ulp_error(y[0], row.func.reference(x as f64));
///     assert!((err - measured).abs() < 0.01, "{:?}: {err} vs {measured}", row.func);
/// }
/// ```
#[derive(Copy, Clone, Debug)]
pub struct MathAccuracy {
    /// The function.
    pub func: MathFn,
    /// The guaranteed max error in ULP over all f32 inputs.
    pub bound_ulp: f64,
    /// Max error measured by the full 2^32 sweep (`sweep --stride 1`), or `None` if the full
    /// sweep has not been recorded yet for this function.
    pub measured_ulp: Option<f64>,
    /// The input (bits) where `measured_ulp` occurred.
    pub worst_input: Option<u32>,
}

/// The table, one row per [`MathFn`], in [`MathFn::ALL`] order. Measured values: the full 2^32
/// sweep on the scalar path, every ISA bit-identical to it (the sweep output is in
/// `docs/records/sweep-*.md`, assembled into ACCURACY.md).
pub const MATH: &[MathAccuracy] = &[
    row(MathFn::Exp, 1.0, Some(0.775), Some(0xC2AF501A)),
    row(MathFn::Expm1, 1.0, Some(0.945), Some(0x3EB6BC4E)),
    row(MathFn::Ln, 1.0, Some(0.82), Some(0x3F34751F)),
    row(MathFn::Ln1p, 1.0, Some(0.923), Some(0xBE975FB3)),
    row(MathFn::Tanh, 2.0, Some(1.483), Some(0xBF0DA742)),
    row(MathFn::Sigmoid, 2.0, Some(1.475), Some(0xC0C7960B)),
    row(MathFn::Erf, 2.0, Some(0.85), Some(0x3F68E216)),
    row(MathFn::Erfc, 2.0, Some(1.923), Some(0x3EF5031D)),
    row(MathFn::Softplus, 2.0, Some(1.565), Some(0xBFA3877C)),
];

const fn row(
    func: MathFn,
    bound_ulp: f64,
    measured_ulp: Option<f64>,
    worst_input: Option<u32>,
) -> MathAccuracy {
    MathAccuracy {
        func,
        bound_ulp,
        measured_ulp,
        worst_input,
    }
}

/// The table row of `f`.
///
/// ```
/// use activation_kernels::{accuracy::math_bound, math::MathFn};
///
/// let exp = math_bound(MathFn::Exp);
/// assert_eq!((exp.func, exp.bound_ulp), (MathFn::Exp, 1.0));
/// assert_eq!(exp.bound_ulp, MathFn::Exp.max_ulp());
/// ```
pub fn math_bound(f: MathFn) -> MathAccuracy {
    match MATH.iter().find(|r| r.func == f) {
        Some(r) => *r,
        None => panic!("no accuracy row for {f:?}"),
    }
}
