//! Deterministic pseudo-random inputs.

use activation_kernels::math::MathFn;

/// `n` pseudo-random values uniform in `[-10, 10]` (xorshift32, fixed seed: every run and every
/// variant sees the same data).
pub fn uniform(n: usize) -> Vec<f32> {
    let mut s: u32 = 0x9E37_79B9;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s as f32 / u32::MAX as f32) * 20.0 - 10.0
        })
        .collect()
}

/// `n` pseudo-random values with a bell-shaped distribution on `[-scale, scale]`: each is the
/// mean of four [`uniform`]-style draws (Irwin–Hall, standard deviation ≈ `0.29·scale`), so
/// most values sit near zero, where activations bend, with a thin tail out to `±scale`. Like
/// activations of a trained network, and unlike [`uniform`] data, which spends most elements
/// in the saturated tails. `seed` selects an independent stream (inputs vs upstream gradients).
pub fn normalish(n: usize, scale: f32, seed: u32) -> Vec<f32> {
    let mut s: u32 = 0x9E37_79B9 ^ seed.wrapping_mul(0x85EB_CA6B);
    if s == 0 {
        s = 1;
    }
    let mut draw = move || {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        s as f32 / u32::MAX as f32
    };
    (0..n)
        .map(|_| {
            let sum = draw() + draw() + draw() + draw(); // in [0, 4], mean 2
            ((sum - 2.0) * 0.5 * scale).clamp(-scale, scale)
        })
        .collect()
}

/// Activation inputs: [`normalish`] on `[-8, 8]` (standard deviation ≈ 2.3).
pub fn activation_inputs(n: usize) -> Vec<f32> {
    normalish(n, 8.0, 1)
}

/// Upstream gradients for backward benches: [`normalish`] on `[-1, 1]`, another stream.
pub fn upstream_gradients(n: usize) -> Vec<f32> {
    normalish(n, 1.0, 2)
}

/// Inputs for `f`: [`uniform`], folded into the function's domain (`ln` gets `|x| + 1e-3`,
/// `ln1p` gets `|x|`).
pub fn for_math(f: MathFn, n: usize) -> Vec<f32> {
    let mut x = uniform(n);
    match f {
        MathFn::Ln => x.iter_mut().for_each(|v| *v = v.abs() + 1e-3),
        MathFn::Ln1p => x.iter_mut().for_each(|v| *v = v.abs()),
        _ => {}
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_in_range() {
        let a = uniform(10_000);
        assert_eq!(a, uniform(10_000));
        assert!(a.iter().all(|v| (-10.0..=10.0).contains(v)));
        assert!(a.iter().any(|&v| v < -9.0) && a.iter().any(|&v| v > 9.0));
        assert!(for_math(MathFn::Ln, 1000).iter().all(|&v| v >= 1e-3));
        assert!(for_math(MathFn::Ln1p, 1000).iter().all(|&v| v >= 0.0));
    }

    #[test]
    fn normalish_is_bell_shaped_and_in_range() {
        let x = activation_inputs(100_000);
        assert_eq!(x, activation_inputs(100_000));
        assert!(x.iter().all(|v| (-8.0..=8.0).contains(v)));
        let mean = x.iter().map(|&v| v as f64).sum::<f64>() / x.len() as f64;
        let sd =
            (x.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / x.len() as f64).sqrt();
        assert!(mean.abs() < 0.05, "mean {mean}");
        assert!((sd - 8.0 / 12f64.sqrt()).abs() < 0.05, "sd {sd}"); // Irwin–Hall(4)/4 on [-8, 8]
        let within_1sd = x.iter().filter(|v| (v.abs() as f64) < sd).count() as f64 / 1e5;
        assert!((0.63..0.71).contains(&within_1sd), "{within_1sd}");
        assert!(x.iter().any(|&v| v < -6.0) && x.iter().any(|&v| v > 6.0));
        let g = upstream_gradients(1000);
        assert!(g.iter().all(|v| (-1.0..=1.0).contains(v)));
        assert_ne!(&g[..], &normalish(1000, 1.0, 1)[..]);
    }
}
