//! RReLU (Xu et al. 2015): leaky ReLU whose negative slope is drawn at random in training.
//!
//! * **Training**: element `j` gets the slope `lower + (upper - lower)·u_j` (one FMA), with
//!   `u_j ∈ [0, 1)` a 23-bit uniform from a **counter-based generator**: a keyed hash of
//!   `(seed, offset + j)`. The slopes therefore depend only on the seed and each element's
//!   global index, never on the ISA, the chunking or the thread count; pass the index of `x[0]`
//!   in the whole tensor as `offset` when processing a tensor in pieces. Backward regenerates
//!   exactly the same slopes from the same `(seed, offset)`, so nothing has to be stored.
//! * **Evaluation**: the fixed slope `(lower + upper)/2`, i.e. [`LeakyRelu`].
//!
//! Per element the function is [`LeakyRelu`] with that slope: `x` for `x > 0`, else
//! `slope·x` (correctly rounded); derivative 1 or the slope (left derivative at 0).
//!
//! ```
//! use activation_kernels::rrelu::Rrelu;
//!
//! let r = Rrelu::default(); // lower 1/8, upper 1/3 (PyTorch's defaults)
//! let x = [-1.0f32, 2.0, -3.0, -4.0];
//! let (mut y, mut y2) = ([0.0f32; 4], [0.0f32; 2]);
//! r.train(42, 0).forward(&x, &mut y); // seed 42, x[0] is element 0 of the tensor
//! assert_eq!(y[1], 2.0);
//! assert!(y[0] <= -0.125 && y[0] >= -1.0 / 3.0);
//! // The same elements processed as a separate piece (offset 2) get the same slopes.
//! r.train(42, 2).forward(&x[2..], &mut y2);
//! assert_eq!(y2, [y[2], y[3]]);
//! // Backward reproduces them: dx = dy·slope for x <= 0.
//! let mut dx = [0.0f32; 4];
//! r.train(42, 0).backward(&x, &[1.0; 4], &mut dx);
//! assert_eq!(dx[0], y[0] / -1.0);
//! // Evaluation mode: the fixed mean slope.
//! r.forward(&x, &mut y);
//! assert_eq!(y[0], -r.eval_slope());
//! ```
//!
//! **Generator.** `h = fmix32(fmix32(lo ^ k1) ^ k2)` where `lo` is the low 32 bits of the
//! element index and `(k1, k2)` are derived from the seed and the index's high 32 bits by the
//! same finaliser (`fmix32` is MurmurHash3's 32-bit avalanche function, a bijection); `u` is
//! the top 23 bits of `h` as a fraction. This is a statistical generator for regularisation
//! noise, not a cryptographic one.
//!
//! [`LeakyRelu`]: crate::activations::LeakyRelu

use crate::Isa;
use crate::activation::{Activation, ParamError};
use crate::element::Element;
use crate::kernel::check_len;
use crate::math::V;
use crate::math::vec::U;
use crate::prelu::leaky;
use pulp::{Simd, WithSimd};

/// RReLU with slopes drawn from `U(lower, upper)` in training (see the [module docs](self)).
///
/// ```
/// use activation_kernels::rrelu::Rrelu;
///
/// let r = Rrelu::new(0.1, 0.3).unwrap();
/// let x = [-2.0f32, 3.0];
/// let mut y = [0.0f32; 2];
/// r.forward(&x, &mut y); // evaluation mode
/// assert_eq!(y, [-0.4, 3.0]); // slope (0.1 + 0.3)/2
/// r.train(7, 0).forward(&x, &mut y); // training mode
/// assert!(y[0] <= -0.2 && y[0] >= -0.6 && y[1] == 3.0);
/// ```
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Rrelu {
    /// Smallest slope (PyTorch default 1/8).
    pub lower: f32,
    /// Largest slope (PyTorch default 1/3).
    pub upper: f32,
}

impl Default for Rrelu {
    fn default() -> Self {
        Rrelu {
            lower: 1.0 / 8.0,
            upper: 1.0 / 3.0,
        }
    }
}

impl Rrelu {
    /// RReLU with slopes in `[lower, upper]` (finite, `0 <= lower <= upper`).
    ///
    /// ```
    /// use activation_kernels::rrelu::Rrelu;
    ///
    /// assert_eq!(Rrelu::new(0.125, 0.25).unwrap().upper, 0.25);
    /// let e = Rrelu::new(0.5, 0.25).unwrap_err();
    /// assert_eq!(e.to_string(), "rrelu: invalid parameter `lower` = 0.5: requires lower <= upper");
    /// assert!(Rrelu::new(-0.1, 0.2).is_err());
    /// ```
    pub fn new(lower: f32, upper: f32) -> Result<Self, ParamError> {
        let r = Rrelu { lower, upper };
        r.validate()?;
        Ok(r)
    }

    /// Checks the parameters.
    ///
    /// ```
    /// use activation_kernels::rrelu::Rrelu;
    ///
    /// assert!(Rrelu::default().validate().is_ok());
    /// let bad = Rrelu { lower: 0.0, upper: f32::INFINITY };
    /// assert_eq!(bad.validate().unwrap_err().param, "upper");
    /// ```
    pub fn validate(&self) -> Result<(), ParamError> {
        for (param, value) in [("lower", self.lower), ("upper", self.upper)] {
            if !value.is_finite() {
                return Err(ParamError::new("rrelu", param, value, "a finite value"));
            }
        }
        if self.lower < 0.0 {
            return Err(ParamError::new("rrelu", "lower", self.lower, "lower >= 0"));
        }
        if self.lower > self.upper {
            return Err(ParamError::new(
                "rrelu",
                "lower",
                self.lower,
                "lower <= upper",
            ));
        }
        Ok(())
    }

    #[track_caller]
    fn checked(&self) {
        if let Err(e) = self.validate() {
            panic!("activation-kernels: {e}")
        }
    }

    /// The evaluation-mode slope `(lower + upper)/2`.
    ///
    /// ```
    /// use activation_kernels::rrelu::Rrelu;
    ///
    /// assert_eq!(Rrelu::new(0.25, 0.75).unwrap().eval_slope(), 0.5);
    /// ```
    pub fn eval_slope(&self) -> f32 {
        (self.lower + self.upper) * 0.5
    }

    /// The training-mode slope of the element with global index `index`.
    ///
    /// ```
    /// use activation_kernels::rrelu::Rrelu;
    ///
    /// let r = Rrelu::default();
    /// let s: Vec<f32> = (0..1000).map(|i| r.slope(1, i)).collect();
    /// assert!(s.iter().all(|&s| (r.lower..=r.upper).contains(&s)));
    /// assert_eq!(s[5], r.slope(1, 5)); // a pure function of (seed, index)
    /// assert_ne!(s[..8], (0..8).map(|i| r.slope(2, i)).collect::<Vec<_>>()[..]); // seed matters
    /// // And the slopes are spread over the range.
    /// let mean = s.iter().sum::<f32>() / 1000.0;
    /// assert!((mean - r.eval_slope()).abs() < 0.02);
    /// ```
    pub fn slope(&self, seed: u64, index: u64) -> f32 {
        let (k1, k2) = keys(seed, (index >> 32) as u32);
        let u = unit(hash(index as u32, k1, k2));
        libm::fmaf(self.upper - self.lower, u, self.lower)
    }

    /// Training mode: the slopes of the elements with global indices `offset, offset + 1, ...`
    /// drawn from `seed` (see the [module docs](self)).
    ///
    /// ```
    /// use activation_kernels::rrelu::Rrelu;
    ///
    /// let r = Rrelu::default();
    /// let x = [-1.0f32, -1.0, 4.0];
    /// let mut y = [0.0f32; 3];
    /// r.train(3, 100).forward(&x, &mut y);
    /// assert_eq!(y, [-r.slope(3, 100), -r.slope(3, 101), 4.0]);
    /// ```
    #[must_use = "train returns the training-mode function; call forward or backward on it"]
    pub const fn train(self, seed: u64, offset: u64) -> RreluTrain {
        RreluTrain {
            r: self,
            seed,
            offset,
        }
    }

    /// Evaluation forward: leaky ReLU with [`Rrelu::eval_slope`].
    ///
    /// ```
    /// use activation_kernels::rrelu::Rrelu;
    ///
    /// let mut y = [0.0f32; 2];
    /// Rrelu::new(0.2, 0.2).unwrap().forward(&[-5.0, 5.0], &mut y);
    /// assert_eq!(y, [-1.0, 5.0]);
    /// ```
    #[track_caller]
    pub fn forward<T: Element>(&self, x: &[T], y: &mut [T]) {
        self.forward_on(Isa::best(), x, y)
    }

    /// [`Rrelu::forward`] on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, rrelu::Rrelu};
    ///
    /// let mut y = [0.0f64; 2];
    /// Rrelu::new(0.25, 0.75).unwrap().forward_on(Isa::Scalar, &[-2.0, 2.0], &mut y);
    /// assert_eq!(y, [-1.0, 2.0]); // slope (0.25 + 0.75)/2, on f64
    /// ```
    #[track_caller]
    pub fn forward_on<T: Element>(&self, isa: Isa, x: &[T], y: &mut [T]) {
        self.checked();
        self.eval_activation().forward_on(isa, x, y)
    }

    /// Evaluation forward in place.
    ///
    /// ```
    /// use activation_kernels::rrelu::Rrelu;
    ///
    /// let mut x = [-4.0f32, 4.0];
    /// Rrelu::new(0.5, 0.5).unwrap().forward_in_place(&mut x);
    /// assert_eq!(x, [-2.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn forward_in_place<T: Element>(&self, x: &mut [T]) {
        self.forward_in_place_on(Isa::best(), x)
    }

    /// [`Rrelu::forward_in_place`] on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, rrelu::Rrelu};
    ///
    /// let mut x = [-4.0f64, 4.0];
    /// Rrelu::new(0.5, 0.5).unwrap().forward_in_place_on(Isa::best(), &mut x);
    /// assert_eq!(x, [-2.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn forward_in_place_on<T: Element>(&self, isa: Isa, x: &mut [T]) {
        self.checked();
        self.eval_activation().forward_in_place_on(isa, x)
    }

    /// Evaluation backward: `dx = dy·leaky'(x)` with [`Rrelu::eval_slope`].
    ///
    /// ```
    /// use activation_kernels::rrelu::Rrelu;
    ///
    /// let mut dx = [0.0f32; 2];
    /// Rrelu::new(0.1, 0.3).unwrap().backward(&[-1.0, 1.0], &[10.0, 10.0], &mut dx);
    /// assert_eq!(dx, [2.0, 10.0]);
    /// ```
    #[track_caller]
    pub fn backward<T: Element>(&self, x: &[T], dy: &[T], dx: &mut [T]) {
        self.backward_on(Isa::best(), x, dy, dx)
    }

    /// [`Rrelu::backward`] on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, rrelu::Rrelu};
    ///
    /// let mut dx = [0.0f64; 2];
    /// Rrelu::new(0.1, 0.3).unwrap().backward_on(Isa::Scalar, &[-1.0, 1.0], &[10.0, 10.0], &mut dx);
    /// assert_eq!(dx, [10.0 * f64::from(0.2f32), 10.0]);
    /// ```
    #[track_caller]
    pub fn backward_on<T: Element>(&self, isa: Isa, x: &[T], dy: &[T], dx: &mut [T]) {
        self.checked();
        self.eval_activation().backward_on(isa, x, dy, dx)
    }

    /// The evaluation-mode function as a [`LeakyRelu`](crate::activations::LeakyRelu).
    ///
    /// ```
    /// use activation_kernels::rrelu::Rrelu;
    ///
    /// assert_eq!(Rrelu::new(0.25, 0.75).unwrap().eval_activation().alpha, 0.5);
    /// ```
    #[must_use]
    pub fn eval_activation(&self) -> crate::activations::LeakyRelu {
        crate::activations::LeakyRelu {
            alpha: self.eval_slope(),
        }
    }
}

/// RReLU in training mode: [`Rrelu::train`] fixes the seed and the global index of the first
/// element; the slices go to the calls, which take the same slopes on every element type and
/// ISA (the f32 kernels are vectorised, the other types computed per element in their compute
/// type).
///
/// ```
/// use activation_kernels::rrelu::Rrelu;
///
/// let r = Rrelu::default(); // lower 1/8, upper 1/3 (PyTorch's defaults)
/// let x = [-1.0f32, 2.0, -3.0, -4.0];
/// let (mut y, mut y2) = ([0.0f32; 4], [0.0f32; 2]);
/// r.train(42, 0).forward(&x, &mut y);
/// // The same elements processed as a separate piece (offset 2) get the same slopes.
/// r.train(42, 2).forward(&x[2..], &mut y2);
/// assert_eq!(y2, [y[2], y[3]]);
///
/// // f64 elements get the same slopes.
/// let mut y64 = [0.0f64; 4];
/// r.train(42, 0).forward(&[-1.0f64, 2.0, -3.0, -4.0], &mut y64);
/// assert_eq!(y64[0], f64::from(y[0]));
/// ```
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct RreluTrain {
    r: Rrelu,
    seed: u64,
    offset: u64,
}

impl RreluTrain {
    /// The slope of element `i` of the slices passed to this value's calls.
    pub(crate) fn slope_at(&self, i: u64) -> f32 {
        self.r.slope(self.seed, self.offset.wrapping_add(i))
    }

    /// The same generator for the slices that start `n` elements further on (the parallel
    /// functions' chunks).
    #[cfg_attr(not(feature = "rayon"), allow(dead_code))]
    pub(crate) fn skip(&self, n: u64) -> Self {
        RreluTrain {
            offset: self.offset.wrapping_add(n),
            ..*self
        }
    }

    /// Training forward: `y = rrelu(x)` with the slopes of `(seed, offset + j)`.
    ///
    /// ```
    /// use activation_kernels::rrelu::Rrelu;
    ///
    /// let r = Rrelu::default();
    /// let mut y = [0.0f32; 2];
    /// r.train(3, 100).forward(&[-1.0, 4.0], &mut y);
    /// assert_eq!(y, [-r.slope(3, 100), 4.0]);
    /// ```
    #[track_caller]
    pub fn forward<T: Element>(&self, x: &[T], y: &mut [T]) {
        self.forward_on(Isa::best(), x, y)
    }

    /// [`RreluTrain::forward`] on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, rrelu::Rrelu};
    ///
    /// let t = Rrelu::default().train(9, 0);
    /// let x: Vec<f32> = (0..37).map(|i| i as f32 - 20.0).collect();
    /// let (mut a, mut b) = (vec![0.0f32; 37], vec![0.0f32; 37]);
    /// t.forward_on(Isa::Scalar, &x, &mut a);
    /// t.forward_on(Isa::best(), &x, &mut b);
    /// assert_eq!(a, b); // the same slopes on every ISA
    /// ```
    #[track_caller]
    pub fn forward_on<T: Element>(&self, isa: Isa, x: &[T], y: &mut [T]) {
        check_len("input and output", x.len(), y.len());
        self.r.checked();
        T::rrelu_train_on(isa, self, x, None, y)
    }

    /// Training backward: `dx = dy·rrelu'(x)` with the same slopes as the forward call of
    /// this value.
    ///
    /// ```
    /// use activation_kernels::rrelu::Rrelu;
    ///
    /// let r = Rrelu::default();
    /// let mut dx = [0.0f32; 2];
    /// r.train(4, 0).backward(&[-2.0, 5.0], &[10.0, 10.0], &mut dx);
    /// assert_eq!(dx, [10.0 * r.slope(4, 0), 10.0]);
    /// ```
    #[track_caller]
    pub fn backward<T: Element>(&self, x: &[T], dy: &[T], dx: &mut [T]) {
        self.backward_on(Isa::best(), x, dy, dx)
    }

    /// [`RreluTrain::backward`] on `isa`.
    ///
    /// ```
    /// use activation_kernels::{Isa, rrelu::Rrelu};
    ///
    /// let r = Rrelu::default();
    /// let mut dx = [0.0f32; 5];
    /// r.train(11, 7).backward_on(Isa::Scalar, &[-1.0; 5], &[1.0; 5], &mut dx);
    /// for (j, &d) in dx.iter().enumerate() {
    ///     assert_eq!(d, r.slope(11, 7 + j as u64));
    /// }
    /// ```
    #[track_caller]
    pub fn backward_on<T: Element>(&self, isa: Isa, x: &[T], dy: &[T], dx: &mut [T]) {
        check_len("x and dx", x.len(), dx.len());
        check_len("dy and dx", dy.len(), dx.len());
        self.r.checked();
        T::rrelu_train_on(isa, self, x, Some(dy), dx)
    }
}

/// MurmurHash3's 32-bit finaliser.
#[inline(always)]
const fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85EB_CA6B);
    h ^= h >> 13;
    h = h.wrapping_mul(0xC2B2_AE35);
    h ^ (h >> 16)
}

/// The per-(seed, high index word) keys.
#[inline(always)]
fn keys(seed: u64, hi: u32) -> (u32, u32) {
    let k1 = fmix32((seed as u32) ^ fmix32((seed >> 32) as u32 ^ hi ^ 0x9E37_79B9));
    let k2 = fmix32(k1 ^ 0x7F4A_7C15);
    (k1, k2)
}

#[inline(always)]
fn hash(lo: u32, k1: u32, k2: u32) -> u32 {
    fmix32(fmix32(lo ^ k1) ^ k2)
}

/// The top 23 bits of `h` as a fraction in [0, 1).
#[inline(always)]
fn unit(h: u32) -> f32 {
    f32::from_bits(0x3F80_0000 | (h >> 9)) - 1.0
}

#[inline(always)]
fn fmix32_v<S: Simd>(h: U<S>) -> U<S> {
    let s = h.s;
    let shr = |v: S::u32s, n: u32| s.wrapping_dyn_shr_u32s(v, s.splat_u32s(n));
    let mut v = h.v;
    v = s.xor_u32s(v, shr(v, 16));
    v = s.widening_mul_u32s(v, s.splat_u32s(0x85EB_CA6B)).0;
    v = s.xor_u32s(v, shr(v, 13));
    v = s.widening_mul_u32s(v, s.splat_u32s(0xC2B2_AE35)).0;
    v = s.xor_u32s(v, shr(v, 16));
    U { s, v }
}

/// The slopes of `L` consecutive elements starting at global index `base`.
#[inline(always)]
fn slopes_v<S: Simd>(s: S, r: &Rrelu, seed: u64, base: u64) -> V<S> {
    const IOTA: [u32; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
    let lanes = S::F32_LANES as u64;
    let hi = (base >> 32) as u32;
    if (base.wrapping_add(lanes - 1) >> 32) as u32 != hi {
        // The vector straddles a 2^32 boundary of the index (at most once per 2^32 elements):
        // per lane, with the scalar generator (same bits).
        let mut out = [0.0f32; 16];
        for (j, o) in out[..S::F32_LANES].iter_mut().enumerate() {
            *o = r.slope(seed, base + j as u64);
        }
        return V::new(s, S::as_simd_f32s(&out[..S::F32_LANES]).0[0]);
    }
    let (k1, k2) = keys(seed, hi);
    let iota = S::as_simd_u32s(&IOTA[..S::F32_LANES]).0[0];
    let lo = s.add_u32s(s.splat_u32s(base as u32), iota);
    let h = fmix32_v(U {
        s,
        v: s.xor_u32s(lo, s.splat_u32s(k1)),
    });
    let h = fmix32_v(U {
        s,
        v: s.xor_u32s(h.v, s.splat_u32s(k2)),
    });
    let u = U {
        s,
        v: s.wrapping_dyn_shr_u32s(h.v, s.splat_u32s(9)),
    }
    .or(0x3F80_0000)
    .f32()
        - 1.0;
    u.mul_add(V::splat(s, r.upper - r.lower), V::splat(s, r.lower))
}

/// The f32 kernels of [`RreluTrain`]: forward (`dy = None`) or backward.
pub(crate) fn train_f32_on(
    isa: Isa,
    t: &RreluTrain,
    x: &[f32],
    dy: Option<&[f32]>,
    out: &mut [f32],
) {
    isa.dispatch(Train {
        r: t.r,
        seed: t.seed,
        offset: t.offset,
        x,
        dy,
        out,
    })
}

/// Training forward (`dy = None`) or backward.
struct Train<'a> {
    r: Rrelu,
    seed: u64,
    offset: u64,
    x: &'a [f32],
    dy: Option<&'a [f32]>,
    out: &'a mut [f32],
}

impl WithSimd for Train<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        let Train {
            r,
            seed,
            offset,
            x,
            dy,
            out,
        } = self;
        let lanes = S::F32_LANES;
        let f = |xv: V<S>, g: Option<V<S>>, base: u64| -> V<S> {
            let a = slopes_v(s, &r, seed, base);
            match g {
                None => leaky(xv, a),
                Some(g) => g * xv.gt(xv.k(0.0)).select(xv.k(1.0), a),
            }
        };
        let (xh, xt) = S::as_simd_f32s(x);
        let (oh, ot) = S::as_mut_simd_f32s(out);
        let gh = dy.map(|g| S::as_simd_f32s(g));
        for (i, (o, &xv)) in oh.iter_mut().zip(xh).enumerate() {
            let g = gh.map(|(h, _)| V::new(s, h[i]));
            *o = f(V::new(s, xv), g, offset.wrapping_add((i * lanes) as u64)).v;
        }
        if !xt.is_empty() {
            let xv = V::new(s, s.partial_load_f32s(xt));
            let g = gh.map(|(_, t)| V::new(s, s.partial_load_f32s(t)));
            let base = offset.wrapping_add((xh.len() * lanes) as u64);
            s.partial_store_f32s(ot, f(xv, g, base).v);
        }
    }
}
