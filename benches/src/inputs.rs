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
}
