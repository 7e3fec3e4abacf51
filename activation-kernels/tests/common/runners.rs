//! Runners for the f64 math tests: every real ISA of this CPU and pulp's emulated 2/4/8-lane
//! widths, and a map driver for f64 functions (included by tests/math64.rs, tests/math64_erf.rs
//! and tests/math64_reference.rs with `#[path]`).
#![allow(dead_code)]

use activation_kernels::Isa;
use activation_kernels::math::V64;
use pulp::{Simd, WithSimd};

/// A function on f64 vectors, for [`Map64`].
pub trait Kernel64: Copy {
    fn eval<S: Simd>(self, x: V64<S>) -> V64<S>;
}

/// `out[i] = f(x[i])`, full vectors then one partial vector.
pub struct Map64<'a, K> {
    pub f: K,
    pub x: &'a [f64],
    pub out: &'a mut [f64],
}

impl<K: Kernel64> WithSimd for Map64<'_, K> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        assert_eq!(self.x.len(), self.out.len());
        let (xh, xt) = S::as_simd_f64s(self.x);
        let (oh, ot) = S::as_mut_simd_f64s(self.out);
        for (o, &x) in oh.iter_mut().zip(xh) {
            *o = self.f.eval(V64::new(s, x)).v;
        }
        if !xt.is_empty() {
            let x = V64::new(s, s.partial_load_f64s(xt));
            s.partial_store_f64s(ot, self.f.eval(x).v);
        }
    }
}

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
