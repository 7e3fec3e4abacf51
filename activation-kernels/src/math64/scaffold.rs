//! TEMPORARY (development only, removed before this work lands): lane-wise `libm` versions of
//! the core functions whose vector implementations are still being written, so the crate
//! builds meanwhile.
#![allow(missing_docs)]

use crate::math::V64;
use pulp::Simd;

#[inline(always)]
fn lanes<S: Simd>(x: V64<S>, f: impl Fn(f64) -> f64) -> V64<S> {
    let mut v = x.v;
    let s: &mut [f64] = pulp::bytemuck::cast_slice_mut(core::slice::from_mut(&mut v));
    for e in s.iter_mut() {
        *e = f(*e);
    }
    V64::new(x.s, v)
}

macro_rules! shim {
    ($($n:ident => $f:expr;)*) => {$(
        #[inline(always)]
        pub fn $n<S: Simd>(x: V64<S>) -> V64<S> {
            lanes(x, $f)
        }
    )*};
}
shim! {
    erf => libm::erf;
    erfc => libm::erfc;
    gelu => |x| 0.5 * x * libm::erfc(-x * core::f64::consts::FRAC_1_SQRT_2);
    gelu_grad => |x| 0.5 * libm::erfc(-x * core::f64::consts::FRAC_1_SQRT_2)
        + x * libm::exp(-0.5 * x * x) * 0.3989422804014327;
}
