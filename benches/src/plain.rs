//! Plain scalar Rust loops of the textbook formulas: the baseline a user would write by hand.
//!
//! Every built-in activation with a textbook form has one: `f(x)` and `f'(x)` in plain `f32`
//! arithmetic with `std` / `libm` functions (`1/(1+(-x).exp())`, `x.tanh()`, `libm::erff`, ...),
//! at the activation's default parameters, in simple element loops for the four entry points
//! the benches time (forward, forward in place, backward `dx = dy·f'(x)`, forward with
//! derivative).
//!
//! Two builds of the same loops:
//! * [`loops`]`(name, Build::Default)`: compiled for the crate's target (SSE2 on plain x86-64),
//!   the loop a user gets without special flags;
//! * [`loops`]`(name, Build::Avx2)`: the same source compiled with `avx2,fma` enabled
//!   (`#[target_feature]`), i.e. what `-C target-cpu=native` gives on an AVX2 machine. The
//!   compiler auto-vectorises what it can (the cheap activations); calls such as `f32::exp`
//!   stay scalar library calls. x86-64 only, and only when the CPU has AVX2 and FMA.
//! * [`loops`]`(name, Build::Avx512)`: the same with AVX-512 F/BW/CD/DQ/VL enabled too, what
//!   `-C target-cpu=native` gives on an AVX-512 machine (only where the CPU has them).
//!
//! The loops use no `mul_add` and Rust does not contract `a*b+c`, so both builds compute the
//! same bits.

/// The textbook `f` and `f'` of one activation (default parameters).
trait Textbook {
    /// Canonical activation name (`activation_kernels::registry`).
    const NAME: &'static str;
    fn f(x: f32) -> f32;
    fn df(x: f32) -> f32;
}

/// Which compilation of the loops.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Build {
    /// Compiled for the crate's target.
    Default,
    /// Compiled with `#[target_feature(enable = "avx2,fma")]` (x86-64 with AVX2+FMA only).
    Avx2,
    /// Compiled with AVX-512 F/BW/CD/DQ/VL (plus AVX2 and FMA) enabled: what
    /// `-C target-cpu=native` gives on an AVX-512 machine (x86-64 with those features only).
    Avx512,
}

impl Build {
    /// Whether this build can run here.
    pub fn is_available(self) -> bool {
        match self {
            Build::Default => true,
            Build::Avx2 => avx2_fma(),
            Build::Avx512 => avx512(),
        }
    }
}

fn avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

fn avx512() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        avx2_fma()
            && std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512cd")
            && std::arch::is_x86_feature_detected!("avx512dq")
            && std::arch::is_x86_feature_detected!("avx512vl")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The four plain loops of one activation.
#[derive(Copy, Clone)]
pub struct Loops {
    /// `y[i] = f(x[i])`.
    pub forward: fn(&[f32], &mut [f32]),
    /// `v[i] = f(v[i])`.
    pub forward_in_place: fn(&mut [f32]),
    /// `dx[i] = dy[i]·f'(x[i])`, arguments `(x, dy, dx)`.
    pub backward: fn(&[f32], &[f32], &mut [f32]),
    /// `y[i] = f(x[i])`, `d[i] = f'(x[i])`, arguments `(x, y, d)`.
    pub forward_with_derivative: fn(&[f32], &mut [f32], &mut [f32]),
}

#[track_caller]
fn same_len(a: usize, b: usize) {
    assert_eq!(a, b, "plain loop: slice lengths differ");
}

// The loop bodies, one generic instance per activation. `#[inline(always)]` so that the AVX2
// wrappers below compile them with their target features.
#[inline(always)]
fn fwd_body<T: Textbook>(x: &[f32], y: &mut [f32]) {
    same_len(x.len(), y.len());
    for (y, &x) in y.iter_mut().zip(x) {
        *y = T::f(x);
    }
}
#[inline(always)]
fn fwd_in_place_body<T: Textbook>(v: &mut [f32]) {
    for v in v.iter_mut() {
        *v = T::f(*v);
    }
}
#[inline(always)]
fn bwd_body<T: Textbook>(x: &[f32], dy: &[f32], dx: &mut [f32]) {
    same_len(x.len(), dx.len());
    same_len(dy.len(), dx.len());
    for ((dx, &x), &dy) in dx.iter_mut().zip(x).zip(dy) {
        *dx = dy * T::df(x);
    }
}
#[inline(always)]
fn fwd_deriv_body<T: Textbook>(x: &[f32], y: &mut [f32], d: &mut [f32]) {
    same_len(x.len(), y.len());
    same_len(x.len(), d.len());
    for ((y, d), &x) in y.iter_mut().zip(d.iter_mut()).zip(x) {
        *y = T::f(x);
        *d = T::df(x);
    }
}

#[inline(never)]
fn fwd<T: Textbook>(x: &[f32], y: &mut [f32]) {
    fwd_body::<T>(x, y)
}
#[inline(never)]
fn fwd_in_place<T: Textbook>(v: &mut [f32]) {
    fwd_in_place_body::<T>(v)
}
#[inline(never)]
fn bwd<T: Textbook>(x: &[f32], dy: &[f32], dx: &mut [f32]) {
    bwd_body::<T>(x, dy, dx)
}
#[inline(never)]
fn fwd_deriv<T: Textbook>(x: &[f32], y: &mut [f32], d: &mut [f32]) {
    fwd_deriv_body::<T>(x, y, d)
}

/// One `#[target_feature]` build of the four loops: a module `$m` with safe entry points that
/// assert `$detect` (the CPU has the features) before calling the feature-enabled bodies.
#[cfg(target_arch = "x86_64")]
macro_rules! feature_build {
    ($m:ident, $features:literal, $detect:ident) => {
        mod $m {
            use super::*;

            #[target_feature(enable = $features)]
            fn fwd_tf<T: Textbook>(x: &[f32], y: &mut [f32]) {
                fwd_body::<T>(x, y)
            }
            #[target_feature(enable = $features)]
            fn fwd_in_place_tf<T: Textbook>(v: &mut [f32]) {
                fwd_in_place_body::<T>(v)
            }
            #[target_feature(enable = $features)]
            fn bwd_tf<T: Textbook>(x: &[f32], dy: &[f32], dx: &mut [f32]) {
                bwd_body::<T>(x, dy, dx)
            }
            #[target_feature(enable = $features)]
            fn fwd_deriv_tf<T: Textbook>(x: &[f32], y: &mut [f32], d: &mut [f32]) {
                fwd_deriv_body::<T>(x, y, d)
            }

            #[track_caller]
            fn check_cpu() {
                assert!($detect(), concat!("plain loop build needs ", $features));
            }

            // Safe entry points (function pointers in `Loops` cannot be `#[target_feature]`
            // functions): each checks the CPU first.
            #[inline(never)]
            pub(crate) fn fwd<T: Textbook>(x: &[f32], y: &mut [f32]) {
                check_cpu();
                // SAFETY: `check_cpu` asserted that the CPU has every feature enabled on
                // `fwd_tf`.
                unsafe { fwd_tf::<T>(x, y) }
            }
            #[inline(never)]
            pub(crate) fn fwd_in_place<T: Textbook>(v: &mut [f32]) {
                check_cpu();
                // SAFETY: as in `fwd`: the features were checked.
                unsafe { fwd_in_place_tf::<T>(v) }
            }
            #[inline(never)]
            pub(crate) fn bwd<T: Textbook>(x: &[f32], dy: &[f32], dx: &mut [f32]) {
                check_cpu();
                // SAFETY: as in `fwd`: the features were checked.
                unsafe { bwd_tf::<T>(x, dy, dx) }
            }
            #[inline(never)]
            pub(crate) fn fwd_deriv<T: Textbook>(x: &[f32], y: &mut [f32], d: &mut [f32]) {
                check_cpu();
                // SAFETY: as in `fwd`: the features were checked.
                unsafe { fwd_deriv_tf::<T>(x, y, d) }
            }
        }
    };
}

#[cfg(target_arch = "x86_64")]
feature_build!(x86_avx2, "avx2,fma", avx2_fma);
#[cfg(target_arch = "x86_64")]
feature_build!(
    x86_avx512,
    "avx512f,avx512bw,avx512cd,avx512dq,avx512vl,avx2,fma",
    avx512
);

fn loops_of<T: Textbook>(build: Build) -> Option<Loops> {
    match build {
        Build::Default => Some(Loops {
            forward: fwd::<T>,
            forward_in_place: fwd_in_place::<T>,
            backward: bwd::<T>,
            forward_with_derivative: fwd_deriv::<T>,
        }),
        #[cfg(target_arch = "x86_64")]
        Build::Avx2 if avx2_fma() => Some(Loops {
            forward: x86_avx2::fwd::<T>,
            forward_in_place: x86_avx2::fwd_in_place::<T>,
            backward: x86_avx2::bwd::<T>,
            forward_with_derivative: x86_avx2::fwd_deriv::<T>,
        }),
        #[cfg(target_arch = "x86_64")]
        Build::Avx512 if avx512() => Some(Loops {
            forward: x86_avx512::fwd::<T>,
            forward_in_place: x86_avx512::fwd_in_place::<T>,
            backward: x86_avx512::bwd::<T>,
            forward_with_derivative: x86_avx512::fwd_deriv::<T>,
        }),
        Build::Avx2 | Build::Avx512 => None,
    }
}

macro_rules! textbook {
    ($($ty:ident $name:literal: f = |$x:ident| $f:expr, df = |$dx:ident| $df:expr;)*) => {
        $(
            struct $ty;
            impl Textbook for $ty {
                const NAME: &'static str = $name;
                #[inline(always)]
                fn f($x: f32) -> f32 {
                    $f
                }
                #[inline(always)]
                fn df($dx: f32) -> f32 {
                    $df
                }
            }
        )*

        /// Canonical names of the activations that have a textbook loop.
        pub const NAMES: &[&str] = &[$($name),*];

        /// The plain loops of the activation with canonical name `name`, in `build`; `None`
        /// if it has no textbook loop or `build` cannot run here.
        pub fn loops(name: &str, build: Build) -> Option<Loops> {
            $(if name == <$ty as Textbook>::NAME {
                return loops_of::<$ty>(build);
            })*
            None
        }
    };
}

/// `1/(1 + e^-x)`.
#[inline(always)]
fn sig(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

const SQRT_2_OVER_PI: f32 = 0.797_884_6;
const GELU_TANH_C: f32 = 0.044715;
const SELU_SCALE: f32 = 1.050_701;
const SELU_ALPHA: f32 = 1.673_263_2;

textbook! {
    Relu "relu":
        f = |x| x.max(0.0),
        df = |x| if x > 0.0 { 1.0 } else { 0.0 };
    LeakyRelu "leaky_relu":
        f = |x| if x > 0.0 { x } else { 0.01 * x },
        df = |x| if x > 0.0 { 1.0 } else { 0.01 };
    Relu6 "relu6":
        f = |x| x.clamp(0.0, 6.0),
        df = |x| if x > 0.0 && x <= 6.0 { 1.0 } else { 0.0 };
    Hardtanh "hardtanh":
        f = |x| x.clamp(-1.0, 1.0),
        df = |x| if x > -1.0 && x <= 1.0 { 1.0 } else { 0.0 };
    Elu "elu":
        f = |x| if x > 0.0 { x } else { x.exp() - 1.0 },
        df = |x| if x > 0.0 { 1.0 } else { x.exp() };
    Selu "selu":
        f = |x| SELU_SCALE * if x > 0.0 { x } else { SELU_ALPHA * (x.exp() - 1.0) },
        df = |x| SELU_SCALE * if x > 0.0 { 1.0 } else { SELU_ALPHA * x.exp() };
    Sigmoid "sigmoid":
        f = |x| sig(x),
        df = |x| { let s = sig(x); s * (1.0 - s) };
    HardSigmoid "hard_sigmoid":
        f = |x| (0.2 * x + 0.5).clamp(0.0, 1.0),
        df = |x| if x > -2.5 && x <= 2.5 { 0.2 } else { 0.0 };
    Swish "swish":
        f = |x| x * sig(x),
        df = |x| { let s = sig(x); s + x * s * (1.0 - s) };
    Gelu "gelu":
        f = |x| 0.5 * x * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2)),
        df = |x| {
            let cdf = 0.5 * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2));
            let pdf = (-0.5 * x * x).exp() * (0.5 * std::f32::consts::FRAC_2_SQRT_PI
                * std::f32::consts::FRAC_1_SQRT_2);
            cdf + x * pdf
        };
    GeluTanh "gelu_tanh":
        f = |x| 0.5 * x * (1.0 + (SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x)).tanh()),
        df = |x| {
            let t = (SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x)).tanh();
            0.5 * (1.0 + t)
                + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_TANH_C * x * x)
        };
    Mish "mish":
        f = |x| x * x.exp().ln_1p().tanh(),
        df = |x| {
            let t = x.exp().ln_1p().tanh();
            t + x * (1.0 - t * t) * sig(x)
        };
    HardSwish "hard_swish":
        f = |x| x * (x + 3.0).clamp(0.0, 6.0) / 6.0,
        df = |x| if x <= -3.0 { 0.0 } else if x > 3.0 { 1.0 } else { (2.0 * x + 3.0) / 6.0 };
    Softplus "softplus":
        f = |x| x.exp().ln_1p(),
        df = |x| sig(x);
    Softsign "softsign":
        f = |x| x / (1.0 + x.abs()),
        df = |x| { let d = 1.0 + x.abs(); 1.0 / (d * d) };
    Tanh "tanh":
        f = |x| x.tanh(),
        df = |x| { let t = x.tanh(); 1.0 - t * t };
    Linear "linear":
        f = |x| x,
        df = |_x| 1.0;
    Exponential "exponential":
        f = |x| x.exp(),
        df = |x| x.exp();
    Tanhshrink "tanhshrink":
        f = |x| x - x.tanh(),
        df = |x| { let t = x.tanh(); t * t };
    GeneralRelu "general_relu":
        f = |x| if x > 0.0 { x } else { 0.0 },
        df = |x| if x > 0.0 { 1.0 } else { 0.0 };
}

/// Textbook row-wise loops (softmax family), default target only: per row the max, `exp(x -
/// max)` (or of `max - x` for softmin), their sum, then a division (softmax, softmin) or
/// `x - max - ln(sum)` (log-softmax); backward from the output `y`: softmax
/// `dx = y·(dy - Σ dy·y)`, softmin `dx = -y·(dy - Σ dy·y)`, log-softmax `dx = dy - e^y·Σ dy`.
/// Plain `f32` sums in element order.
#[derive(Copy, Clone)]
pub struct RowLoops {
    /// `y = f(x)` row by row, arguments `(x, y, row_len)`.
    pub forward: fn(&[f32], &mut [f32], usize),
    /// `v = f(v)` row by row.
    pub forward_in_place: fn(&mut [f32], usize),
    /// `dx` from `(y, dy)`, arguments `(y, dy, dx, row_len)`.
    pub backward: fn(&[f32], &[f32], &mut [f32], usize),
}

/// Which member of the softmax family (const parameter of the row loops).
const SOFTMAX: u8 = 0;
const LOG_SOFTMAX: u8 = 1;
const SOFTMIN: u8 = 2;

#[inline(always)]
fn row_forward<const K: u8>(x: &[f32], y: &mut [f32]) {
    let sign = if K == SOFTMIN { -1.0f32 } else { 1.0 };
    let mut m = f32::NEG_INFINITY;
    for &v in x {
        m = m.max(sign * v);
    }
    let mut sum = 0.0f32;
    for (y, &v) in y.iter_mut().zip(x) {
        let e = (sign * v - m).exp();
        sum += e;
        if K != LOG_SOFTMAX {
            *y = e;
        }
    }
    if K == LOG_SOFTMAX {
        let l = m + sum.ln();
        for (y, &v) in y.iter_mut().zip(x) {
            *y = v - l;
        }
    } else {
        for y in y.iter_mut() {
            *y /= sum;
        }
    }
}

#[inline(never)]
fn rows_forward<const K: u8>(x: &[f32], y: &mut [f32], row_len: usize) {
    same_len(x.len(), y.len());
    for (x, y) in x.chunks_exact(row_len).zip(y.chunks_exact_mut(row_len)) {
        row_forward::<K>(x, y);
    }
}

#[inline(never)]
fn rows_forward_in_place<const K: u8>(v: &mut [f32], row_len: usize) {
    let sign = if K == SOFTMIN { -1.0f32 } else { 1.0 };
    for row in v.chunks_exact_mut(row_len) {
        let mut m = f32::NEG_INFINITY;
        for &v in row.iter() {
            m = m.max(sign * v);
        }
        let mut sum = 0.0f32;
        if K == LOG_SOFTMAX {
            for &v in row.iter() {
                sum += (v - m).exp();
            }
            let l = m + sum.ln();
            for v in row.iter_mut() {
                *v -= l;
            }
        } else {
            for v in row.iter_mut() {
                *v = (sign * *v - m).exp();
                sum += *v;
            }
            for v in row.iter_mut() {
                *v /= sum;
            }
        }
    }
}

#[inline(never)]
fn rows_backward<const K: u8>(y: &[f32], dy: &[f32], dx: &mut [f32], row_len: usize) {
    same_len(y.len(), dx.len());
    same_len(dy.len(), dx.len());
    let rows = y
        .chunks_exact(row_len)
        .zip(dy.chunks_exact(row_len))
        .zip(dx.chunks_exact_mut(row_len));
    for ((y, dy), dx) in rows {
        if K == LOG_SOFTMAX {
            let s: f32 = dy.iter().sum();
            for ((dx, &y), &dy) in dx.iter_mut().zip(y).zip(dy) {
                *dx = dy - y.exp() * s;
            }
        } else {
            let sign = if K == SOFTMIN { -1.0f32 } else { 1.0 };
            let mut dot = 0.0f32;
            for (&y, &dy) in y.iter().zip(dy) {
                dot += y * dy;
            }
            for ((dx, &y), &dy) in dx.iter_mut().zip(y).zip(dy) {
                *dx = sign * y * (dy - dot);
            }
        }
    }
}

fn row_loops_of<const K: u8>() -> RowLoops {
    RowLoops {
        forward: rows_forward::<K>,
        forward_in_place: rows_forward_in_place::<K>,
        backward: rows_backward::<K>,
    }
}

/// The textbook row loops of `softmax`, `log_softmax` or `softmin`.
pub fn row_loops(name: &str) -> Option<RowLoops> {
    match name {
        "softmax" => Some(row_loops_of::<SOFTMAX>()),
        "log_softmax" => Some(row_loops_of::<LOG_SOFTMAX>()),
        "softmin" => Some(row_loops_of::<SOFTMIN>()),
        _ => None,
    }
}

/// Panics unless every textbook loop agrees with the activation of the same name in
/// `activation_kernels::registry` (default parameters) on `x`, forward and derivative, on
/// every available ISA, within a loose tolerance (`|a - b| ≤ 1e-4·max(|a|, |b|) + 1e-5`: the
/// textbook forms lose accuracy in places, e.g. `e^x - 1` near 0), and unless both builds
/// give the same bits. Guards against a baseline silently computing something else.
pub fn check_against_kernels(x: &[f32]) {
    use activation_kernels::{Isa, registry};
    let n = x.len();
    let dy = vec![1.0f32; n];
    for &name in NAMES {
        let act = registry::lookup(name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(act.info().name, name, "textbook loop under an alias");
        let l = loops(name, Build::Default).expect("default build");
        let (mut y, mut d, mut y2, mut d2, mut g) = (
            vec![0.0; n],
            vec![0.0; n],
            vec![0.0; n],
            vec![0.0; n],
            vec![0.0; n],
        );
        (l.forward)(x, &mut y);
        (l.forward_with_derivative)(x, &mut y2, &mut d);
        (l.backward)(x, &dy, &mut g);
        let mut v = x.to_vec();
        (l.forward_in_place)(&mut v);
        assert_eq!(
            bits(&y),
            bits(&y2),
            "{name}: forward vs forward_with_derivative"
        );
        assert_eq!(bits(&y), bits(&v), "{name}: forward vs in place");
        assert_eq!(
            bits(&d),
            bits(&g),
            "{name}: derivative vs backward with dy = 1"
        );
        for isa in Isa::available() {
            act.forward_with_derivative_on(isa, x, &mut y2, &mut d2);
            close(name, "f", isa, x, &y, &y2);
            close(name, "f'", isa, x, &d, &d2);
        }
        if let Some(a) = loops(name, Build::Avx2) {
            (a.forward)(x, &mut y2);
            assert_eq!(bits(&y), bits(&y2), "{name}: avx2 build forward");
            (a.forward_with_derivative)(x, &mut y2, &mut d2);
            assert_eq!(bits(&y), bits(&y2), "{name}: avx2 build fwd+d (y)");
            assert_eq!(bits(&d), bits(&d2), "{name}: avx2 build fwd+d (d)");
            (a.backward)(x, &dy, &mut g);
            assert_eq!(bits(&d), bits(&g), "{name}: avx2 build backward");
            let mut v = x.to_vec();
            (a.forward_in_place)(&mut v);
            assert_eq!(bits(&y), bits(&v), "{name}: avx2 build in place");
        }
    }
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|v| v.to_bits()).collect()
}

#[track_caller]
fn close(
    name: &str,
    what: &str,
    isa: activation_kernels::Isa,
    x: &[f32],
    plain: &[f32],
    ours: &[f32],
) {
    for ((&xi, &p), &o) in x.iter().zip(plain).zip(ours) {
        let tol = 1e-4 * p.abs().max(o.abs()) + 1e-5;
        assert!(
            (p - o).abs() <= tol,
            "textbook {what} of {name} disagrees with {isa} at x = {xi}: {p} vs {o}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_loops_match_the_kernels() {
        let mut x = crate::inputs::activation_inputs(4096);
        // Some kinks of the piecewise activations (not hard_sigmoid's corners at ±2.5, where the kernel
        // decides the side exactly and the textbook formula on the rounded `0.2·x + 0.5` does not).
        x.extend([-8.0, -1.0, -0.0, 0.0, 1.0, 6.0, 8.0, 1e-3, -1e-3]);
        check_against_kernels(&x);
    }

    #[test]
    fn a_wrong_baseline_is_caught() {
        let x = crate::inputs::activation_inputs(256);
        let l = loops("tanh", Build::Default).unwrap();
        let mut y = vec![0.0; x.len()];
        (l.forward)(&x, &mut y);
        let mut ours = vec![0.0; x.len()];
        activation_kernels::registry::lookup("sigmoid")
            .unwrap()
            .forward(&x, &mut ours);
        let r = std::panic::catch_unwind(|| {
            close("tanh", "f", activation_kernels::Isa::Scalar, &x, &y, &ours)
        });
        assert!(r.is_err());
    }

    #[test]
    fn textbook_row_loops_match_the_kernels() {
        use activation_kernels::rowwise::{LogSoftmax, RowActivation, Softmax, Softmin};
        fn check<R: RowActivation>(r: R, x: &[f32], dy: &[f32], row_len: usize) {
            let l = row_loops(r.name()).unwrap();
            let n = x.len();
            let (mut y, mut y2, mut dx, mut dx2) =
                (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
            (l.forward)(x, &mut y, row_len);
            let mut v = x.to_vec();
            (l.forward_in_place)(&mut v, row_len);
            assert_eq!(bits(&y), bits(&v), "{}: in place", r.name());
            r.forward_on(activation_kernels::Isa::Scalar, x, &mut y2, row_len);
            close(r.name(), "f", activation_kernels::Isa::Scalar, x, &y, &y2);
            (l.backward)(&y2, dy, &mut dx, row_len);
            r.backward_from_output_on(activation_kernels::Isa::Scalar, &y2, dy, &mut dx2, row_len);
            close(
                r.name(),
                "backward",
                activation_kernels::Isa::Scalar,
                x,
                &dx,
                &dx2,
            );
        }
        let x = crate::inputs::activation_inputs(3 * 1024);
        let dy = crate::inputs::upstream_gradients(3 * 1024);
        for row_len in [1, 7, 128, 1024] {
            let n = x.len() / row_len * row_len;
            check(Softmax::new(), &x[..n], &dy[..n], row_len);
            check(LogSoftmax::new(), &x[..n], &dy[..n], row_len);
            check(Softmin::new(), &x[..n], &dy[..n], row_len);
        }
        assert!(row_loops("softplus").is_none());
    }

    #[test]
    fn names_are_registry_names_and_unknown_is_none() {
        for &n in NAMES {
            assert!(activation_kernels::registry::lookup(n).is_ok(), "{n}");
        }
        assert!(loops("no_such_activation", Build::Default).is_none());
        assert_eq!(
            loops("relu", Build::Avx2).is_some(),
            Build::Avx2.is_available()
        );
    }
}
