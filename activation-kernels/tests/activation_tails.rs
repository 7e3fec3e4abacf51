//! Every built-in activation, on every available ISA: forward, in place, derivative, backward
//! and forward_with_derivative give the scalar path's bits for every length 0..=49 at every
//! start offset 0..4 (so every vector tail and misalignment), with special values mixed in; also
//! softplus at beta 2.5, whose kernels (`softplus_beta`, `sigmoid_beta`) differ from beta = 1.

use activation_kernels::Isa;
use activation_kernels::registry::{self, ALL};
use activation_kernels::ulp::same_result;

#[test]
fn every_activation_matches_scalar_for_every_tail_and_offset() {
    let specials = [
        0.0f32,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        f32::from_bits(1),
        -1e-40,
        88.7,
        -104.0,
        2.5,
    ];
    let base: Vec<f32> = (0..53)
        .map(|i| {
            if i % 5 == 0 {
                specials[(i / 5) % specials.len()]
            } else {
                (i as f32 * 0.77).sin() * 9.0
            }
        })
        .collect();
    let dy: Vec<f32> = (0..53).map(|i| 1.0 - (i % 3) as f32 * 0.75).collect();
    // Every built-in at its defaults, plus parameters that take other code paths (softplus with
    // beta != 1 runs `softplus_beta`/`sigmoid_beta`, not the beta = 1 kernels).
    let extra = [registry::lookup_with("softplus", &[("beta", 2.5)]).unwrap()];
    for a in ALL.iter().copied().chain(extra.iter().map(|b| &**b)) {
        let name = a.info().name;
        for off in 0..4 {
            for len in 0..=49 {
                let x = &base[off..off + len];
                let g = &dy[off..off + len];
                let mut want = [vec![0.0f32; len], vec![0.0f32; len], vec![0.0f32; len]];
                a.forward_on(Isa::Scalar, x, &mut want[0]);
                a.derivative_on(Isa::Scalar, x, &mut want[1]);
                a.backward_on(Isa::Scalar, x, g, &mut want[2]);
                for isa in Isa::available() {
                    let mut y = vec![0.0f32; len];
                    let mut d = vec![0.0f32; len];
                    let mut b = vec![0.0f32; len];
                    let (mut y2, mut d2) = (vec![0.0f32; len], vec![0.0f32; len]);
                    a.forward_on(isa, x, &mut y);
                    a.derivative_on(isa, x, &mut d);
                    a.backward_on(isa, x, g, &mut b);
                    a.forward_with_derivative_on(isa, x, &mut y2, &mut d2);
                    let mut ip = x.to_vec();
                    a.forward_in_place_on(isa, &mut ip);
                    for i in 0..len {
                        for (what, got, w) in [
                            ("forward", y[i], want[0][i]),
                            ("in place", ip[i], want[0][i]),
                            ("derivative", d[i], want[1][i]),
                            ("backward", b[i], want[2][i]),
                            ("fwd_with_deriv value", y2[i], want[0][i]),
                            ("fwd_with_deriv derivative", d2[i], want[1][i]),
                        ] {
                            assert!(
                                same_result(got, w),
                                "{name} {what} on {isa}, len {len} off {off} i {i}: {got:e} vs {w:e}"
                            );
                        }
                    }
                }
            }
        }
    }
}
