//! Built-in activations, each defined with `#[activation]` (the same way users define theirs).
//!
//! Every definition here carries a generated test (`testing::check`) that sweeps the whole f32
//! range on every ISA. Derivatives at kinks are the **left** derivative (`relu'(0) = 0`, as in
//! Caffe and PyTorch).

use crate::activation;

/// `max(x, 0)`. Derivative: 1 for `x > 0`, else 0 (left derivative at 0). `relu(-0.0) = -0.0`.
///
/// ```
/// use activation_kernels::{Activation, activations::Relu};
///
/// let x = [-1.0f32, 0.0, 2.0];
/// let (mut y, mut d) = ([0.0f32; 3], [0.0f32; 3]);
/// Relu.forward_with_derivative(&x, &mut y, &mut d);
/// assert_eq!((y, d), ([0.0, 0.0, 2.0], [0.0, 0.0, 1.0]));
/// Relu.forward(&[-0.0], &mut y[..1]);
/// assert!(y[0].is_sign_negative());
/// ```
#[activation(
    name = "relu",
    forward = max(x, 0.0),
    output_derivative = select(y > 0.0, 1.0, 0.0),
    ulp = 0.0,
    derivative_ulp = 0.0
)]
pub struct Relu;

/// The identity. Derivative 1.
///
/// ```
/// use activation_kernels::{Activation, activations::Linear};
///
/// let x = [-7.5f32, 0.0, 1e30];
/// let (mut y, mut dx) = ([0.0f32; 3], [0.0f32; 3]);
/// Linear.forward(&x, &mut y);
/// Linear.backward(&x, &[2.0; 3], &mut dx);
/// assert_eq!((y, dx), (x, [2.0; 3]));
/// ```
#[activation(name = "linear", aliases = ["identity"], forward = x, ulp = 0.0, derivative_ulp = 0.0)]
pub struct Linear;

/// `e^x`, with derivative `e^x` (also from the output: `y`).
///
/// ```
/// use activation_kernels::{Activation, activations::Exponential};
///
/// let (mut y, mut d) = ([0.0f32; 2], [0.0f32; 2]);
/// Exponential.forward_with_derivative(&[0.0, 1.0], &mut y, &mut d);
/// assert_eq!(y, d); // (e^x)' = e^x
/// assert_eq!(y[0], 1.0);
/// assert!((y[1] - core::f32::consts::E).abs() <= f32::EPSILON * 3.0);
/// ```
#[activation(name = "exponential", aliases = ["exp"], forward = exp(x), derivative = y, ulp = 1.0, derivative_ulp = 1.0)]
pub struct Exponential;

/// The logistic function `1/(1+e^-x)`. Derivative `sigmoid(x)·sigmoid(-x)` (accurate in both
/// tails); from the output, `y·(1-y)`.
///
/// ```
/// use activation_kernels::{Activation, OutputDerivative, activations::Sigmoid};
///
/// let x = [0.0f32, -200.0, 200.0];
/// let mut y = [0.0f32; 3];
/// Sigmoid.forward(&x, &mut y);
/// assert_eq!(y, [0.5, 0.0, 1.0]);
/// let mut dx = [0.0f32; 1];
/// Sigmoid.backward_from_output(&y[..1], &[1.0], &mut dx);
/// assert_eq!(dx, [0.25]);
/// ```
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
///
/// ```
/// use activation_kernels::{Activation, activations::Tanh};
///
/// let x = [0.0f32, f32::INFINITY, -f32::INFINITY];
/// let (mut y, mut d) = ([0.0f32; 3], [0.0f32; 3]);
/// Tanh.forward_with_derivative(&x, &mut y, &mut d);
/// assert_eq!((y, d), ([0.0, 1.0, -1.0], [1.0, 0.0, 0.0]));
/// ```
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
///
/// ```
/// use activation_kernels::{Activation, activations::Elu};
///
/// let elu = Elu::new(2.0).unwrap();
/// let x = [3.0f32, f32::NEG_INFINITY, 0.0];
/// let (mut y, mut d) = ([0.0f32; 3], [0.0f32; 3]);
/// elu.forward_with_derivative(&x, &mut y, &mut d);
/// assert_eq!(y, [3.0, -2.0, 0.0]); // elu(-inf) = -alpha
/// assert_eq!(d, [1.0, 0.0, 2.0]); // alpha·e^0 at the kink (left derivative)
/// assert!(Elu::new(0.0).is_err());
/// ```
#[activation(
    name = "elu",
    // The exponentials see x only where x ≤ 0 (and NaN), 0 elsewhere: the selected lanes are
    // unchanged, and a vector of inputs below 8.3 (or 87) takes the exponentials' fast path.
    forward = select(x > 0.0, x, alpha * expm1(select(x > 0.0, 0.0, x))),
    // alpha·e^x formed before the final scaling (exact for any alpha near the subnormal range).
    derivative = select(x > 0.0, 1.0, mul_exp(alpha, select(x > 0.0, 0.0, x))),
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
/// `-expm1(-beta·y)`. Both go through `math::softplus_beta`/`math::sigmoid_beta`, which carry
/// `beta·x` unrounded (rounding it would cost up to `|beta·x|/2` ULP in the left tail), so the
/// 2-ULP bounds hold for every `beta`, not only the default 1.
///
/// ```
/// use activation_kernels::{Activation, activations::Softplus};
///
/// let sp = Softplus::default();
/// let (mut y, mut d) = ([0.0f32; 2], [0.0f32; 2]);
/// sp.forward_with_derivative(&[0.0, 100.0], &mut y, &mut d);
/// assert!((y[0] - core::f32::consts::LN_2).abs() <= f32::EPSILON);
/// assert_eq!((y[1], d[0], d[1]), (100.0, 0.5, 1.0));
/// assert!(Softplus::new(-1.0).is_err());
/// ```
#[activation(
    name = "softplus",
    forward = softplus_beta(x, beta),
    derivative = sigmoid_beta(x, beta),
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

/// Leaky ReLU: `x` for `x > 0`, else `alpha·x` (correctly rounded). Derivative 1 or `alpha`
/// (left derivative at 0: `alpha`). With `alpha = 0`, `leaky_relu(-inf)` is the limit `-0`
/// (not `0·inf = NaN`).
///
/// ```
/// use activation_kernels::{Activation, activations::LeakyRelu};
///
/// let lr = LeakyRelu::new(0.1).unwrap();
/// let x = [-10.0f32, 3.0];
/// let (mut y, mut dx) = ([0.0f32; 2], [0.0f32; 2]);
/// lr.forward(&x, &mut y);
/// lr.backward(&x, &[1.0, 1.0], &mut dx);
/// assert_eq!((y, dx), ([-1.0, 3.0], [0.1, 1.0]));
/// assert!(LeakyRelu::new(-0.5).is_err());
/// ```
#[activation(
    name = "leaky_relu",
    forward = select(x > 0.0, x, select(x < 0.0 && alpha <= 0.0, -0.0, alpha * x)),
    output_derivative = select(y > 0.0, 1.0, alpha),
    check(alpha >= 0.0),
    ulp = 0.5,
    derivative_ulp = 0.0
)]
pub struct LeakyRelu {
    /// Slope for negative inputs.
    #[param(default = 0.01)]
    pub alpha: f32,
}

/// ReLU6: `min(max(x, 0), 6)` (exact). Derivative 1 on `(0, 6]`, else 0 (left derivatives).
///
/// ```
/// use activation_kernels::{Activation, activations::Relu6};
///
/// let x = [-1.0f32, 3.5, 6.0, 9.0];
/// let (mut y, mut d) = ([0.0f32; 4], [0.0f32; 4]);
/// Relu6.forward_with_derivative(&x, &mut y, &mut d);
/// assert_eq!(y, [0.0, 3.5, 6.0, 6.0]);
/// assert_eq!(d, [0.0, 1.0, 1.0, 0.0]); // left derivative at 6
/// ```
#[activation(
    name = "relu6",
    forward = clamp(x, 0.0, 6.0),
    output_derivative = select(y > 0.0 && y < 6.0, 1.0, 0.0),
    ulp = 0.0,
    derivative_ulp = 0.0
)]
pub struct Relu6;

/// Hardtanh: `clamp(x, min_val, max_val)` (exact). Derivative 1 on `(min_val, max_val]`, else 0
/// (left derivatives).
///
/// ```
/// use activation_kernels::{Activation, activations::Hardtanh};
///
/// let h = Hardtanh::new(-2.0, 2.0).unwrap();
/// let x = [-3.0f32, 0.5, 2.5];
/// let (mut y, mut d) = ([0.0f32; 3], [0.0f32; 3]);
/// h.forward_with_derivative(&x, &mut y, &mut d);
/// assert_eq!((y, d), ([-2.0, 0.5, 2.0], [0.0, 1.0, 0.0]));
/// assert!(Hardtanh::new(1.0, 1.0).is_err()); // needs min_val < max_val
/// ```
#[activation(
    name = "hardtanh",
    forward = clamp(x, min_val, max_val),
    check(min_val < max_val),
    ulp = 0.0,
    derivative_ulp = 0.0
)]
pub struct Hardtanh {
    /// Lower clip value.
    #[param(default = -1.0)]
    pub min_val: f32,
    /// Upper clip value.
    #[param(default = 1.0)]
    pub max_val: f32,
}

/// Hard sigmoid: `clamp(slope·x + offset, 0, 1)`, the affine part with a single rounding, so
/// the result is correctly rounded for the given parameters. Keras: slope 0.2, offset 0.5 (the
/// default; saturates at ±2.5); PyTorch's `hardsigmoid` is slope 1/6, offset 0.5. Derivative
/// `slope` inside, 0 outside (left derivatives at the corners).
///
/// ```
/// use activation_kernels::{Activation, activations::HardSigmoid};
///
/// let hs = HardSigmoid::default(); // Keras: slope 0.2, offset 0.5
/// let x = [-5.0f32, 0.0, 5.0];
/// let (mut y, mut d) = ([0.0f32; 3], [0.0f32; 3]);
/// hs.forward_with_derivative(&x, &mut y, &mut d);
/// assert_eq!((y, d), ([0.0, 0.5, 1.0], [0.0, 0.2, 0.0]));
/// let torch = HardSigmoid::new(1.0 / 6.0, 0.5).unwrap();
/// torch.forward(&[3.0], &mut y[..1]);
/// assert_eq!(y[0], 1.0);
/// ```
#[activation(
    name = "hard_sigmoid",
    forward = clamp(fma(slope, x, offset), 0.0, 1.0),
    // The side of each corner is decided exactly: a correctly rounded FMA has the sign of the
    // exact value, and `offset - 1` is exact for offsets in [0.5, 2] (Keras and PyTorch use 0.5).
    // Deciding it on the rounded `slope·x + offset` would put x = 2.5 on the corner (the f32
    // slope 0.2 is slightly above 0.2, so the exact value there is past it).
    derivative = select(fma(slope, x, offset) > 0.0 && fma(slope, x, offset - 1.0) <= 0.0, slope, 0.0),
    check(slope > 0.0),
    ulp = 0.5,
    derivative_ulp = 0.0
)]
pub struct HardSigmoid {
    /// Slope of the linear part.
    #[param(default = 0.2)]
    pub slope: f32,
    /// Value at 0.
    #[param(default = 0.5)]
    pub offset: f32,
}

/// Hard swish (MobileNetV3): `x·relu6(x + 3)/6`, computed as `x·(max(x + 3, 0)/6)` so that
/// large `x` do not overflow (`hard_swish(1e38) = 1e38`): above 3 the saturation gives `x`,
/// so the kernel never needs relu6's upper clamp (the lower one keeps the left derivative 0
/// at -3); the reference keeps it.
/// The derivative `(2x + 3)/6` on `(-3, 3)` has a zero at -1.5, where the absolute error is at
/// most 1e-7.
///
/// ```
/// use activation_kernels::{Activation, activations::HardSwish};
///
/// let x = [-4.0f32, 0.0, 4.0, 1e38];
/// let (mut y, mut d) = ([0.0f32; 4], [0.0f32; 4]);
/// HardSwish.forward_with_derivative(&x, &mut y, &mut d);
/// assert_eq!(y, [0.0, 0.0, 4.0, 1e38]); // no overflow for large x
/// assert_eq!(d, [0.0, 0.5, 1.0, 1.0]); // (2x + 3)/6 = 0.5 at 0
/// ```
#[activation(
    name = "hard_swish",
    aliases = ["hardswish"],
    forward = x * (max(x + 3.0, 0.0) / 6.0),
    // The exact function everywhere (the saturations are checked against it).
    reference = x * (clamp(x + 3.0, 0.0, 6.0) / 6.0),
    saturate(below = -3.0 => -0.0),
    saturate(above = 3.0 => x),
    ulp = 2.0,
    derivative_ulp = 4.0,
    derivative_abs = 1e-7
)]
pub struct HardSwish;

/// Softsign: `x / (1 + |x|)`, in [-1, 1], monotone at the ULP level (`math::softsign`; the textbook
/// quotient is not). Derivative `1/(1 + |x|)²`, computed as two divisions
/// so it does not overflow; from the output, `(1 - |y|)²`.
///
/// ```
/// use activation_kernels::{Activation, activations::Softsign};
///
/// let x = [1.0f32, -3.0, f32::INFINITY];
/// let (mut y, mut d) = ([0.0f32; 3], [0.0f32; 3]);
/// Softsign.forward_with_derivative(&x, &mut y, &mut d);
/// assert_eq!((y, d), ([0.5, -0.75, 1.0], [0.25, 0.0625, 0.0]));
/// ```
#[activation(
    name = "softsign",
    // The math core's monotone form of x / (1 + |x|) (see `math::softsign`).
    forward = softsign(x),
    derivative = 1.0 / (1.0 + abs(x)) / (1.0 + abs(x)),
    output_derivative = (1.0 - abs(y)) * (1.0 - abs(y)),
    ulp = 2.0,
    derivative_ulp = 4.0
)]
pub struct Softsign;

/// SELU (Klambauer et al. 2017): `scale·x` for `x > 0`, else `scale·alpha·(e^x - 1)`, with the
/// self-normalising constants alpha = 1.6732632423543772848170429916717 and
/// scale = 1.0507009873554804934193349852946 (`scale·alpha` is folded in f64 and rounded once).
/// `selu(3.2386e38)` is `f32::MAX` (no premature overflow). Derivative `scale` or
/// `scale·alpha·e^x` (left derivative at 0).
///
/// ```
/// use activation_kernels::{Activation, activations::Selu};
///
/// let x = [1.0f32, f32::NEG_INFINITY];
/// let (mut y, mut d) = ([0.0f32; 2], [0.0f32; 2]);
/// Selu.forward_with_derivative(&x, &mut y, &mut d);
/// assert_eq!((y[0], d[0]), (1.050_701, 1.050_701)); // scale
/// assert!((y[1] + 1.758_099_3).abs() <= 2.0 * f32::EPSILON); // -scale·alpha
/// ```
#[activation(
    name = "selu",
    // expm1 and mul_exp see x only where x ≤ 0 (as in elu: same bits, fast paths).
    forward = select(x > 0.0, 1.0507009873554804934193349852946 * x,
                     (1.0507009873554804934193349852946 * 1.6732632423543772848170429916717)
                         * expm1(select(x > 0.0, 0.0, x))),
    // y + scale·alpha, with scale·alpha = 1.7580993408473768599 split into an f32 head and
    // tail so the sum is not limited by the constant's rounding.
    // The derivative's negative side, scale·alpha·e^x, is formed before the final scaling, so
    // it stays within 2 ULP where e^x alone would already be subnormal (x ≈ -87.4).
    derivative = select(x > 0.0, 1.0507009873554804934193349852946,
                        mul_exp(1.0507009873554804934193349852946 * 1.6732632423543772848170429916717,
                                select(x > 0.0, 0.0, x))),
    output_derivative = select(y > 0.0, 1.0507009873554804934193349852946,
                               (y + 1.7580993175506592) + 2.3296717444054593e-8),
    ulp = 2.0,
    derivative_ulp = 2.0
)]
pub struct Selu;

/// Swish (Ramachandran et al. 2017) `x·sigmoid(beta·x)`; with `beta = 1` it is SiLU
/// (Hendrycks & Gimpel), alias `silu`. Computed by `math::swish`: `beta·x` split exactly and the
/// left tail formed before the final scaling, so it is accurate everywhere, including
/// `x·sigmoid(x)` below 1e-38 where the naive product loses every digit. The derivative
/// `sigmoid(t)·(1 + t·sigmoid(-t))` (`t = beta·x`) has a zero at `t ≈ -1.2785`, where the
/// absolute error is at most 1e-7. `beta` must be at least 1e-9 (the math kernel's domain).
///
/// ```
/// use activation_kernels::{Activation, activations::Swish};
///
/// let silu = Swish::default();
/// let (mut y, mut d) = ([0.0f32; 2], [0.0f32; 2]);
/// silu.forward_with_derivative(&[0.0, 50.0], &mut y, &mut d);
/// assert_eq!((y, d), ([0.0, 50.0], [0.5, 1.0]));
/// assert!(Swish::new(0.0).is_err()); // beta >= 1e-9
/// ```
#[activation(
    name = "swish",
    aliases = ["silu"],
    forward = swish(x, beta),
    derivative = swish_grad(x, beta),
    // math::swish's domain: below 1e-9 its far-left tail can overflow for huge |x|.
    check(beta >= 1e-9),
    ulp = 2.0,
    derivative_ulp = 4.0,
    derivative_abs = 1e-7
)]
pub struct Swish {
    /// Slope inside the sigmoid (1 for SiLU).
    #[param(default = 1.0)]
    pub beta: f32,
}

/// GELU (Hendrycks & Gimpel 2016), the exact erf form `x·Φ(x) = x·(1 + erf(x/√2))/2`.
/// Computed by `math::gelu` with `x/√2` carried in double-f32, so the left tail is right to
/// 2 ULP down to the subnormal range (`gelu(-inf) = -0`). Derivative `Φ(x) + x·φ(x)` by
/// `math::gelu_grad`; its zero at `x ≈ -0.7518` is met with absolute error ≤ 1e-7.
///
/// ```
/// use activation_kernels::{Activation, activations::Gelu};
///
/// let (mut y, mut d) = ([0.0f32; 3], [0.0f32; 3]);
/// Gelu.forward_with_derivative(&[0.0, 1.0, f32::NEG_INFINITY], &mut y, &mut d);
/// assert_eq!((y[0], d[0]), (0.0, 0.5));
/// assert!((y[1] - 0.841_344_7).abs() <= 2.0 * f32::EPSILON); // Φ(1)
/// assert_eq!(y[2], 0.0);
/// ```
#[activation(
    name = "gelu",
    forward = gelu(x),
    ulp = 2.0,
    derivative_ulp = 4.0,
    derivative_abs = 1e-7
)]
pub struct Gelu;

/// GELU, tanh approximation (GPT-2, PyTorch `approximate="tanh"`):
/// `0.5·x·(1 + tanh(sqrt(2/pi)·(x + 0.044715·x³)))`, computed as `x·sigmoid(t)` with
/// `t = 2·sqrt(2/pi)·(x + 0.044715·x³)` evaluated in double-f32 (constants included), so the left
/// tail, where the frameworks lose up to 10^9 ULP, is within 2 ULP. `gelu_tanh(-inf) = -0`.
///
/// ```
/// use activation_kernels::{Activation, activations::{Gelu, GeluTanh}};
///
/// let x = [0.0f32, 1.0];
/// let (mut y, mut d, mut exact) = ([0.0f32; 2], [0.0f32; 2], [0.0f32; 2]);
/// GeluTanh.forward_with_derivative(&x, &mut y, &mut d);
/// Gelu.forward(&x, &mut exact);
/// assert_eq!((y[0], d[0]), (0.0, 0.5));
/// assert!((y[1] - 0.841_192).abs() <= 2.0 * f32::EPSILON);
/// assert!((y[1] - exact[1]).abs() < 1e-3); // close to the erf form
/// ```
#[activation(
    name = "gelu_tanh",
    aliases = ["gelu_approximate"],
    forward = gelu_tanh(x),
    ulp = 2.0,
    derivative_ulp = 4.0,
    derivative_abs = 1e-7
)]
pub struct GeluTanh;

/// Mish (Misra 2019): `x·tanh(softplus(x))`, in closed forms without cancellation (see
/// `math::mish`); the left tail is right down to the subnormal range and `mish(±inf)` are
/// the limits. The derivative's zero near `x ≈ -1.1924` is met with absolute error ≤ 1e-7.
///
/// ```
/// use activation_kernels::{Activation, activations::Mish};
///
/// let (mut y, mut d) = ([0.0f32; 2], [0.0f32; 2]);
/// Mish.forward_with_derivative(&[0.0, 1.0], &mut y, &mut d);
/// assert_eq!(y[0], 0.0);
/// assert!((d[0] - 0.6).abs() <= f32::EPSILON); // tanh(ln 2)
/// assert!((y[1] - 0.865_098_4).abs() <= 2.0 * f32::EPSILON);
/// ```
#[activation(
    name = "mish",
    forward = mish(x),
    ulp = 2.0,
    derivative_ulp = 4.0,
    derivative_abs = 1e-7
)]
pub struct Mish;

/// Tanhshrink: `x - tanh(x)`, by `math::tanhshrink` (a series with the leading `x³/3` in
/// double-f32 below 1.032, where the textbook difference cancels to nothing; exactly odd).
/// Derivative `tanh²(x)` (`= 1 - sech²x`, without the cancellation).
///
/// ```
/// use activation_kernels::{Activation, activations::Tanhshrink};
///
/// let (mut y, mut d) = ([0.0f32; 2], [0.0f32; 2]);
/// Tanhshrink.forward_with_derivative(&[0.0, 1.0], &mut y, &mut d);
/// assert_eq!((y[0], d[0]), (0.0, 0.0));
/// let t = 1.0f64.tanh();
/// assert!((y[1] as f64 - (1.0 - t)).abs() < 1e-7);
/// assert!((d[1] as f64 - t * t).abs() < 1e-7); // tanh²
/// ```
#[activation(name = "tanhshrink", forward = tanhshrink(x), ulp = 2.0, derivative_ulp = 4.0)]
pub struct Tanhshrink;

/// The Keras general ReLU `relu(x, negative_slope = alpha, max_value, threshold)`:
/// `min(x, max_value)` for `x > threshold`, else `alpha·(x - threshold)`; `max_value` defaults
/// to `+inf` (Keras' `None`). The negative side is computed as `alpha·(s + e)` with
/// `s + e = x - threshold` exactly (TwoSum), so it is correctly rounded (up to double rounding in
/// `alpha·e`, far below half an ULP); with `alpha = 0` it is `+0` (also for `x = -inf`).
/// Derivative: 1 on `(threshold, max_value]`, 0 above, `alpha` at or below `threshold` (left
/// derivatives at the kinks). `threshold` is limited to `|threshold| ≤ 1e30` so that
/// `x - threshold` never overflows on finite `x`.
///
/// Unlike Keras' implementation, `threshold < x < 0` is not clipped to 0 when `max_value` is set
/// (Keras clips the whole positive branch to `[0, max_value]`); with the default `threshold = 0`
/// the two agree.
///
/// ```
/// use activation_kernels::{Activation, activations::GeneralRelu};
/// let r = GeneralRelu::new(0.1, 6.0, 0.5).unwrap(); // alpha, max_value, threshold
/// let mut y = [0.0f32; 3];
/// r.forward(&[-1.5, 2.0, 10.0], &mut y);
/// assert_eq!(y, [-0.2, 2.0, 6.0]);
/// assert!(GeneralRelu::new(0.0, 0.0, 1.0).is_err()); // max_value must exceed threshold
/// ```
#[activation(
    name = "general_relu",
    aliases = ["keras_relu"],
    forward = select(
        x > threshold,
        min(x, max_value),
        select(
            alpha >= 0.0 && alpha <= 0.0,
            0.0,
            // The TwoSum correction alpha·e is only added when it is finite: where alpha·e
            // overflows, alpha·(x - threshold) overflows too, with the right sign.
            select(
                abs(alpha * select(
                    abs(x) <= 3.4028235e38,
                    (x - ((x - threshold) - ((x - threshold) - x))) + (-threshold - ((x - threshold) - x)),
                    0.0
                )) <= 3.4028235e38,
                fma(
                    alpha,
                    x - threshold,
                    alpha * select(
                        abs(x) <= 3.4028235e38,
                        (x - ((x - threshold) - ((x - threshold) - x))) + (-threshold - ((x - threshold) - x)),
                        0.0
                    )
                ),
                alpha * (x - threshold)
            )
        )
    ),
    derivative = select(x > threshold, select(x <= max_value, 1.0, 0.0), alpha),
    reference = select(x > threshold, min(x, max_value), select(alpha >= 0.0 && alpha <= 0.0, 0.0, alpha * (x - threshold))),
    check(max_value > threshold),
    check(abs(threshold) <= 1e30),
    ulp = 0.5,
    derivative_ulp = 0.0
)]
pub struct GeneralRelu {
    /// Slope below the threshold (Keras' `negative_slope`).
    #[param(default = 0.0)]
    pub alpha: f32,
    /// Upper clip value (`+inf`: none).
    #[param(default = inf, allow_infinite)]
    pub max_value: f32,
    /// Inputs at or below it take the `alpha` branch.
    #[param(default = 0.0)]
    pub threshold: f32,
}
