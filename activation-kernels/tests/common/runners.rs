//! Runners for the f64 math tests: every real ISA of this CPU and pulp's emulated 2/4/8-lane
//! widths (included by tests/math64.rs and tests/math64_erf.rs with `#[path]`).
#![allow(dead_code)]

use activation_kernels::Isa;
use pulp::{Simd, WithSimd};

/// The number of f64 lanes of a token.
pub struct Lanes;
impl WithSimd for Lanes {
    type Output = usize;
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> usize {
        S::F64_LANES
    }
}

/// A real ISA or one of pulp's emulated widths (2/4/8 f64 lanes on any machine).
#[derive(Copy, Clone, Debug)]
pub enum Runner {
    Isa(Isa),
    Emu128,
    Emu256,
    Emu512,
}

pub fn runners() -> Vec<Runner> {
    let mut v: Vec<Runner> = Isa::available().map(Runner::Isa).collect();
    v.extend([Runner::Emu128, Runner::Emu256, Runner::Emu512]);
    v
}

pub fn dispatch<W: WithSimd>(r: Runner, op: W) -> W::Output {
    match r {
        Runner::Isa(isa) => isa.dispatch(op),
        Runner::Emu128 => pulp::Scalar128b.vectorize(op),
        Runner::Emu256 => pulp::Scalar256b.vectorize(op),
        Runner::Emu512 => pulp::Scalar512b.vectorize(op),
    }
}
