//! The by-name registry: every built-in reachable by name and alias, with clear errors.

use activation_kernels::Activation;
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

/// The type-erased entry points give the typed API's bits for every element type and every
/// registered activation, and reject mixed element types.
#[test]
fn any_element_type_through_the_registry() {
    use activation_kernels::activations;
    use activation_kernels::element::half;
    use activation_kernels::registry::{Slice, SliceMut};
    let x64: Vec<f64> = (0..37).map(|i| i as f64 * 0.3 - 5.0).collect();
    let dy64: Vec<f64> = (0..37).map(|i| 1.0 - i as f64 * 0.01).collect();
    for name in registry::names() {
        let act = registry::lookup(name).unwrap();
        let mut y = vec![0.0f64; 37];
        act.forward_any_on(Isa::best(), Slice::F64(&x64), SliceMut::F64(&mut y))
            .unwrap();
        let mut d = vec![0.0f64; 37];
        act.derivative_any_on(Isa::best(), Slice::F64(&x64), SliceMut::F64(&mut d))
            .unwrap();
        let mut g = vec![0.0f64; 37];
        act.backward_any_on(
            Isa::best(),
            Slice::F64(&x64),
            Slice::F64(&dy64),
            SliceMut::F64(&mut g),
        )
        .unwrap();
        let mut ip = x64.clone();
        act.forward_in_place_any_on(Isa::best(), SliceMut::F64(&mut ip));
        // The same as the typed f64 calls of a default-constructed activation of that name.
        let mut r = vec![0.0f64; 37];
        let mut rd = vec![0.0f64; 37];
        macro_rules! typed {
            ($t:expr) => {{
                let a = $t;
                a.forward(&x64, &mut r);
                a.derivative(&x64, &mut rd);
            }};
        }
        match act.info().name {
            "relu" => typed!(activations::Relu),
            "sigmoid" => typed!(activations::Sigmoid),
            "gelu" => typed!(activations::Gelu),
            "swish" => typed!(activations::Swish::default()),
            _ => {
                r.copy_from_slice(&y);
                rd.copy_from_slice(&d);
            }
        }
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&y), bits(&r), "{name}");
        assert_eq!(bits(&d), bits(&rd), "{name}");
        assert_eq!(bits(&y), bits(&ip), "{name} in place");
        let expect_g: Vec<u64> = d
            .iter()
            .zip(&dy64)
            .map(|(d, g)| (d * g).to_bits())
            .collect();
        assert_eq!(bits(&g), expect_g, "{name} backward");
        // f32 and the half types through the same entry point.
        let x32: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
        let mut y32 = vec![0.0f32; 37];
        act.forward_any_on(Isa::best(), (&x32[..]).into(), (&mut y32[..]).into())
            .unwrap();
        let mut e32 = vec![0.0f32; 37];
        act.forward(&x32, &mut e32);
        assert_eq!(y32, e32, "{name} f32");
        let xb: Vec<half::bf16> = x32.iter().map(|&v| half::bf16::from_f32(v)).collect();
        let mut yb = [half::bf16::ZERO; 37];
        act.forward_any_on(Isa::best(), (&xb[..]).into(), (&mut yb[..]).into())
            .unwrap();
        // Mixed types are an error, not a panic.
        let e = act.forward_any_on(Isa::best(), Slice::F32(&x32), SliceMut::F64(&mut y));
        assert_eq!(
            e,
            Err(RegistryError::MixedElementTypes {
                first: "f32",
                other: "f64"
            })
        );
        let e = act.backward_any_on(
            Isa::best(),
            Slice::F64(&x64),
            Slice::F32(&x32),
            SliceMut::F64(&mut g),
        );
        assert!(matches!(
            e,
            Err(RegistryError::MixedElementTypes {
                first: "f64",
                other: "f32"
            })
        ));
    }
}
