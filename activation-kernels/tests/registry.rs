//! The by-name registry: every built-in reachable by name and alias, with clear errors.

use activation_kernels::Isa;
use activation_kernels::registry::{self, ALL, RegistryError};

#[test]
fn every_builtin_is_found_by_name_and_alias_and_names_are_unique() {
    let names: Vec<&str> = registry::names().collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "duplicate names: {names:?}");
    for a in ALL {
        let info = a.info();
        assert_eq!(registry::lookup(info.name).unwrap().info().name, info.name);
        assert_eq!(
            registry::lookup(&info.name.to_uppercase().replace('_', "-"))
                .unwrap()
                .info()
                .name,
            info.name
        );
        for al in info.aliases {
            assert_eq!(registry::lookup(al).unwrap().info().name, info.name);
        }
        // Every entry can be rebuilt with its default parameters.
        let b = registry::lookup_with(info.name, &[]).unwrap();
        assert_eq!(b.param_values(), a.param_values());
    }
}

#[test]
fn trait_objects_compute_the_same_bits_as_the_typed_activations() {
    use activation_kernels::Activation;
    let x: Vec<f32> = (0..100).map(|i| (i as f32 - 50.0) * 0.37).collect();
    let (mut a, mut b) = (vec![0.0f32; 100], vec![0.0f32; 100]);
    registry::lookup("elu").unwrap().forward(&x, &mut a);
    activation_kernels::activations::Elu::default().forward(&x, &mut b);
    assert_eq!(a, b);
    let leaky = registry::lookup_with("leaky_relu", &[("alpha", 0.25)]).unwrap();
    leaky.forward_on(Isa::Scalar, &[-4.0], &mut a[..1]);
    assert_eq!(a[0], -1.0);
}

#[test]
fn errors_name_what_is_valid() {
    let e = registry::lookup("sigmod").unwrap_err().to_string();
    assert!(
        e.contains("unknown activation `sigmod`")
            && e.contains("sigmoid")
            && e.contains("logistic"),
        "{e}"
    );
    let e = registry::lookup_with("hardtanh", &[("min_val", 2.0)]).unwrap_err();
    assert!(matches!(e, RegistryError::InvalidParam(_)));
    assert!(e.to_string().contains("min_val < max_val"), "{e}");
    let e = registry::lookup_with("relu", &[("alpha", 1.0)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("takes no parameters"), "{e}");
    let e = registry::lookup_with("elu", &[("alpha", f32::NAN)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("finite"), "{e}");
    let mut d = [0.0f32; 1];
    let e = registry::lookup("linear")
        .unwrap()
        .backward_from_output(&[1.0], &[1.0], &mut d)
        .unwrap_err();
    assert!(e.to_string().contains("use backward"), "{e}");
    registry::lookup("sigmoid")
        .unwrap()
        .backward_from_output(&[0.5], &[2.0], &mut d)
        .unwrap();
    assert_eq!(d[0], 0.5);
}

#[test]
fn static_defaults_match_the_definitions_defaults() {
    for a in ALL {
        let info = a.info();
        for (p, v) in info.params.iter().zip(a.param_values()) {
            assert_eq!(
                p.default, v,
                "{}: static instance of `{}` differs from its #[param(default)]",
                info.name, p.name
            );
        }
    }
    assert_eq!(registry::lookup("SiLU").unwrap().info().name, "swish");
}
