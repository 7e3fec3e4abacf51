//! `mish(x) = x·tanh(softplus(x))` and its derivative on f64 lanes, in closed forms without
//! cancellation.
//!
//! **Method.** The f32 method ([`math::mish`](crate::math::mish)) with `e = e^{-|x|}` from the
//! f64 `exp` (one word; its error is damped by the closed forms' sensitivity, at most 1):
//! * `x ≤ 0`: `mish = x·n/(n + 2)` with `n = e(e + 2)` as a double word (`e²` split by FMA,
//!   TwoSum), the quotient refined by one exact-residual step; for `x < -40` it is
//!   `mul_exp(x, x)` (`x·e^x`, right into the subnormal range), and `-0` below -800;
//! * `x > 0`: `mish = x·(1 + 2e)/(1 + 2e + 2e²)` with numerator and denominator as double words
//!   and the quotient corrected; beyond `x = 40` it is `x`.
//!
//! `mish'(x) = T + x·(1 - T²)·sigmoid(x)`: `[n(n + 2) + 4x·e(1 + e)]/(n + 2)²` for `x ≤ 0`
//! (`e^x·(1 + x)` for `x < -40`), and `T + x·(1 - T)(1 + T)/(1 + e)` with `1 - T = 2e²/D` for
//! `x > 0`. Its zero near `x = -1.1924` is a cancellation: the error is small in absolute terms
//! there, not in ULP.
//!
//! **Domain.** All f64. `mish(-inf) = -0`, `mish(inf) = inf`, `mish'(±inf) = 0, 1`; NaN gives
//! NaN. **Measured** against MPFR: see tests/math64_composites.rs.

use super::tanh::two_sum;
use super::{exp, mul_exp};
use crate::math::V64;
use pulp::Simd;

/// Mish on f64 lanes. See the module docs.
///
/// ```
/// use activation_kernels::{math::V64, math64::mish, pulp::Scalar};
/// let m = |x: f64| mish(V64::splat(Scalar, x)).v;
/// assert_eq!(m(0.0), 0.0);
/// assert_eq!(m(100.0), 100.0);
/// assert!((m(1.0) - 1.0 * (1.0 + 1f64.exp()).ln().tanh()).abs() < 1e-15);
/// ```
#[inline(always)]
pub fn mish<S: Simd>(x: V64<S>) -> V64<S> {
    let one = x.k(1.0);
    let two = x.k(2.0);
    let e = exp(-x.abs());
    // x <= 0: x·n/(n + 2), n = 2e + e² as a double word.
    let a = e + e;
    let b = e * e;
    let b_lo = e.mul_add(e, -b);
    let (n, n_err) = two_sum(a, b);
    let n_lo = n_err + b_lo;
    let (d, d_err) = two_sum(n, two);
    let d_err = d_err + n_lo; // n + n_lo + 2 = d + d_err
    let num = x * n;
    let num_lo = x.mul_add(n, -num) + x * n_lo;
    let q = num / d;
    let resid = q.neg_mul_add(d_err, q.neg_mul_add(d, num) + num_lo);
    let neg_side = resid.mul_add(one / d, q);
    let neg_side = x.lt(x.k(-40.0)).select(mul_exp(x, x), neg_side);
    // x > 0: x·(1 + 2e)/(1 + 2e + 2e²), both as double words.
    let (n1, n1_lo) = two_sum(one, a);
    let e2x2 = b + b;
    let e2x2_lo = b_lo + b_lo;
    let (dn, dn_err) = two_sum(n1, e2x2);
    let dn_lo = dn_err + n1_lo + e2x2_lo;
    let pnum = x * n1;
    let pnum_lo = x.mul_add(n1, -pnum) + x * n1_lo;
    let pq = pnum / dn;
    let presid = pq.neg_mul_add(dn_lo, pq.neg_mul_add(dn, pnum) + pnum_lo);
    let pos_side = presid.mul_add(one / dn, pq);
    let pos_side = x.gt(x.k(40.0)).select(x, pos_side);
    let res = x.gt(x.k(0.0)).select(pos_side, neg_side);
    x.lt(x.k(-800.0)).select(x.k(-0.0), res)
}

/// The derivative of [`mish`] on f64 lanes. See the module docs.
///
/// ```
/// use activation_kernels::{math::V64, math64::mish_grad, pulp::Scalar};
/// let g = |x: f64| mish_grad(V64::splat(Scalar, x)).v;
/// assert!((g(0.0) - 0.6).abs() < 1e-15); // tanh(ln 2) = 3/5
/// assert_eq!(g(100.0), 1.0);
/// ```
#[inline(always)]
pub fn mish_grad<S: Simd>(x: V64<S>) -> V64<S> {
    let e = exp(-x.abs());
    let one = x.k(1.0);
    let two = x.k(2.0);
    // x <= 0.
    let n = e.mul_add(e, e + e);
    let d = n + two;
    let top = n.mul_add(d, (x * 4.0) * (e.mul_add(e, e)));
    let neg_side = top / (d * d);
    let neg_side = x.lt(x.k(-40.0)).select(mul_exp(one + x, x), neg_side);
    // x > 0: T + x(1 - T)(1 + T)/(1 + e), 1 - T = 2e²/D.
    let e2 = e * e;
    let dd = e.mul_add(two, two.mul_add(e2, one));
    let omt = (e2 + e2) / dd;
    let t = one - omt;
    let pos_side = t + x * omt * (two - omt) / (one + e);
    let pos_side = x.gt(x.k(40.0)).select(one, pos_side);
    let res = x.gt(x.k(0.0)).select(pos_side, neg_side);
    x.lt(x.k(-800.0)).select(x.k(-0.0), res)
}
