//! Two activations defined outside activation-kernels, with the `#[activation]` macro it
//! re-exports. The dependency is renamed to `ak`, so the definitions say `crate = "::ak"`.
//!
//! ```
//! use ak::Activation;
//! use downstream_activations::Celu;
//! let celu = Celu::new(0.5).unwrap();
//! let mut y = [0.0f32; 2];
//! celu.forward(&[1.0, -20.0], &mut y);
//! assert_eq!(y, [1.0, -0.5]);
//! assert!(Celu::new(0.0).is_err());
//! ```

/// CELU (Barron 2017): `max(0, x) + min(0, alpha·(e^(x/alpha) - 1))`, continuously
/// differentiable for every `alpha > 0`. The derivative is left to the macro (symbolic).
#[ak::activation(
    crate = "::ak",
    name = "celu",
    forward = select(x > 0.0, x, alpha * expm1(x / alpha)),
    check(alpha > 0.0),
    ulp = 2.0,
    derivative_ulp = 3.0
)]
pub struct Celu {
    /// Saturation value of the negative side (`celu(-inf) = -alpha`).
    #[param(default = 1.0)]
    pub alpha: f32,
}

/// Squareplus (Barron 2021): `(x + sqrt(x² + b)) / 2`, a smooth ReLU made of arithmetic only.
///
/// Written for accuracy everywhere: `sqrt(x² + b)` as `|x|·sqrt(1 + (b/x)/x)` for `|x| > 1` (no
/// overflow of `x²`), and for `x < 0` the conjugate form `(b/4) / (sqrt(x² + b)/2 - x/2)`, which
/// avoids the cancellation of `x + sqrt(x² + b)`; for `x ≥ 0` the halves are added, so
/// `x` near `f32::MAX` does not overflow.
#[ak::activation(
    crate = "::ak",
    name = "squareplus",
    forward = select(
        x < 0.0,
        0.25 * b / (0.5 * select(abs(x) > 1.0, abs(x) * sqrt(1.0 + b / x / x), sqrt(x * x + b)) - 0.5 * x),
        0.5 * x + 0.5 * select(abs(x) > 1.0, abs(x) * sqrt(1.0 + b / x / x), sqrt(x * x + b))
    ),
    // For x < 0, f'(x) = (1 + x/r)/2 = f(x)/r exactly (no cancellation); for x > 1, x/r is
    // written 1/sqrt(1 + b/x²) so that x = inf gives 1, not inf/inf.
    derivative = select(
        x < 0.0,
        y / select(abs(x) > 1.0, abs(x) * sqrt(1.0 + b / x / x), sqrt(x * x + b)),
        0.5 + 0.5 * select(x > 1.0, 1.0 / sqrt(1.0 + b / x / x), x / sqrt(x * x + b))
    ),
    check(b > 0.0),
    ulp = 3.0,
    derivative_ulp = 8.0,
    derivative_abs = 1e-7
)]
pub struct Squareplus {
    /// Curvature near 0 (`squareplus(0) = sqrt(b)/2`).
    #[param(default = 4.0)]
    pub b: f32,
}
