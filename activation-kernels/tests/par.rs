//! The `rayon` feature: parallel results are bit-identical to the single-thread calls.
#![cfg(feature = "rayon")]

use activation_kernels::activations::{Gelu, Swish};
use activation_kernels::{Activation, par};

#[test]
fn parallel_results_are_bit_identical_for_any_length() {
    for n in [
        0usize,
        1,
        17,
        par::CHUNK * 2 - 1,
        par::CHUNK * 2,
        par::CHUNK * 3 + 5,
        1 << 20,
    ] {
        let x: Vec<f32> = (0..n).map(|i| ((i as f32) * 0.618).sin() * 12.0).collect();
        let dy: Vec<f32> = (0..n).map(|i| (i % 7) as f32 - 3.0).collect();
        let a = Swish::new(1.3).unwrap();
        let (mut y1, mut y2) = (vec![0.0f32; n], vec![0.0f32; n]);
        a.forward(&x, &mut y1);
        par::forward(&a, &x, &mut y2);
        assert!(
            y1.iter().zip(&y2).all(|(p, q)| p.to_bits() == q.to_bits()),
            "forward n={n}"
        );
        let (mut d1, mut d2) = (vec![0.0f32; n], vec![0.0f32; n]);
        Gelu.backward(&x, &dy, &mut d1);
        par::backward(&Gelu, &x, &dy, &mut d2);
        assert!(
            d1.iter().zip(&d2).all(|(p, q)| p.to_bits() == q.to_bits()),
            "backward n={n}"
        );
        let (x64, dy64): (Vec<f64>, Vec<f64>) = x
            .iter()
            .zip(&dy)
            .map(|(&a, &b)| (f64::from(a), f64::from(b)))
            .unzip();
        let (mut e1, mut e2) = (dy64.clone(), dy64);
        Gelu.backward_in_place(&x64, &mut e1);
        par::backward_in_place(&Gelu, &x64, &mut e2);
        assert!(
            e1.iter().zip(&e2).all(|(p, q)| p.to_bits() == q.to_bits()),
            "f64 backward in place n={n}"
        );
        let mut ip = x.clone();
        par::forward_in_place(&a, &mut ip);
        assert!(
            y1.iter().zip(&ip).all(|(p, q)| p.to_bits() == q.to_bits()),
            "in place n={n}"
        );
    }
}

#[test]
fn parallel_rows_and_rrelu_are_bit_identical() {
    use activation_kernels::rowwise::{LogSoftmax, RowActivation, Softmax};
    use activation_kernels::rrelu::Rrelu;
    let same = |a: &[f32], b: &[f32]| {
        a.iter()
            .zip(b)
            .all(|(p, q)| p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()))
    };
    for (n, row) in [
        (par::CHUNK * 3, 1000usize),
        (par::CHUNK * 4 + 6, 3),
        (1 << 20, par::CHUNK + 1 - 1),
    ] {
        let n = n / row * row;
        let x: Vec<f32> = (0..n).map(|i| ((i as f32) * 0.377).sin() * 20.0).collect();
        let dy: Vec<f32> = (0..n).map(|i| (i % 5) as f32 - 2.0).collect();
        let (mut y1, mut y2) = (vec![0.0f32; n], vec![0.0f32; n]);
        Softmax::new().forward(&x, &mut y1, row);
        par::rows_forward(&Softmax::new(), &x, &mut y2, row);
        assert!(same(&y1, &y2), "softmax rows n={n} row={row}");
        let (mut d1, mut d2) = (vec![0.0f32; n], vec![0.0f32; n]);
        LogSoftmax::new().backward_from_output(&y1, &dy, &mut d1, row);
        par::rows_backward_from_output(&LogSoftmax::new(), &y1, &dy, &mut d2, row);
        assert!(same(&d1, &d2), "log_softmax backward rows n={n} row={row}");
        let r = Rrelu::default();
        r.train(77, 5).forward(&x, &mut y1);
        par::rrelu_train_forward(&r.train(77, 5), &x, &mut y2);
        assert!(same(&y1, &y2), "rrelu forward n={n}");
        r.train(77, 5).backward(&x, &dy, &mut d1);
        par::rrelu_train_backward(&r.train(77, 5), &x, &dy, &mut d2);
        assert!(same(&d1, &d2), "rrelu backward n={n}");
    }
}
