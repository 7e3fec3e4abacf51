//! Built-ins with non-default parameters, through the same `testing::check` sweep the generated
//! tests run on the defaults (every ISA bit-identical, ULP bounds, derivative, special values).

mod common;
use activation_kernels::activations::{GeneralRelu, LeakyRelu, Softplus};
use activation_kernels::{Activation, testing};
use common::Rng;

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

use activation_kernels::Isa;
use activation_kernels::ulp::{f32_ulp_at, same_result};

#[test]
fn prelu_every_layout_and_isa() {
    use activation_kernels::prelu::Prelu;
    let mut r = Rng(1);
    for &(outer, c, inner) in &[
        (1usize, 1usize, 1usize),
        (3, 5, 1),
        (7, 37, 1),
        (2, 3, 7),
        (4, 2, 16),
        (3, 4, 33),
        (2, 3, 300),
    ] {
        let n = outer * c * inner;
        let slopes: Vec<f32> = (0..c)
            .map(|i| {
                if i == 1 {
                    0.0
                } else {
                    r.f().clamp(-2.0, 2.0) * 0.3
                }
            })
            .collect();
        let x: Vec<f32> = (0..n).map(|_| r.f()).collect();
        let dy: Vec<f32> = (0..n)
            .map(|_| {
                if r.next().is_multiple_of(50) {
                    f32::NAN
                } else {
                    r.f().clamp(-5.0, 5.0)
                }
            })
            .collect();
        let p = Prelu::new(&slopes, inner).unwrap();
        let leaky = |x: f32, a: f32| {
            if x > 0.0 {
                x
            } else if x < 0.0 && a == 0.0 {
                -0.0
            } else {
                a * x
            }
        };
        let mut want_y = vec![0.0f32; n];
        let mut want_dx = vec![0.0f32; n];
        for i in 0..n {
            let a = slopes[(i / inner) % c];
            want_y[i] = leaky(x[i], a);
            want_dx[i] = dy[i] * if x[i] > 0.0 { 1.0 } else { a };
        }
        let mut scalar_ds = vec![0.0f32; c];
        for isa in Isa::available() {
            let mut y = vec![0.0f32; n];
            p.forward_on(isa, &x, &mut y);
            let mut yi = x.clone();
            p.forward_in_place_on(isa, &mut yi);
            let (mut dx, mut ds) = (vec![0.0f32; n], vec![7.0f32; c]);
            p.backward_on(isa, &x, &dy, &mut dx, &mut ds);
            for i in 0..n {
                assert!(
                    same_result(y[i], want_y[i]),
                    "{isa:?} y[{i}] {} vs {}",
                    y[i],
                    want_y[i]
                );
                assert!(same_result(yi[i], want_y[i]), "{isa:?} in place");
                assert!(same_result(dx[i], want_dx[i]), "{isa:?} dx[{i}]");
            }
            if isa == Isa::Scalar {
                scalar_ds = ds.clone();
            }
            for ch in 0..c {
                assert!(
                    same_result(ds[ch], scalar_ds[ch]),
                    "{isa:?} dslopes[{ch}] not bit-identical"
                );
            }
        }
        // dslopes against the exact sum (f64 products are exact).
        #[allow(clippy::needless_range_loop)]
        for ch in 0..c {
            let terms: Vec<f64> = (0..n)
                .filter(|&i| (i / inner) % c == ch && (x[i] <= 0.0 || x[i].is_nan()))
                .map(|i| dy[i] as f64 * x[i] as f64)
                .collect();
            let exact: f64 = terms.iter().sum();
            let got = scalar_ds[ch];
            if exact.is_nan() || terms.iter().any(|t| t.is_nan()) {
                assert!(got.is_nan(), "dslopes[{ch}] = {got}, exact NaN");
            } else if exact.is_infinite() {
                assert_eq!(got as f64, exact);
            } else {
                let mag: f64 = terms.iter().map(|t| t.abs()).sum();
                assert!(
                    (got as f64 - exact).abs() <= f32_ulp_at(exact) + mag * 1e-12,
                    "dslopes[{ch}] = {got}, exact {exact}"
                );
            }
        }
    }
    assert!(Prelu::<f32>::new(&[], 1).is_err());
    assert!(Prelu::new(&[f32::NAN], 1).is_err());
    assert!(Prelu::new(&[0.1], 0).is_err());
}

#[test]
#[should_panic(expected = "not a whole number of [channels = 2, inner = 3] blocks")]
fn prelu_bad_shape_panics() {
    let p = activation_kernels::prelu::Prelu::new(&[0.1, 0.2], 3).unwrap();
    p.forward(&[0.0; 7], &mut [0.0; 7]);
}

#[test]
fn rrelu_is_reproducible_on_every_isa_and_chunking() {
    use activation_kernels::rrelu::Rrelu;
    let r = Rrelu::default();
    let mut g = Rng(3);
    let n = 10_007;
    let x: Vec<f32> = (0..n).map(|_| g.f()).collect();
    let dy: Vec<f32> = (0..n).map(|_| g.f().clamp(-3.0, 3.0)).collect();
    for offset in [0u64, 12345, (1u64 << 32) - 5, u64::MAX - 20_000] {
        let mut want = vec![0.0f32; n];
        let mut want_dx = vec![0.0f32; n];
        r.train(9, offset).forward_on(Isa::Scalar, &x, &mut want);
        r.train(9, offset)
            .backward_on(Isa::Scalar, &x, &dy, &mut want_dx);
        for i in 0..n {
            // The slope of every element is the scalar generator's.
            let a = r.slope(9, offset.wrapping_add(i as u64));
            assert!((r.lower..=r.upper).contains(&a));
            let y = if x[i] > 0.0 { x[i] } else { a * x[i] };
            assert!(same_result(want[i], y), "offset {offset} i {i}");
            let d = dy[i] * if x[i] > 0.0 { 1.0 } else { a };
            assert!(same_result(want_dx[i], d));
        }
        for isa in Isa::available() {
            // Random chunking with offsets gives the same bits.
            let mut got = vec![0.0f32; n];
            let mut start = 0;
            while start < n {
                let len = ((g.next() % 97) as usize).min(n - start);
                let end = start + len.max(1);
                r.train(9, offset.wrapping_add(start as u64)).forward_on(
                    isa,
                    &x[start..end],
                    &mut got[start..end],
                );
                start = end;
            }
            let mut dx = vec![0.0f32; n];
            r.train(9, offset).backward_on(isa, &x, &dy, &mut dx);
            for i in 0..n {
                assert!(
                    same_result(got[i], want[i]),
                    "{isa:?} offset {offset} i {i}"
                );
                assert!(
                    same_result(dx[i], want_dx[i]),
                    "{isa:?} dx offset {offset} i {i}"
                );
            }
        }
    }
    // Distribution: mean and spread of U(lower, upper); different seeds differ.
    let m = 200_000u64;
    let slopes: Vec<f64> = (0..m).map(|i| r.slope(5, i) as f64).collect();
    let mean = slopes.iter().sum::<f64>() / m as f64;
    let var = slopes.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / m as f64;
    let w = (r.upper - r.lower) as f64;
    assert!(
        (mean - r.eval_slope() as f64).abs() < 0.002 * w * 10.0,
        "mean {mean}"
    );
    assert!(
        (var / (w * w / 12.0) - 1.0).abs() < 0.02,
        "variance ratio {}",
        var / (w * w / 12.0)
    );
    let same = (0..1000)
        .filter(|&i| r.slope(5, i) == r.slope(6, i))
        .count();
    assert!(same < 5, "{same} equal slopes across seeds");
    // Evaluation mode is leaky ReLU with the mean slope.
    let mut y = [0.0f32; 2];
    r.forward(&[-2.0, 3.0], &mut y);
    assert_eq!(y, [-2.0 * r.eval_slope(), 3.0]);
    assert!(Rrelu::new(0.5, 0.1).is_err());
    assert!(Rrelu::new(-0.1, 0.1).is_err());
}

#[test]
fn maxout_matches_scalar_on_every_isa() {
    use activation_kernels::maxout;
    let mut g = Rng(11);
    for k in 1..=40usize {
        for groups in [1usize, 3, 8] {
            let x: Vec<f32> = (0..k * groups).map(|_| g.f()).collect();
            let mut want = vec![0.0f32; groups];
            for (j, w) in want.iter_mut().enumerate() {
                let grp = &x[j * k..(j + 1) * k];
                *w = if grp.iter().any(|v| v.is_nan()) {
                    f32::NAN
                } else {
                    // +0 > -0: compare by (value, sign bit).
                    *grp.iter()
                        .max_by(|a, b| {
                            a.partial_cmp(b)
                                .unwrap()
                                .then((a.to_bits() >> 31).cmp(&(b.to_bits() >> 31)).reverse())
                        })
                        .unwrap()
                };
            }
            for isa in Isa::available() {
                let mut y = vec![0.0f32; groups];
                maxout::Maxout::new(k).unwrap().forward_on(isa, &x, &mut y);
                for j in 0..groups {
                    assert!(
                        same_result(y[j], want[j]),
                        "{isa:?} k={k} group {j}: {} vs {}",
                        y[j],
                        want[j]
                    );
                }
            }
            let dy: Vec<f32> = (1..=groups).map(|v| v as f32).collect();
            let mut dx = vec![5.0f32; k * groups];
            maxout::Maxout::new(k).unwrap().backward(&x, &dy, &mut dx);
            for j in 0..groups {
                let grp = &x[j * k..(j + 1) * k];
                let arg = if want[j].is_nan() {
                    grp.iter().position(|v| v.is_nan()).unwrap()
                } else {
                    grp.iter().position(|&v| v == want[j]).unwrap()
                };
                for (t, &d) in dx[j * k..(j + 1) * k].iter().enumerate() {
                    assert_eq!(d, if t == arg { dy[j] } else { 0.0 });
                }
            }
        }
    }
    let mut y = [0.0f32; 1];
    maxout::Maxout::new(3)
        .unwrap()
        .forward(&[-0.0, 0.0, -0.0], &mut y);
    assert_eq!(y[0].to_bits(), 0);
}

#[test]
#[should_panic(expected = "not k = 3 times the output length 2")]
fn maxout_bad_shape_panics() {
    activation_kernels::maxout::Maxout::new(3)
        .unwrap()
        .forward(&[0.0; 7], &mut [0.0; 2]);
}

/// softplus's `beta` multiplies `x` inside the exponential; `math::softplus_beta` carries the
/// product unrounded, so the default 2-ULP bounds hold at any slope (rounding `beta·x` first
/// gave 64.7 ULP at `beta = 2.5`, `x = -29.3`).
#[test]
fn softplus_with_slopes_keeps_its_bounds() {
    for beta in [2.5f32, 0.3, 7.0, 1.0e-3, 40.0] {
        let s = Softplus::new(beta).unwrap();
        let report = testing::check(&s);
        assert!(report.failures.is_empty(), "{s:?}: {:#?}", report.failures);
    }
    // Deep in the left tail, against the f64 value: e^(beta·x)/beta and sigmoid(beta·x).
    let s = Softplus::new(2.5).unwrap();
    let x = [-29.3f32, -40.0, -35.123, -12.7];
    let (mut y, mut d) = ([0.0f32; 4], [0.0f32; 4]);
    for isa in activation_kernels::Isa::available() {
        s.forward_on(isa, &x, &mut y);
        s.derivative_on(isa, &x, &mut d);
        for i in 0..4 {
            let t = 2.5 * x[i] as f64;
            let (fy, fd) = ((t.exp().ln_1p()) / 2.5, 1.0 / (1.0 + (-t).exp()));
            for (got, want) in [(y[i], fy), (d[i], fd)] {
                let err = (got as f64 - want).abs() / activation_kernels::ulp::f32_ulp_at(want);
                assert!(
                    err <= 2.0,
                    "{isa}: x = {}: {got} vs {want} ({err} ULP)",
                    x[i]
                );
            }
        }
    }
}
