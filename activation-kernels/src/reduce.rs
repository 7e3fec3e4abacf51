//! Deterministic compensated reductions shared by the row-wise functions and PReLU's
//! slope gradient.
//!
//! Sums are accumulated in **16 fixed slots** (element `i` of a sequence goes to slot
//! `i mod 16`), each a compensated double-f32 (TwoSum of the running sum, the rounding error and
//! any low word of the term added to a low accumulator, as in Neumaier's variant of Kahan
//! summation), and the slots are combined in a fixed order. The layout does not depend on the
//! vector width (16 is a multiple of every lane count pulp uses: 1, 4, 8, 16), so results are
//! **bit-identical on every ISA**; the compensation keeps the error near one rounding of the
//! result for any length (a plain f32 sum of 10^5 terms drifts by ~10^2 ULP).

use crate::math::V;
use pulp::Simd;

/// Number of accumulation slots: the reduction layout, the same for every ISA.
pub(crate) const SLOTS: usize = 16;

/// A block of `SLOTS` elements, as the vectors of `S`.
#[inline(always)]
pub(crate) fn vecs<S: Simd>(b: &[f32; SLOTS]) -> &[S::f32s] {
    S::as_simd_f32s(b).0
}

#[inline(always)]
pub(crate) fn vecs_mut<S: Simd>(b: &mut [f32; SLOTS]) -> &mut [S::f32s] {
    S::as_mut_simd_f32s(b).0
}

/// `SLOTS` compensated accumulators: slot `i` receives every element `j ≡ i (mod SLOTS)`.
pub(crate) struct Slots<S: Simd> {
    hi: [S::f32s; SLOTS],
    lo: [S::f32s; SLOTS],
}

impl<S: Simd> Slots<S> {
    #[inline(always)]
    pub(crate) fn new(s: S) -> Self {
        let z = s.splat_f32s(0.0);
        Slots {
            hi: [z; SLOTS],
            lo: [z; SLOTS],
        }
    }

    /// Adds `v + v_lo` into vector slot `k` (TwoSum of the running sum and `v`; the rounding
    /// error and `v_lo` go to the low word).
    #[inline(always)]
    pub(crate) fn add(&mut self, s: S, k: usize, v: V<S>, v_lo: V<S>) {
        let a = V::new(s, self.hi[k]);
        let t = a + v;
        let bb = t - a;
        let err = (a - (t - bb)) + (v - bb);
        self.hi[k] = t.v;
        self.lo[k] = (V::new(s, self.lo[k]) + (err + v_lo)).v;
    }

    /// Each slot's `(hi, lo)`, in slot order (`n_vec` vectors of `S` make the 16 slots).
    #[inline(always)]
    pub(crate) fn lanes(&self, n_vec: usize) -> ([f32; SLOTS], [f32; SLOTS]) {
        let mut hi = [0.0f32; SLOTS];
        let mut lo = [0.0f32; SLOTS];
        for k in 0..n_vec {
            vecs_mut::<S>(&mut hi)[k] = self.hi[k];
            vecs_mut::<S>(&mut lo)[k] = self.lo[k];
        }
        (hi, lo)
    }

    /// The total as `(hi, lo)`, combined in slot order (the same on every ISA).
    #[inline(always)]
    pub(crate) fn total(&self, n_vec: usize) -> (f32, f32) {
        let (hi, lo) = self.lanes(n_vec);
        let (mut s, mut c) = (0.0f32, 0.0f32);
        for i in 0..SLOTS {
            let t = s + hi[i];
            let bb = t - s;
            let err = (s - (t - bb)) + (hi[i] - bb);
            s = t;
            c += err + lo[i];
        }
        if !s.is_finite() {
            // ±inf or NaN is the exact sum's value; the compensation (NaN there) is not.
            return (s, 0.0);
        }
        // Normalise: s + c as a rounded head and an exact tail.
        let h = s + c;
        (h, c - (h - s))
    }
}

/// `hi + lo` of one slot, keeping an infinite or NaN `hi` (whose `lo` is NaN).
#[inline(always)]
pub(crate) fn finish(hi: f32, lo: f32) -> f32 {
    if hi.is_finite() { hi + lo } else { hi }
}
