//! The example must learn: a short run (half the example's epochs, ~0.1 s each) beats chance by
//! a clear margin with ReLU and tanh hidden layers, while a linear "hidden activation" (a linear
//! model) cannot; and runs are reproducible bit for bit, on every ISA.

use activation_kernels::Isa;
use mlp_example::{Dataset, History, TrainConfig, train};

fn short_run(act: &str, isa: Isa) -> History {
    let data = Dataset::synthetic(1000, 20, 42);
    let (tr, va) = data.split(0.8);
    let cfg = TrainConfig {
        epochs: 20,
        isa,
        ..TrainConfig::default()
    };
    train(act, &tr, &va, &cfg).unwrap()
}

#[test]
fn relu_and_tanh_learn_linear_does_not() {
    for act in ["relu", "tanh"] {
        let h = short_run(act, Isa::best());
        let acc = *h.val_accuracy.last().unwrap();
        let first = h.val_accuracy[0];
        println!("{act}: validation accuracy {first} after epoch 1, {acc} after 20");
        // 200 validation samples: chance is 0.5 with a standard deviation of 0.035.
        assert!(
            acc >= 0.75,
            "{act}: validation accuracy {acc} (chance is 0.5)"
        );
        assert!(h.train_loss.last().unwrap() < &(0.6 * h.train_loss[0]));
    }
    // The classes are not linearly separable: the same network without a nonlinearity stays
    // near chance.
    let lin = short_run("linear", Isa::best());
    let acc = *lin.val_accuracy.last().unwrap();
    assert!(acc <= 0.6, "linear model reached {acc}");
}

#[test]
fn deterministic_and_identical_on_every_isa() {
    let a = short_run("gelu", Isa::best());
    let b = short_run("gelu", Isa::best());
    assert_eq!(a, b);
    for isa in Isa::available() {
        let c = short_run("gelu", isa);
        let bits = |h: &History| h.train_loss.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&c), "{isa} differs from {}", Isa::best());
        assert_eq!(a.val_accuracy, c.val_accuracy);
    }
}
