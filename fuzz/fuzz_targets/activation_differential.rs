//! Differential fuzzing of every built-in activation (forward, derivative, backward,
//! forward_with_derivative), including invalid parameters.
//!
//! Input layout:
//! * byte 0: `registry::ALL[b % N]` picks the activation;
//! * byte 1: bit 0 set and the activation has parameters → bytes 2..6 are an arbitrary f32
//!   for its first parameter (NaN, inf, negative, ... included): `lookup_with` must either
//!   accept it or return its documented error, never panic;
//! * the rest: little-endian f32 bit patterns (inputs `x`; `dy` is derived from them).
//!
//! Checks, for every `Isa::available()`: every entry point gives the same bits as scalar (NaN =
//! NaN); `forward_with_derivative` equals `forward` and `derivative`; `backward` is exactly
//! `dy·derivative`; with default parameters the scalar forward is within the declared ULP bound
//! of the f64 reference (derivative: within its ULP bound or its absolute tolerance); a NaN `x`
//! never yields a non-NaN value or gradient.
#![no_main]

use activation_kernels::Isa;
use activation_kernels::registry::{self, ALL, DynActivation};
use activation_kernels::ulp::{same_result, ulp_error};
use libfuzzer_sys::fuzz_target;

fn check(a: &dyn DynActivation, xs: &[f32], defaults: bool) {
    let n = xs.len();
    let info = a.info();
    let dy: Vec<f32> = xs
        .iter()
        .map(|x| if x.is_finite() { 0.5 - x.fract() } else { 1.0 })
        .collect();
    let mut y0 = vec![0.0f32; n];
    let mut d0 = vec![0.0f32; n];
    let mut b0 = vec![0.0f32; n];
    a.forward_on(Isa::Scalar, xs, &mut y0);
    a.derivative_on(Isa::Scalar, xs, &mut d0);
    a.backward_on(Isa::Scalar, xs, &dy, &mut b0);
    for isa in Isa::available() {
        let (mut y, mut d, mut yb, mut db, mut b) = (
            vec![0.0f32; n],
            vec![0.0f32; n],
            vec![0.0f32; n],
            vec![0.0f32; n],
            vec![0.0f32; n],
        );
        a.forward_on(isa, xs, &mut y);
        a.derivative_on(isa, xs, &mut d);
        a.forward_with_derivative_on(isa, xs, &mut yb, &mut db);
        a.backward_on(isa, xs, &dy, &mut b);
        let mut ip = xs.to_vec();
        a.forward_in_place_on(isa, &mut ip);
        for i in 0..n {
            for (what, got, want) in [
                ("forward", y[i], y0[i]),
                ("forward_in_place", ip[i], y0[i]),
                ("derivative", d[i], d0[i]),
                ("fwd_with_deriv.0", yb[i], y0[i]),
                ("fwd_with_deriv.1", db[i], d0[i]),
                ("backward", b[i], b0[i]),
            ] {
                assert!(
                    same_result(got, want),
                    "{} {what}({:e}) on {isa}: {got:e} vs scalar {want:e}",
                    info.name,
                    xs[i]
                );
            }
        }
    }
    for i in 0..n {
        let x = xs[i];
        assert!(
            same_result(b0[i], dy[i] * d0[i]),
            "{} backward({x:e}) is not dy * f'",
            info.name
        );
        if x.is_nan() {
            assert!(
                y0[i].is_nan() && d0[i].is_nan() && b0[i].is_nan(),
                "{} NaN in, non-NaN out",
                info.name
            );
            continue;
        }
        if defaults && x.is_finite() {
            let r = a.forward_reference(x as f64);
            if !r.is_nan() {
                let e = ulp_error(y0[i], r);
                assert!(
                    e <= info.forward_ulp,
                    "{}({x:e} = {:#010X}) = {:e}: {e} ULP > {}",
                    info.name,
                    x.to_bits(),
                    y0[i],
                    info.forward_ulp
                );
            }
            let rd = a.derivative_reference(x as f64);
            if !rd.is_nan() {
                let e = ulp_error(d0[i], rd);
                let abs_ok = ((d0[i] as f64) - rd).abs() <= info.derivative_abs;
                assert!(
                    e <= info.derivative_ulp || abs_ok,
                    "{}'({x:e} = {:#010X}) = {:e}: {e} ULP > {}",
                    info.name,
                    x.to_bits(),
                    d0[i],
                    info.derivative_ulp
                );
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let base = ALL[data[0] as usize % ALL.len()];
    let info = base.info();
    let mut rest = &data[2..];
    let custom;
    let (act, defaults): (&dyn DynActivation, bool) =
        if data[1] & 1 == 1 && !info.params.is_empty() && rest.len() >= 4 {
            let v = f32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
            rest = &rest[4..];
            match registry::lookup_with(info.name, &[(info.params[0].name, v)]) {
                Ok(a) => {
                    custom = a;
                    (&*custom, false)
                }
                Err(e) => {
                    // The documented error: it names the activation and the parameter.
                    let msg = e.to_string();
                    assert!(
                        msg.contains(info.name) && msg.contains(info.params[0].name),
                        "{msg}"
                    );
                    return;
                }
            }
        } else {
            (base, true)
        };
    let xs: Vec<f32> = rest
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    check(act, &xs, defaults);
});
