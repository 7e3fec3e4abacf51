//! ISA detection, the explicit-ISA API and the cap policy (the `ACTIVATION_KERNELS_ISA`
//! variable itself, which needs a fresh process, is tested by the tools crate's `isa_env`).

use activation_kernels::Isa;
use activation_kernels::math::MathFn;

#[test]
fn scalar_is_always_available_and_best_is_available() {
    let avail: Vec<Isa> = Isa::available().collect();
    assert_eq!(avail[0], Isa::Scalar);
    assert!(avail.windows(2).all(|w| w[0] < w[1]), "sorted: {avail:?}");
    assert!(Isa::detect_hardware().is_available());
    assert!(Isa::best().is_available());
    assert_eq!(Isa::best(), Isa::best(), "cached");
    #[cfg(target_arch = "aarch64")]
    assert!(avail.contains(&Isa::Neon));
    #[cfg(target_arch = "x86_64")]
    assert!(!avail.contains(&Isa::Neon));
}

#[test]
fn isa_names_round_trip_and_bad_names_are_clear_errors() {
    for isa in Isa::ALL {
        assert_eq!(isa.name().parse::<Isa>().unwrap(), isa);
        assert_eq!(isa.name().to_uppercase().parse::<Isa>().unwrap(), isa);
        assert_eq!(isa.to_string(), isa.name());
    }
    assert_eq!("v4".parse::<Isa>().unwrap(), Isa::Avx512);
    let e = "sse9".parse::<Isa>().unwrap_err().to_string();
    assert!(e.contains("sse9") && e.contains("avx512"), "{e}");
}

#[test]
fn cap_policy_falls_back_below_the_request_with_a_message() {
    let hw = Isa::detect_hardware();
    let mut msgs = Vec::new();
    assert_eq!(
        Isa::apply_cap(hw, "scalar", |m| msgs.push(m.to_string())),
        Isa::Scalar
    );
    assert!(msgs.is_empty());
    let got = Isa::apply_cap(hw, "nonsense", |m| msgs.push(m.to_string()));
    assert_eq!(got, hw);
    assert!(
        msgs.last().unwrap().contains("unknown ISA `nonsense`"),
        "{msgs:?}"
    );
    for req in Isa::ALL {
        msgs.clear();
        let got = Isa::apply_cap(hw, req.name(), |m| msgs.push(m.to_string()));
        assert!(got.is_available());
        if req.is_available() {
            assert_eq!(got, req);
            assert!(msgs.is_empty());
        } else {
            assert!(got < req || got == Isa::Scalar, "{req} -> {got}");
            assert!(
                msgs[0].contains("does not support") && msgs[0].contains(got.name()),
                "{msgs:?}"
            );
        }
    }
}

#[test]
fn unavailable_isa_panics_instead_of_running_unsupported_code() {
    for isa in Isa::ALL.into_iter().filter(|i| !i.is_available()) {
        let r = std::panic::catch_unwind(|| {
            let mut y = [0.0f32; 4];
            MathFn::Exp.apply_on(isa, &[1.0; 4], &mut y);
        });
        let msg = r.unwrap_err();
        let msg = msg.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(msg.contains("not available"), "{msg}");
    }
}

#[test]
fn length_mismatch_is_a_clear_panic() {
    let r = std::panic::catch_unwind(|| {
        let mut y = [0.0f32; 3];
        MathFn::Tanh.apply(&[1.0; 4], &mut y);
    });
    let msg = r.unwrap_err();
    let msg = msg.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        msg.contains("length mismatch") && msg.contains("4 vs 3"),
        "{msg}"
    );
}

#[test]
fn the_accuracy_table_has_one_row_per_function_and_measured_values_respect_the_bounds() {
    use activation_kernels::accuracy::MATH;
    assert_eq!(MATH.len(), MathFn::ALL.len());
    for (row, &f) in MATH.iter().zip(MathFn::ALL) {
        assert_eq!(row.func, f, "table order");
        let m = row
            .measured_ulp
            .expect("every function has a recorded full sweep");
        assert!(
            m <= row.bound_ulp,
            "{f:?}: recorded {m} exceeds the bound {}",
            row.bound_ulp
        );
        assert!(row.worst_input.is_some());
    }
}
