//! Generated code names only absolute paths: it compiles inside `#![no_implicit_prelude]`, and
//! next to user items that shadow prelude names. (The renamed-dependency case, with the
//! `crate = "..."` option, is tested by the `examples/downstream` crate.)

mod no_prelude {
    #![no_implicit_prelude]

    // Shadow names the generated code might otherwise pick up.
    #[allow(dead_code)]
    struct Option;
    #[allow(dead_code)]
    struct Result;
    #[allow(dead_code)]
    fn exp() {}
    #[allow(dead_code)]
    mod core {}

    /// A scaled sigmoid with a parameter, a saturation and a symbolic derivative.
    #[::activation_kernels::activation(
        name = "hygienic",
        forward = k * sigmoid(x) + abs(x) * 0.0,
        saturate(below = -200.0 => 0.0),
        check(k > 0.0),
        ulp = 2.5,
        derivative_ulp = 6.0,
        tests = false
    )]
    pub struct Hygienic {
        #[param(default = 1.0)]
        pub k: f32,
    }

    #[::activation_kernels::activation(forward = exp(x), derivative = y, ulp = 1.0, tests = false)]
    pub struct Unit;
}

#[test]
fn generated_code_works_without_the_prelude() {
    use activation_kernels::{Activation, OutputDerivative};
    let a = no_prelude::Hygienic::new(2.0).unwrap();
    let mut y = [0.0f32; 3];
    a.forward(&[0.0, -1000.0, 1000.0], &mut y);
    assert_eq!(y, [1.0, 0.0, 2.0]);
    assert!(no_prelude::Hygienic::new(-1.0).is_err());
    let mut d = [0.0f32; 1];
    no_prelude::Unit.backward_from_output(&[5.0], &[3.0], &mut d);
    assert_eq!(d, [15.0]);
}
