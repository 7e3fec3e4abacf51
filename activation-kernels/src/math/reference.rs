//! f64 reference implementations that judge the f32 kernels.
//!
//! They use the `libm` crate (a port of musl's libm: every function below is accurate to about
//! 1 f64 ULP, i.e. 2^-29 of an f32 ULP) in the well-conditioned forms (expm1, log1p, erfc, no
//! `1 - x` cancellation), so the reference error is negligible next to the f32 bounds.

/// `e^x`.
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}
/// `e^x - 1`.
pub fn expm1(x: f64) -> f64 {
    libm::expm1(x)
}
/// `ln x`.
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}
/// `ln(1 + x)`.
pub fn ln1p(x: f64) -> f64 {
    libm::log1p(x)
}
/// `tanh x`.
pub fn tanh(x: f64) -> f64 {
    libm::tanh(x)
}
/// `1 / (1 + e^-x)`, as `e^x / (1 + e^x)` for negative x.
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
pub fn erf(x: f64) -> f64 {
    libm::erf(x)
}
/// `erfc x`.
pub fn erfc(x: f64) -> f64 {
    libm::erfc(x)
}
/// `ln(1 + e^x)` as `max(x, 0) + ln1p(e^-|x|)`.
pub fn softplus(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    x.max(0.0) + libm::log1p(libm::exp(-x.abs()))
}
/// `|x|`.
pub fn abs(x: f64) -> f64 {
    libm::fabs(x)
}
/// `√x`.
pub fn sqrt(x: f64) -> f64 {
    libm::sqrt(x)
}
/// `x^n` for a small integer `n`.
pub fn powi(x: f64, n: i32) -> f64 {
    libm::pow(x, n as f64)
}
/// `a·b + c` with a single rounding.
pub fn fma(a: f64, b: f64, c: f64) -> f64 {
    libm::fma(a, b, c)
}
/// `x·sigmoid(b·x)`.
pub fn swish(x: f64, b: f64) -> f64 {
    x * sigmoid(b * x)
}
/// `d/dx x·sigmoid(b·x) = sigmoid(t)·(1 + t·sigmoid(-t))`, `t = b·x`.
pub fn swish_grad(x: f64, b: f64) -> f64 {
    let t = b * x;
    if t.is_infinite() {
        return if t > 0.0 { 1.0 } else { -0.0 };
    }
    sigmoid(t) * (1.0 + t * sigmoid(-t))
}
/// `x·Φ(x) = x·erfc(-x/√2)/2`.
pub fn gelu(x: f64) -> f64 {
    0.5 * x * libm::erfc(-x * core::f64::consts::FRAC_1_SQRT_2)
}
/// `Φ(x) + x·φ(x)`.
pub fn gelu_grad(x: f64) -> f64 {
    if x.is_infinite() {
        return if x > 0.0 { 1.0 } else { -0.0 };
    }
    0.5 * libm::erfc(-x * core::f64::consts::FRAC_1_SQRT_2)
        + x * libm::exp(-0.5 * x * x) * 0.398_942_280_401_432_7
}
/// `0.5·x·(1 + tanh(sqrt(2/pi)·(x + 0.044715·x³)))`, as `x·sigmoid(2·sqrt(2/pi)·(x + c·x³))`.
pub fn gelu_tanh(x: f64) -> f64 {
    if x.is_infinite() {
        return if x > 0.0 { x } else { -0.0 };
    }
    x * sigmoid(1.595_769_121_605_730_7 * (x + 0.044715 * x * x * x))
}
/// Derivative of [`gelu_tanh`].
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
pub fn mish(x: f64) -> f64 {
    if x.is_infinite() {
        return if x > 0.0 { x } else { -0.0 };
    }
    x * libm::tanh(softplus(x))
}
/// `tanh(softplus(x)) + x·sech²(softplus(x))·sigmoid(x)`.
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
pub fn mul_exp(m: f64, x: f64) -> f64 {
    m * libm::exp(x)
}
/// `x - tanh(x)`: the Taylor series below 0.1 (where the difference would cancel), the
/// difference above (its relative error there is below 1e-13).
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
