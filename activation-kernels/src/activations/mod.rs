//! Built-in activations, each defined with `#[activation]` (the same way users define theirs).
//!
//! Every definition here carries a generated test (`testing::check`) that sweeps the whole f32
//! range on every ISA. Derivatives at kinks are the **left** derivative (`relu'(0) = 0`, as in
//! Caffe and PyTorch).

use crate::activation;

/// `max(x, 0)`. Derivative: 1 for `x > 0`, else 0 (left derivative at 0). `relu(-0.0) = -0.0`.
#[activation(
    name = "relu",
    forward = max(x, 0.0),
    output_derivative = select(y > 0.0, 1.0, 0.0),
    ulp = 0.0,
    derivative_ulp = 0.0
)]
pub struct Relu;

/// The identity. Derivative 1.
#[activation(name = "linear", aliases = ["identity"], forward = x, ulp = 0.0, derivative_ulp = 0.0)]
pub struct Linear;

/// `e^x`, with derivative `e^x` (also from the output: `y`).
#[activation(name = "exponential", aliases = ["exp"], forward = exp(x), derivative = y, ulp = 1.0, derivative_ulp = 1.0)]
pub struct Exponential;

/// The logistic function `1/(1+e^-x)`. Derivative `sigmoid(x)·sigmoid(-x)` (accurate in both
/// tails); from the output, `y·(1-y)`.
#[activation(
    name = "sigmoid",
    aliases = ["logistic"],
    forward = sigmoid(x),
    derivative = sigmoid(x) * sigmoid(-x),
    output_derivative = y * (1.0 - y),
    ulp = 2.0,
    derivative_ulp = 4.0
)]
pub struct Sigmoid;

/// Hyperbolic tangent. Derivative `4·sigmoid(2x)·sigmoid(-2x)` (= sech², accurate where
/// `1 - tanh²` rounds to 0); from the output, `(1 - y)(1 + y)` (no cancellation).
#[activation(
    name = "tanh",
    forward = tanh(x),
    derivative = 4.0 * sigmoid(2.0 * x) * sigmoid(-2.0 * x),
    output_derivative = (1.0 - y) * (1.0 + y),
    ulp = 2.0,
    derivative_ulp = 4.0
)]
pub struct Tanh;

/// ELU (Clevert et al. 2015): `x` for `x > 0`, else `alpha·(e^x - 1)`. Derivative 1 for
/// `x > 0`, else `alpha·e^x` (left derivative at 0); from the output, `y + alpha` for `y ≤ 0`.
#[activation(
    name = "elu",
    forward = select(x > 0.0, x, alpha * expm1(x)),
    output_derivative = select(y > 0.0, 1.0, y + alpha),
    check(alpha > 0.0),
    ulp = 2.0,
    derivative_ulp = 2.0
)]
pub struct Elu {
    /// Scale of the negative saturation value (`elu(-inf) = -alpha`).
    #[param(default = 1.0)]
    pub alpha: f32,
}

/// `ln(1 + e^(beta·x)) / beta`. Derivative `sigmoid(beta·x)`; from the output,
/// `-expm1(-beta·y)`. The 2-ULP bound is for `beta = 1` (other values add the rounding of
/// `beta·x`).
#[activation(
    name = "softplus",
    forward = softplus(beta * x) / beta,
    derivative = sigmoid(beta * x),
    output_derivative = -expm1(-beta * y),
    check(beta > 0.0),
    ulp = 2.0,
    derivative_ulp = 2.0
)]
pub struct Softplus {
    /// Sharpness (PyTorch's `beta`).
    #[param(default = 1.0)]
    pub beta: f32,
}
