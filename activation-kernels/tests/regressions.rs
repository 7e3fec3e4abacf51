//! Inputs found by fuzzing, kept as regression tests (one test per finding).

use activation_kernels::activations::HardSigmoid;
use activation_kernels::{Activation, Isa};

/// fuzz/activation_differential: `hard_sigmoid'(2.5)` returned the slope 0.2 because the
/// rounded `0.2f·2.5 + 0.5` is exactly 1.0 (the corner), while the exact value (0.2f is slightly
/// above 0.2) is past it, where the derivative is 0.
#[test]
fn hard_sigmoid_derivative_decides_the_corner_exactly() {
    let h = HardSigmoid::default();
    for isa in Isa::available() {
        let mut d = [0.0f32; 4];
        h.derivative_on(isa, &[2.5, 2.4999998, -2.5, -2.4999998], &mut d);
        // 2.5 is past the upper corner; 2.4999998 before it; -2.5: 0.2f·-2.5 + 0.5 < 0 exactly.
        assert_eq!(d, [0.0, 0.2, 0.0, 0.2], "{isa}");
        assert_eq!(d[0], h.derivative_reference(2.5) as f32);
    }
}
