//! f64 reference implementations that judge the f32 kernels.
//!
//! They use the `libm` crate (a port of musl's libm: every function below is accurate to about
//! 1 f64 ULP, i.e. 2^-29 of an f32 ULP) in the well-conditioned forms (expm1, log1p, erfc, no
//! `1 - x` cancellation), so the reference error is negligible next to the f32 bounds.

/// `x / (1 + |x|)` in f64 (the division of exact f32-derived operands is exact to 2^-53).
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::softsign(1.0), 0.5);
/// assert_eq!(r::softsign(-3.0), -0.75);
/// assert_eq!(r::softsign(f64::INFINITY), 1.0);
/// ```
pub fn softsign(x: f64) -> f64 {
    if x.is_infinite() {
        return x.signum();
    }
    x / (1.0 + x.abs())
}

/// `e^x`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::exp(0.0), 1.0);
/// assert!((r::exp(1.0) - core::f64::consts::E).abs() <= f64::EPSILON * 3.0);
/// ```
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}
/// `e^x - 1`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// // No cancellation near 0, where exp(x) - 1 would give 0.
/// assert_eq!(r::expm1(1e-20), 1e-20);
/// assert!((r::expm1(1.0) - (core::f64::consts::E - 1.0)).abs() <= f64::EPSILON * 3.0);
/// ```
pub fn expm1(x: f64) -> f64 {
    libm::expm1(x)
}
/// `ln x`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::ln(1.0), 0.0);
/// assert!((r::ln(core::f64::consts::E) - 1.0).abs() <= f64::EPSILON);
/// assert!(r::ln(-1.0).is_nan());
/// ```
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}
/// `ln(1 + x)`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::ln1p(1e-20), 1e-20); // ln(1 + 1e-20) would be 0
/// assert!((r::ln1p(1.0) - core::f64::consts::LN_2).abs() <= f64::EPSILON);
/// ```
pub fn ln1p(x: f64) -> f64 {
    libm::log1p(x)
}
/// `tanh x`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// let e2 = (2.0f64).exp();
/// assert!((r::tanh(1.0) - (e2 - 1.0) / (e2 + 1.0)).abs() < 1e-15);
/// assert_eq!(r::tanh(f64::INFINITY), 1.0);
/// ```
pub fn tanh(x: f64) -> f64 {
    libm::tanh(x)
}
/// `1 / (1 + e^-x)`, as `e^x / (1 + e^x)` for negative x.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::sigmoid(0.0), 0.5);
/// assert!((r::sigmoid(2.0) + r::sigmoid(-2.0) - 1.0).abs() < 1e-15);
/// // The left tail keeps its relative accuracy: sigmoid(-700) = e^-700 to within a rounding.
/// assert!((r::sigmoid(-700.0) / (-700.0f64).exp() - 1.0).abs() < 1e-15);
/// ```
pub fn sigmoid(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let e = libm::exp(-x.abs());
    if x >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}
/// `erf x`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::erf(0.0), 0.0);
/// assert_eq!(r::erf(-0.5), -r::erf(0.5)); // odd
/// assert!((r::erf(0.5) + r::erfc(0.5) - 1.0).abs() < 1e-15);
/// ```
pub fn erf(x: f64) -> f64 {
    libm::erf(x)
}
/// `erfc x`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::erfc(0.0), 1.0);
/// // Far in the tail, where 1 - erf(x) is 0: erfc(10) ≈ 2.088e-45.
/// assert!((r::erfc(10.0) / 2.088_487_583_762_545e-45 - 1.0).abs() < 1e-12);
/// ```
pub fn erfc(x: f64) -> f64 {
    libm::erfc(x)
}
/// `ln(1 + e^x)` as `max(x, 0) + ln1p(e^-|x|)`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert!((r::softplus(0.0) - core::f64::consts::LN_2).abs() <= f64::EPSILON);
/// assert_eq!(r::softplus(1000.0), 1000.0); // no overflow of e^x
/// assert!(r::softplus(-1000.0) == 0.0 && r::softplus(-30.0) > 0.0);
/// ```
pub fn softplus(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    x.max(0.0) + libm::log1p(libm::exp(-x.abs()))
}
/// `|x|`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::abs(-2.5), 2.5);
/// assert!(r::abs(-0.0).is_sign_positive());
/// ```
pub fn abs(x: f64) -> f64 {
    libm::fabs(x)
}
/// `√x`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::sqrt(16.0), 4.0);
/// assert_eq!(r::sqrt(2.0), core::f64::consts::SQRT_2);
/// ```
pub fn sqrt(x: f64) -> f64 {
    libm::sqrt(x)
}
/// `x^n` for a small integer `n`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::powi(2.0, 10), 1024.0);
/// assert_eq!(r::powi(-3.0, 3), -27.0);
/// assert_eq!(r::powi(2.0, -2), 0.25);
/// ```
pub fn powi(x: f64, n: i32) -> f64 {
    libm::pow(x, n as f64)
}
/// `a·b + c` with a single rounding.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// // a·a = 1 + 2^-29 + 2^-60: the fused result keeps the 2^-60 the rounded product drops.
/// let a = 1.0 + 2f64.powi(-30);
/// assert_eq!(r::fma(a, a, -(a * a)), 2f64.powi(-60));
/// ```
pub fn fma(a: f64, b: f64, c: f64) -> f64 {
    libm::fma(a, b, c)
}
/// `softplus(b·x)/b` (f64 rounds `b·x` to 2^-53, negligible next to the f32 bounds).
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::softplus_beta(0.0, 2.0), core::f64::consts::LN_2 / 2.0);
/// assert_eq!(r::softplus_beta(3.0, 1.0), r::softplus(3.0));
/// ```
pub fn softplus_beta(x: f64, b: f64) -> f64 {
    softplus(b * x) / b
}
/// `sigmoid(b·x)`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::sigmoid_beta(0.0, 2.0), 0.5);
/// assert_eq!(r::sigmoid_beta(1.5, 2.0), r::sigmoid(3.0));
/// ```
pub fn sigmoid_beta(x: f64, b: f64) -> f64 {
    sigmoid(b * x)
}
/// `x·sigmoid(b·x)`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::swish(0.0, 1.0), 0.0);
/// assert_eq!(r::swish(2.0, 1.0), 2.0 * r::sigmoid(2.0));
/// assert_eq!(r::swish(1.0, 3.0), r::sigmoid(3.0));
/// ```
pub fn swish(x: f64, b: f64) -> f64 {
    x * sigmoid(b * x)
}
/// `d/dx x·sigmoid(b·x) = sigmoid(t)·(1 + t·sigmoid(-t))`, `t = b·x`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::swish_grad(0.0, 1.0), 0.5);
/// assert_eq!(r::swish_grad(f64::INFINITY, 1.0), 1.0);
/// // Agrees with a central difference of `swish`.
/// let h = 1e-6;
/// let fd = (r::swish(0.7 + h, 1.5) - r::swish(0.7 - h, 1.5)) / (2.0 * h);
/// assert!((r::swish_grad(0.7, 1.5) - fd).abs() < 1e-8);
/// ```
pub fn swish_grad(x: f64, b: f64) -> f64 {
    let t = b * x;
    if t.is_infinite() {
        return if t > 0.0 { 1.0 } else { -0.0 };
    }
    sigmoid(t) * (1.0 + t * sigmoid(-t))
}
/// `x·Φ(x) = x·erfc(-x/√2)/2`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::gelu(0.0), 0.0);
/// assert!((r::gelu(1.0) - 0.841_344_746_068_542_9).abs() < 1e-15); // Φ(1)
/// assert_eq!(r::gelu(-40.0), -0.0); // underflows to -0 without NaN
/// ```
pub fn gelu(x: f64) -> f64 {
    0.5 * x * libm::erfc(-x * core::f64::consts::FRAC_1_SQRT_2)
}
/// `Φ(x) + x·φ(x)`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::gelu_grad(0.0), 0.5);
/// let h = 1e-6;
/// let fd = (r::gelu(1.3 + h) - r::gelu(1.3 - h)) / (2.0 * h);
/// assert!((r::gelu_grad(1.3) - fd).abs() < 1e-8);
/// ```
pub fn gelu_grad(x: f64) -> f64 {
    if x.is_infinite() {
        return if x > 0.0 { 1.0 } else { -0.0 };
    }
    0.5 * libm::erfc(-x * core::f64::consts::FRAC_1_SQRT_2)
        + x * libm::exp(-0.5 * x * x) * 0.398_942_280_401_432_7
}
/// `0.5·x·(1 + tanh(sqrt(2/pi)·(x + 0.044715·x³)))`, as `x·sigmoid(2·sqrt(2/pi)·(x + c·x³))`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::gelu_tanh(0.0), 0.0);
/// // The tanh form as written.
/// let x = 1.0f64;
/// let tanh_form = 0.5 * x * (1.0 + ((2.0 / core::f64::consts::PI).sqrt() * (x + 0.044715 * x * x * x)).tanh());
/// assert!((r::gelu_tanh(x) - tanh_form).abs() < 1e-15);
/// assert!((r::gelu_tanh(x) - r::gelu(x)).abs() < 1e-3);
/// ```
pub fn gelu_tanh(x: f64) -> f64 {
    if x.is_infinite() {
        return if x > 0.0 { x } else { -0.0 };
    }
    x * sigmoid(1.595_769_121_605_730_7 * (x + 0.044715 * x * x * x))
}
/// Derivative of [`gelu_tanh`].
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::gelu_tanh_grad(0.0), 0.5);
/// let h = 1e-6;
/// let fd = (r::gelu_tanh(-0.8 + h) - r::gelu_tanh(-0.8 - h)) / (2.0 * h);
/// assert!((r::gelu_tanh_grad(-0.8) - fd).abs() < 1e-8);
/// ```
pub fn gelu_tanh_grad(x: f64) -> f64 {
    if x.is_infinite() {
        return if x > 0.0 { 1.0 } else { -0.0 };
    }
    let k = 1.595_769_121_605_730_7;
    let t = k * (x + 0.044715 * x * x * x);
    let dt = k * (1.0 + 3.0 * 0.044715 * x * x);
    sigmoid(t) * (1.0 + x * dt * sigmoid(-t))
}
/// `x·tanh(softplus(x))`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::mish(0.0), 0.0);
/// let e = core::f64::consts::E;
/// assert!((r::mish(1.0) - (1.0 + e).ln().tanh()).abs() < 1e-15);
/// assert_eq!(r::mish(f64::INFINITY), f64::INFINITY);
/// ```
pub fn mish(x: f64) -> f64 {
    if x.is_infinite() {
        return if x > 0.0 { x } else { -0.0 };
    }
    x * libm::tanh(softplus(x))
}
/// `tanh(softplus(x)) + x·sech²(softplus(x))·sigmoid(x)`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert!((r::mish_grad(0.0) - 0.6).abs() < 1e-15); // tanh(ln 2)
/// let h = 1e-6;
/// let fd = (r::mish(-1.0 + h) - r::mish(-1.0 - h)) / (2.0 * h);
/// assert!((r::mish_grad(-1.0) - fd).abs() < 1e-8);
/// ```
pub fn mish_grad(x: f64) -> f64 {
    if x.is_infinite() {
        return if x > 0.0 { 1.0 } else { -0.0 };
    }
    let sp = softplus(x);
    let t = libm::tanh(sp);
    let c = libm::cosh(sp);
    t + x * sigmoid(x) / (c * c)
}
/// `m·e^x`.
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// assert_eq!(r::mul_exp(3.0, 0.0), 3.0);
/// assert!((r::mul_exp(3.0, core::f64::consts::LN_2) - 6.0).abs() < 1e-14);
/// ```
pub fn mul_exp(m: f64, x: f64) -> f64 {
    m * libm::exp(x)
}
/// `x - tanh(x)`: the Taylor series below 0.1 (where the difference would cancel), the
/// difference above (its relative error there is below 1e-13).
///
/// ```
/// use activation_kernels::math::reference as r;
///
/// // Near 0 the series keeps full relative accuracy: x - tanh(x) ≈ x³/3 - 2x⁵/15.
/// let x = 1e-3f64;
/// let series = x * x * x / 3.0 - 2.0 * x.powi(5) / 15.0;
/// assert!((r::tanhshrink(x) / series - 1.0).abs() < 1e-9);
/// assert!((r::tanhshrink(2.0) - (2.0 - 2.0f64.tanh())).abs() < 1e-15);
/// ```
pub fn tanhshrink(x: f64) -> f64 {
    if x.abs() < 0.1 {
        // x^3/3 - 2x^5/15 + 17x^7/315 - 62x^9/2835 + 1382x^11/155925 - 21844x^13/6081075
        let t = x * x;
        let p = 1.0 / 3.0
            + t * (-2.0 / 15.0
                + t * (17.0 / 315.0
                    + t * (-62.0 / 2835.0 + t * (1382.0 / 155925.0 - t * (21844.0 / 6081075.0)))));
        x * t * p
    } else {
        x - libm::tanh(x)
    }
}

/// A number type the activations' reference formulas can be evaluated in: `f64` (with the
/// functions of this module) or, in the crate's tests, MPFR numbers at 256 bits, which judge
/// the f64 kernels. `#[activation]` generates
/// [`Activation::forward_reference_in`](crate::Activation::forward_reference_in) and friends
/// generic over it; implement it for your own higher-precision type to evaluate any
/// activation's exact formula there.
///
/// ```
/// use activation_kernels::{Activation, RefFloat, activations::Elu};
///
/// assert_eq!(<f64 as RefFloat>::from_f64(2.0), 2.0);
/// // The generic reference at f64 is the f64 reference.
/// assert_eq!(Elu::default().forward_reference_in(-1.0f64), Elu::default().forward_reference(-1.0));
/// ```
#[allow(missing_docs)]
pub trait RefFloat:
    Clone
    + PartialOrd
    + core::ops::Add<Output = Self>
    + core::ops::Sub<Output = Self>
    + core::ops::Mul<Output = Self>
    + core::ops::Div<Output = Self>
    + core::ops::Neg<Output = Self>
{
    /// The exact value of `v` in this type.
    fn from_f64(v: f64) -> Self;
    /// Whether the value is NaN.
    fn is_nan(&self) -> bool;
    fn exp(x: Self) -> Self;
    fn expm1(x: Self) -> Self;
    fn ln(x: Self) -> Self;
    fn ln1p(x: Self) -> Self;
    fn tanh(x: Self) -> Self;
    fn sigmoid(x: Self) -> Self;
    fn erf(x: Self) -> Self;
    fn erfc(x: Self) -> Self;
    fn softplus(x: Self) -> Self;
    fn softsign(x: Self) -> Self;
    fn gelu(x: Self) -> Self;
    fn gelu_grad(x: Self) -> Self;
    fn gelu_tanh(x: Self) -> Self;
    fn gelu_tanh_grad(x: Self) -> Self;
    fn mish(x: Self) -> Self;
    fn mish_grad(x: Self) -> Self;
    fn tanhshrink(x: Self) -> Self;
    fn abs(x: Self) -> Self;
    fn sqrt(x: Self) -> Self;
    fn powi(x: Self, n: i32) -> Self;
    fn fma(a: Self, b: Self, c: Self) -> Self;
    fn swish(x: Self, b: Self) -> Self;
    fn swish_grad(x: Self, b: Self) -> Self;
    fn mul_exp(m: Self, x: Self) -> Self;
    fn softplus_beta(x: Self, b: Self) -> Self;
    fn sigmoid_beta(x: Self, b: Self) -> Self;
}

macro_rules! ref_f64 {
    ($($f:ident($($a:ident),*);)*) => {
        $(
            #[inline]
            fn $f($($a: f64),*) -> f64 {
                $f($($a),*)
            }
        )*
    };
}

impl RefFloat for f64 {
    #[inline]
    fn from_f64(v: f64) -> f64 {
        v
    }
    #[inline]
    fn is_nan(&self) -> bool {
        f64::is_nan(*self)
    }
    ref_f64! {
        exp(x); expm1(x); ln(x); ln1p(x); tanh(x); sigmoid(x); erf(x); erfc(x); softplus(x);
        softsign(x); gelu(x); gelu_grad(x); gelu_tanh(x); gelu_tanh_grad(x); mish(x);
        mish_grad(x); tanhshrink(x); abs(x); sqrt(x); fma(a, b, c); swish(x, b);
        swish_grad(x, b); mul_exp(m, x); softplus_beta(x, b); sigmoid_beta(x, b);
    }
    #[inline]
    fn powi(x: f64, n: i32) -> f64 {
        powi(x, n)
    }
}
