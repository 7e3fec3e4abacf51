//! PReLU (He et al. 2015): leaky ReLU with a learned slope per channel.
//!
//! The input is laid out `[outer, channels, inner]` (contiguous, row-major): element
//! `(o, c, i)` is at `(o·channels + c)·inner + i` and uses `slopes[c]`. `inner = 1` is the
//! channels-last layout (`[N, C]`), `inner = H·W` is NCHW.
//!
//! ```
//! use activation_kernels::prelu::Prelu;
//!
//! // Two channels, inner size 2, one outer row: x = [[-1, 2], [-4, 8]].
//! let slopes = [0.25f32, 0.5];
//! let p = Prelu::new(&slopes, 2).unwrap();
//! let x = [-1.0f32, 2.0, -4.0, 8.0];
//! let mut y = [0.0f32; 4];
//! p.forward(&x, &mut y);
//! assert_eq!(y, [-0.25, 2.0, -2.0, 8.0]);
//!
//! // Backward: dx, and the gradient of each slope, Σ dy·x over that channel's x <= 0.
//! let dy = [1.0f32; 4];
//! let (mut dx, mut dslopes) = ([0.0f32; 4], [0.0f32; 2]);
//! p.backward(&x, &dy, &mut dx, &mut dslopes);
//! assert_eq!(dx, [0.25, 1.0, 0.5, 1.0]);
//! assert_eq!(dslopes, [-1.0, -4.0]);
//! ```
//!
//! **Semantics.** Per element, exactly [`LeakyRelu`](crate::activations::LeakyRelu) with
//! `alpha = slopes[c]`: `x` for `x > 0`, else `slope·x` (correctly rounded; `slope = 0` gives `-0`
//! for every `x < 0` including `-inf`). Derivative 1 or the slope (left derivative at 0). Slopes
//! may be any finite value (they are learned).
//!
//! **Slope gradient.** `dslopes[c] = Σ dy·x` over the channel's elements with `x ≤ 0` (NaN `x`
//! included, so a NaN input gives a NaN gradient), with exact products (FMA) accumulated in
//! the crate's fixed 16-slot compensated reduction, so it is within about one rounding of the
//! exact sum and **bit-identical on every ISA**. `dslopes` is overwritten, not accumulated into.
//!
//! **Element types.** `Prelu<'_, T>` takes slopes and slices of one element type: `f32` runs
//! the vector kernels above; `f64`, `bf16` and `f16` a portable loop with the same operations
//! in their compute type (f64, and f32 for the half types, rounded once on store; the slope
//! gradient as one compensated sum in element order), the same bits on every ISA.
//!
//! ```
//! use activation_kernels::prelu::Prelu;
//!
//! let slopes = [0.25f64, 0.5];
//! let p = Prelu::new(&slopes, 1).unwrap();
//! let mut y = [0.0f64; 4];
//! p.forward(&[-1.0, -1.0, 2.0, -4.0], &mut y);
//! assert_eq!(y, [-0.25, -0.5, 2.0, -2.0]);
//! ```
//!
//! **Errors.** [`Prelu::new`] rejects empty or non-finite slopes and `inner = 0`; slice
//! functions panic on a length that is not a whole number of `[channels, inner]` blocks or
//! on mismatched slices, like every slice function in the crate.

use crate::Isa;
use crate::activation::ParamError;
use crate::element::Element;
use crate::kernel::{InPlaceOp, check_len, for_each_in_place};
use crate::math::V;
use crate::reduce::{SLOTS, Slots, vecs};
use pulp::{Simd, WithSimd};

/// PReLU with per-channel slopes (see the [module docs](self)).
///
/// ```
/// use activation_kernels::prelu::Prelu;
///
/// // Channels-last [N = 2, C = 2]: slopes 0.1 and 0.2 alternate.
/// let p = Prelu::new(&[0.1, 0.2], 1).unwrap();
/// let mut y = [0.0f32; 4];
/// p.forward(&[-10.0, -10.0, 3.0, -5.0], &mut y);
/// assert_eq!(y, [-1.0, -2.0, 3.0, -1.0]);
/// ```
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Prelu<'a, T: Element = f32> {
    slopes: &'a [T],
    inner: usize,
}

impl<'a, T: Element> Prelu<'a, T> {
    /// PReLU with `slopes.len()` channels of `inner` contiguous elements each.
    ///
    /// ```
    /// use activation_kernels::prelu::Prelu;
    ///
    /// assert!(Prelu::new(&[0.25; 3], 4).is_ok());
    /// assert_eq!(Prelu::<f32>::new(&[], 1).unwrap_err().constraint, "at least one channel");
    /// assert_eq!(Prelu::new(&[f32::NAN], 1).unwrap_err().param, "slopes");
    /// let e = Prelu::new(&[0.25], 0).unwrap_err();
    /// assert_eq!(e.to_string(), "prelu: invalid parameter `inner` = 0.0: requires inner > 0");
    /// ```
    pub fn new(slopes: &'a [T], inner: usize) -> Result<Self, ParamError> {
        if slopes.is_empty() {
            return Err(ParamError::new(
                "prelu",
                "slopes",
                f32::NAN,
                "at least one channel",
            ));
        }
        if let Some(v) = slopes
            .iter()
            .map(|&v| T::widen64(v))
            .find(|v| !v.is_finite())
        {
            return Err(ParamError::new(
                "prelu",
                "slopes",
                v as f32,
                "a finite value",
            ));
        }
        if inner == 0 {
            return Err(ParamError::new("prelu", "inner", 0.0, "inner > 0"));
        }
        Ok(Prelu { slopes, inner })
    }

    /// The slopes, one per channel.
    ///
    /// ```
    /// use activation_kernels::prelu::Prelu;
    ///
    /// let slopes = [0.1f32, 0.2, 0.3];
    /// assert_eq!(Prelu::new(&slopes, 1).unwrap().slopes(), &slopes);
    /// ```
    pub fn slopes(&self) -> &'a [T] {
        self.slopes
    }

    /// Elements per channel block.
    ///
    /// ```
    /// use activation_kernels::prelu::Prelu;
    ///
    /// // NCHW with 8×8 images: 64 elements per channel block.
    /// assert_eq!(Prelu::new(&[0.25; 3], 8 * 8).unwrap().inner(), 64);
    /// ```
    pub fn inner(&self) -> usize {
        self.inner
    }

    #[track_caller]
    fn check(&self, len: usize) {
        let block = self.slopes.len() * self.inner;
        if !len.is_multiple_of(block) {
            shape_error(len, self.slopes.len(), self.inner)
        }
    }

    /// `y = prelu(x)`.
    ///
    /// ```
    /// use activation_kernels::prelu::Prelu;
    ///
    /// // One channel: plain leaky ReLU with slope 0.5.
    /// let p = Prelu::new(&[0.5], 1).unwrap();
    /// let mut y = [0.0f32; 3];
    /// p.forward(&[-4.0, 0.0, 4.0], &mut y);
    /// assert_eq!(y, [-2.0, 0.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn forward(&self, x: &[T], y: &mut [T]) {
        self.forward_on(Isa::best(), x, y)
    }

    /// `y = prelu(x)` on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, prelu::Prelu};
    ///
    /// // [outer = 2, channels = 2, inner = 2].
    /// let p = Prelu::new(&[0.5, 0.25], 2).unwrap();
    /// let x = [-2.0f32, 1.0, -4.0, -8.0, /**/ -2.0, -2.0, 4.0, -4.0];
    /// let mut y = [0.0f32; 8];
    /// p.forward_on(Isa::Scalar, &x, &mut y);
    /// assert_eq!(y, [-1.0, 1.0, -1.0, -2.0, -1.0, -1.0, 4.0, -1.0]);
    /// ```
    #[track_caller]
    pub fn forward_on(&self, isa: Isa, x: &[T], y: &mut [T]) {
        check_len("input and output", x.len(), y.len());
        self.check(x.len());
        T::prelu_forward_on(isa, self.slopes, self.inner, x, y)
    }

    /// `x = prelu(x)`.
    ///
    /// ```
    /// use activation_kernels::prelu::Prelu;
    ///
    /// let p = Prelu::new(&[0.5, 2.0], 1).unwrap();
    /// let mut x = [-2.0f32, -2.0, 3.0, 3.0];
    /// p.forward_in_place(&mut x);
    /// assert_eq!(x, [-1.0, -4.0, 3.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn forward_in_place(&self, x: &mut [T]) {
        self.forward_in_place_on(Isa::best(), x)
    }

    /// `x = prelu(x)` on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, prelu::Prelu};
    ///
    /// let p = Prelu::new(&[0.0], 1).unwrap();
    /// let mut x = [-2.0f32, 3.0];
    /// p.forward_in_place_on(Isa::best(), &mut x);
    /// assert_eq!(x, [0.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn forward_in_place_on(&self, isa: Isa, x: &mut [T]) {
        self.check(x.len());
        T::prelu_forward_in_place_on(isa, self.slopes, self.inner, x)
    }

    /// `dx = dy·prelu'(x)` and `dslopes[c] = Σ dy·x` over channel `c`'s `x ≤ 0`.
    ///
    /// ```
    /// use activation_kernels::prelu::Prelu;
    ///
    /// // Channels-last, 2 channels: x columns [-1, 3] and [2, -4].
    /// let p = Prelu::new(&[0.1, 0.2], 1).unwrap();
    /// let x = [-1.0f32, 2.0, 3.0, -4.0];
    /// let dy = [1.0f32, 1.0, 2.0, 2.0];
    /// let (mut dx, mut dslopes) = ([0.0f32; 4], [0.0f32; 2]);
    /// p.backward(&x, &dy, &mut dx, &mut dslopes);
    /// assert_eq!(dx, [0.1, 1.0, 2.0, 0.4]);
    /// assert_eq!(dslopes, [-1.0, -8.0]); // Σ dy·x over x <= 0
    /// ```
    #[track_caller]
    pub fn backward(&self, x: &[T], dy: &[T], dx: &mut [T], dslopes: &mut [T]) {
        self.backward_on(Isa::best(), x, dy, dx, dslopes)
    }

    /// [`Prelu::backward`] on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, prelu::Prelu};
    ///
    /// let p = Prelu::new(&[0.5], 1).unwrap();
    /// let x: Vec<f32> = (0..100).map(|i| i as f32 - 50.0).collect();
    /// let dy = vec![1.0f32; 100];
    /// let (mut dx, mut ds) = (vec![0.0f32; 100], [0.0f32; 1]);
    /// p.backward_on(Isa::Scalar, &x, &dy, &mut dx, &mut ds);
    /// let (mut dx2, mut ds2) = (vec![0.0f32; 100], [0.0f32; 1]);
    /// p.backward_on(Isa::best(), &x, &dy, &mut dx2, &mut ds2);
    /// assert_eq!((&dx, ds), (&dx2, ds2)); // bit-identical on every ISA
    /// assert_eq!(ds, [-1275.0]); // -50 - 49 - ... - 0
    /// ```
    #[track_caller]
    pub fn backward_on(&self, isa: Isa, x: &[T], dy: &[T], dx: &mut [T], dslopes: &mut [T]) {
        check_len("x and dx", x.len(), dx.len());
        check_len("dy and dx", dy.len(), dx.len());
        check_len("slopes and dslopes", self.slopes.len(), dslopes.len());
        self.check(x.len());
        T::prelu_backward_on(isa, self.slopes, self.inner, x, dy, dx, dslopes)
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn shape_error(len: usize, channels: usize, inner: usize) -> ! {
    panic!(
        "activation-kernels: prelu: slice length {len} is not a whole number of [channels = {channels}, inner = {inner}] blocks"
    )
}

/// One PReLU pass over slices of `T` (shapes checked by [`Prelu`]).
pub(crate) enum PreluOp<'a, T> {
    Forward {
        x: &'a [T],
        y: &'a mut [T],
    },
    InPlace {
        x: &'a mut [T],
    },
    Backward {
        x: &'a [T],
        dy: &'a [T],
        dx: &'a mut [T],
        dslopes: &'a mut [T],
    },
}

/// The f32 vector kernels of one pass.
pub(crate) struct Pass<'a> {
    pub(crate) slopes: &'a [f32],
    pub(crate) inner: usize,
    pub(crate) op: PreluOp<'a, f32>,
}

/// The leaky-ReLU lane function, exactly as `LeakyRelu`'s generated kernel computes it.
#[inline(always)]
pub(crate) fn leaky<S: Simd>(x: V<S>, a: V<S>) -> V<S> {
    let zero = x.k(0.0);
    let a_is_zero = a.le(zero) & a.ge(zero);
    let neg = (x.lt(zero) & a_is_zero).select(x.k(-0.0), a * x);
    x.gt(zero).select(x, neg)
}

/// `1` for `x > 0`, else the slope.
#[inline(always)]
fn slope_of<S: Simd>(x: V<S>, a: V<S>) -> V<S> {
    x.gt(x.k(0.0)).select(x.k(1.0), a)
}

/// Applies `f(x, slope)` to one contiguous run of `x` with one slope, into `y`.
#[inline(always)]
fn run<S: Simd>(s: S, x: &[f32], y: &mut [f32], a: V<S>) {
    let (xh, xt) = S::as_simd_f32s(x);
    let (yh, yt) = S::as_mut_simd_f32s(y);
    for (d, &v) in yh.iter_mut().zip(xh) {
        *d = leaky(V::new(s, v), a).v;
    }
    if !xt.is_empty() {
        let v = V::new(s, s.partial_load_f32s(xt));
        s.partial_store_f32s(yt, leaky(v, a).v);
    }
}

impl WithSimd for Pass<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        let Pass { slopes, inner, op } = self;
        let c = slopes.len();
        match op {
            PreluOp::Forward { x, y } => {
                if inner == 1 {
                    for (xr, yr) in x.chunks_exact(c).zip(y.chunks_exact_mut(c)) {
                        zip_rows(s, xr, slopes, yr);
                    }
                } else {
                    for (k, (xr, yr)) in x
                        .chunks_exact(inner)
                        .zip(y.chunks_exact_mut(inner))
                        .enumerate()
                    {
                        run(s, xr, yr, V::splat(s, slopes[k % c]));
                    }
                }
            }
            PreluOp::InPlace { x } => {
                if inner == 1 {
                    for xr in x.chunks_exact_mut(c) {
                        zip_rows_in_place(s, xr, slopes);
                    }
                } else {
                    for (k, xr) in x.chunks_exact_mut(inner).enumerate() {
                        let a = V::splat(s, slopes[k % c]);
                        let (h, t) = S::as_mut_simd_f32s(xr);
                        for_each_in_place(h, LeakyBy(a));
                        if !t.is_empty() {
                            let v = V::new(s, s.partial_load_f32s(t));
                            s.partial_store_f32s(t, leaky(v, a).v);
                        }
                    }
                }
            }
            PreluOp::Backward { x, dy, dx, dslopes } => {
                if inner == 1 {
                    backward_channels_last(s, slopes, x, dy, dx, dslopes);
                } else {
                    backward_blocked(s, slopes, inner, x, dy, dx, dslopes);
                }
            }
        }
    }
}

/// In place `v = leaky(v, a)` with one slope vector `a`.
struct LeakyBy<S: Simd>(V<S>);

impl<S: Simd> InPlaceOp<S::f32s> for LeakyBy<S> {
    #[inline(always)]
    fn call(&mut self, _: usize, v: S::f32s) -> S::f32s {
        leaky(V::new(self.0.s, v), self.0).v
    }
}

/// In place `v[i] = leaky(v[i], slopes[i])`.
struct LeakyBySlopes<'a, S: Simd>(S, &'a [S::f32s]);

impl<S: Simd> InPlaceOp<S::f32s> for LeakyBySlopes<'_, S> {
    #[inline(always)]
    fn call(&mut self, i: usize, v: S::f32s) -> S::f32s {
        leaky(V::new(self.0, v), V::new(self.0, self.1[i])).v
    }
}

/// `y = leaky(x, slopes)` lane by lane over one `[channels]` row.
#[inline(always)]
fn zip_rows<S: Simd>(s: S, x: &[f32], a: &[f32], y: &mut [f32]) {
    let (xh, xt) = S::as_simd_f32s(x);
    let (ah, at) = S::as_simd_f32s(a);
    let (yh, yt) = S::as_mut_simd_f32s(y);
    for ((d, &v), &w) in yh.iter_mut().zip(xh).zip(ah) {
        *d = leaky(V::new(s, v), V::new(s, w)).v;
    }
    if !xt.is_empty() {
        let v = V::new(s, s.partial_load_f32s(xt));
        let w = V::new(s, s.partial_load_f32s(at));
        s.partial_store_f32s(yt, leaky(v, w).v);
    }
}

#[inline(always)]
fn zip_rows_in_place<S: Simd>(s: S, x: &mut [f32], a: &[f32]) {
    let (ah, at) = S::as_simd_f32s(a);
    let (xh, xt) = S::as_mut_simd_f32s(x);
    check_len("slopes and row", ah.len(), xh.len());
    for_each_in_place(xh, LeakyBySlopes(s, ah));
    if !xt.is_empty() {
        let v = V::new(s, s.partial_load_f32s(xt));
        let w = V::new(s, s.partial_load_f32s(at));
        s.partial_store_f32s(xt, leaky(v, w).v);
    }
}

/// The slope-gradient term `dy·x` for `x ≤ 0` (and NaN), as an exact `(p, p_lo)` pair.
#[inline(always)]
fn grad_term<S: Simd>(x: V<S>, g: V<S>) -> (V<S>, V<S>) {
    let zero = x.k(0.0);
    let on = !x.gt(zero);
    let p = g * x;
    let p_lo = g.mul_add(x, -p);
    (on.select(p, zero), on.select(p_lo, zero))
}

/// `inner > 1`: channel `c`'s elements are runs of `inner`; within each run element `i` goes
/// to slot `i mod 16`, runs are taken in `outer` order.
#[inline(always)]
fn backward_blocked<S: Simd>(
    s: S,
    slopes: &[f32],
    inner: usize,
    x: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    dslopes: &mut [f32],
) {
    let c = slopes.len();
    let n_vec = SLOTS / S::F32_LANES;
    let outer = x.len() / (c * inner);
    for (ch, ds) in dslopes.iter_mut().enumerate() {
        let a = V::splat(s, slopes[ch]);
        let mut slots = Slots::<S>::new(s);
        for o in 0..outer {
            let base = (o * c + ch) * inner;
            let mut i = 0;
            while i < inner {
                let k = (inner - i).min(SLOTS);
                let mut xb = [0.0f32; SLOTS];
                let mut gb = [0.0f32; SLOTS];
                xb[..k].copy_from_slice(&x[base + i..base + i + k]);
                gb[..k].copy_from_slice(&dy[base + i..base + i + k]);
                let mut db = [0.0f32; SLOTS];
                for j in 0..n_vec {
                    let xv = V::new(s, vecs::<S>(&xb)[j]);
                    let gv = V::new(s, vecs::<S>(&gb)[j]);
                    let (p, p_lo) = grad_term(xv, gv);
                    slots.add(s, j, p, p_lo);
                    crate::reduce::vecs_mut::<S>(&mut db)[j] = (gv * slope_of(xv, a)).v;
                }
                dx[base + i..base + i + k].copy_from_slice(&db[..k]);
                i += k;
            }
        }
        let (hi, lo) = slots.total(n_vec);
        *ds = crate::reduce::finish(hi, lo);
    }
}

/// `inner = 1` (`[outer, channels]`): channels in tiles of 16 lanes, each lane one channel's
/// compensated sum over `outer` (in order).
#[inline(always)]
fn backward_channels_last<S: Simd>(
    s: S,
    slopes: &[f32],
    x: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    dslopes: &mut [f32],
) {
    let c = slopes.len();
    let n_vec = SLOTS / S::F32_LANES;
    let outer = x.len() / c;
    let mut t = 0;
    while t < c {
        let k = (c - t).min(SLOTS);
        let mut ab = [0.0f32; SLOTS];
        ab[..k].copy_from_slice(&slopes[t..t + k]);
        let mut slots = Slots::<S>::new(s);
        for o in 0..outer {
            let base = o * c + t;
            let mut xb = [0.0f32; SLOTS];
            let mut gb = [0.0f32; SLOTS];
            xb[..k].copy_from_slice(&x[base..base + k]);
            gb[..k].copy_from_slice(&dy[base..base + k]);
            let mut db = [0.0f32; SLOTS];
            for j in 0..n_vec {
                let xv = V::new(s, vecs::<S>(&xb)[j]);
                let gv = V::new(s, vecs::<S>(&gb)[j]);
                let av = V::new(s, vecs::<S>(&ab)[j]);
                let (p, p_lo) = grad_term(xv, gv);
                slots.add(s, j, p, p_lo);
                crate::reduce::vecs_mut::<S>(&mut db)[j] = (gv * slope_of(xv, av)).v;
            }
            dx[base..base + k].copy_from_slice(&db[..k]);
        }
        let (hi, lo) = slots.lanes(n_vec);
        for j in 0..k {
            dslopes[t + j] = crate::reduce::finish(hi[j], lo[j]);
        }
        t += k;
    }
}
