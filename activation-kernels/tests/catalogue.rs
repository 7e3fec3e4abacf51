//! Built-ins with non-default parameters, through the same `testing::check` sweep the generated
//! tests run on the defaults (every ISA bit-identical, ULP bounds, derivative, special values).

use activation_kernels::activations::{GeneralRelu, LeakyRelu};
use activation_kernels::{Activation, testing};

#[test]
fn general_relu_with_parameters() {
    for (alpha, max_value, threshold) in [
        (0.1, 6.0, 0.5),
        (0.2, f32::INFINITY, -1.5),
        (0.3, 1.0, -0.75),
        (-0.05, 20.0, 3.0),
        (1.7, 6.0, 0.0),
    ] {
        let r = GeneralRelu::new(alpha, max_value, threshold).unwrap();
        let report = testing::check(&r);
        assert!(report.failures.is_empty(), "{r:?}: {:#?}", report.failures);
    }
    // The Keras semantics on a few points.
    let r = GeneralRelu::new(0.5, 4.0, 1.0).unwrap();
    let mut y = [0.0f32; 6];
    r.forward(&[-1.0, 1.0, 1.5, 4.0, 9.0, f32::NEG_INFINITY], &mut y);
    assert_eq!(y, [-1.0, 0.0, 1.5, 4.0, 4.0, f32::NEG_INFINITY]);
    r.derivative(&[-1.0, 1.0, 1.5, 4.0, 9.0, f32::NEG_INFINITY], &mut y);
    assert_eq!(y, [0.5, 0.5, 1.0, 1.0, 0.0, 0.5]);
    // max_value accepts +inf (Keras' None) but never NaN; threshold is bounded.
    assert!(GeneralRelu::new(0.0, f32::NAN, 0.0).is_err());
    assert!(GeneralRelu::new(0.0, 1.0, 2.0).is_err());
    assert!(GeneralRelu::new(0.0, f32::INFINITY, 1e31).is_err());
    assert!(GeneralRelu::new(f32::INFINITY, 1.0, 0.0).is_err());
}

#[test]
fn leaky_relu_with_zero_slope_has_limits() {
    let r = LeakyRelu::new(0.0).unwrap();
    let report = testing::check(&r);
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
    let mut y = [1.0f32; 3];
    r.forward(&[f32::NEG_INFINITY, -2.0, 3.0], &mut y);
    assert_eq!(
        y.map(f32::to_bits),
        [(-0.0f32).to_bits(), (-0.0f32).to_bits(), 3.0f32.to_bits()]
    );
}
