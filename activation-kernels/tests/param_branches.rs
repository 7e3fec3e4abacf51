//! `#[activation]` emits a `select` whose condition is, or has a conjunct or disjunct that is,
//! a parameter-only test as a branch on that test. These definitions take every form of it
//! (whole condition, `&&` on either side, `||` on either side); `testing::check` (every ISA
//! against scalar, scalar against the f64 reference, special values) runs with the parameter
//! on both sides of each test.

use activation_kernels::{Activation, activation, testing};

/// Whole condition parameter-only: `a > 1` picks the formula for every lane.
#[activation(
    forward = select(a > 1.0, a * x, x * 0.5),
    check(a >= 0.0),
    tests = false
)]
pub struct WholeCond {
    /// The parameter the conditions test.
    #[param(default = 2.0)]
    pub a: f32,
}

/// `&&` with the parameter test on the right and on the left.
#[activation(
    forward = select(x < 0.0 && a <= 1.0, x * 0.25, select(a >= 2.0 && x > 1.0, x * 2.0, x)),
    check(a >= 0.0),
    tests = false
)]
pub struct AndCond {
    /// The parameter the conditions test.
    #[param(default = 1.0)]
    pub a: f32,
}

/// `||` with the parameter test on the right and on the left.
#[activation(
    forward = select(x > 0.0 || a > 1.0, x, x * 0.125) + select(a <= 0.5 || x < -1.0, 1.0, 0.0),
    check(a >= 0.0),
    tests = false
)]
pub struct OrCond {
    /// The parameter the conditions test.
    #[param(default = 1.0)]
    pub a: f32,
}

fn passes<A: Activation>(a: &A) {
    let report = testing::check(a);
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
}

#[test]
fn parameter_only_conditions_on_both_sides() {
    for a in [0.0f32, 0.5, 1.0, 1.5, 2.0, 3.0] {
        passes(&WholeCond::new(a).unwrap());
        passes(&AndCond::new(a).unwrap());
        passes(&OrCond::new(a).unwrap());
    }
    // The values themselves (each branch taken).
    let x = [-2.0f32, -0.5, 0.5, 2.0];
    let mut y = [0.0f32; 4];
    WholeCond::new(3.0).unwrap().forward(&x, &mut y);
    assert_eq!(y, [-6.0, -1.5, 1.5, 6.0]);
    WholeCond::new(0.5).unwrap().forward(&x, &mut y);
    assert_eq!(y, [-1.0, -0.25, 0.25, 1.0]);
    AndCond::new(0.5).unwrap().forward(&x, &mut y);
    assert_eq!(y, [-0.5, -0.125, 0.5, 2.0]);
    AndCond::new(2.0).unwrap().forward(&x, &mut y);
    assert_eq!(y, [-2.0, -0.5, 0.5, 4.0]);
    OrCond::new(0.25).unwrap().forward(&x, &mut y);
    assert_eq!(y, [0.75, 0.9375, 1.5, 3.0]);
    OrCond::new(2.0).unwrap().forward(&x, &mut y);
    assert_eq!(y, [-1.0, -0.5, 0.5, 2.0]);
}
