//! Runtime instruction-set selection.
//!
//! Every kernel in this crate is one generic body over [`pulp::Simd`], monomorphised per ISA. This
//! module decides which instantiation runs:
//!
//! * [`Isa::best`] detects the best ISA of the running CPU once and caches it, honouring the
//!   process-wide cap in the environment variable `ACTIVATION_KERNELS_ISA`
//!   (`scalar`, `avx2`, `avx512` or `neon`, case-insensitive). Asking for an ISA the CPU lacks
//!   prints one message on standard error and falls back to the best available ISA below it.
//!   An unrecognised value prints a message and is ignored.
//! * [`Isa::available`] lists what this CPU supports (ignoring the cap), for tests and benches.
//! * [`Isa::dispatch`] runs a [`pulp::WithSimd`] kernel on an explicitly chosen ISA.
//!
//! All ISAs produce bit-identical results (see the crate docs), so the choice only affects speed.

use core::fmt;
use core::sync::atomic::{AtomicU8, Ordering};

/// An instruction set a kernel can run on.
///
/// The order is "more capable is greater": `Scalar < Avx2 < Avx512`; `Neon` is only ever
/// available on aarch64 and sits above `Scalar`.
///
/// ```
/// use activation_kernels::Isa;
///
/// assert!(Isa::Scalar < Isa::Avx2 && Isa::Avx2 < Isa::Avx512);
/// // Names parse back (any case, surrounding spaces ignored), and pulp's `v3`/`v4` are accepted.
/// for isa in Isa::ALL {
///     assert_eq!(isa.to_string().parse::<Isa>(), Ok(isa));
/// }
/// assert_eq!(" AVX512 ".parse::<Isa>(), Ok(Isa::Avx512));
/// assert_eq!("v3".parse::<Isa>(), Ok(Isa::Avx2));
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Isa {
    /// Portable code, one lane (`pulp::Scalar`). Always available; the reference path.
    Scalar,
    /// x86-64 AVX2 + FMA (`pulp::x86::V3`), 8 f32 lanes.
    Avx2,
    /// x86-64 AVX-512 F/BW/CD/DQ/VL (`pulp::x86::V4`), 16 f32 lanes.
    Avx512,
    /// aarch64 Advanced SIMD (`pulp::aarch64::Neon`), 4 f32 lanes.
    Neon,
}

/// The environment variable that caps the ISA for the whole process.
///
/// ```
/// use activation_kernels::{Isa, dispatch::ISA_ENV_VAR};
///
/// // Its accepted values are the ISA names.
/// assert_eq!(ISA_ENV_VAR, "ACTIVATION_KERNELS_ISA");
/// assert!(Isa::ALL.iter().all(|i| i.name().parse() == Ok(*i)));
/// ```
pub const ISA_ENV_VAR: &str = "ACTIVATION_KERNELS_ISA";

/// Error returned when parsing an ISA name fails.
///
/// ```
/// use activation_kernels::Isa;
///
/// let e = "sse2".parse::<Isa>().unwrap_err();
/// assert_eq!(e.to_string(), "unknown ISA `sse2`; expected one of: scalar, avx2, avx512, neon");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseIsaError {
    input: alloc_free::Name,
}

mod alloc_free {
    /// A short copy of the rejected input, kept without allocating.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Name {
        pub(crate) bytes: [u8; 16],
        pub(crate) len: u8,
    }
    impl Name {
        pub(crate) fn new(s: &str) -> Self {
            let mut bytes = [0u8; 16];
            let mut len = 0;
            for (i, c) in s.char_indices() {
                if i + c.len_utf8() > 16 {
                    break;
                }
                len = i + c.len_utf8();
            }
            bytes[..len].copy_from_slice(&s.as_bytes()[..len]);
            Name {
                bytes,
                len: len as u8,
            }
        }
        pub(crate) fn as_str(&self) -> &str {
            core::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("?")
        }
    }
}

impl fmt::Display for ParseIsaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown ISA `{}`; expected one of: scalar, avx2, avx512, neon",
            self.input.as_str()
        )
    }
}

// core::error::Error: an error type without std (no_std users can use it with `?` too).
impl core::error::Error for ParseIsaError {}

impl core::str::FromStr for Isa {
    type Err = ParseIsaError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        for isa in Isa::ALL {
            if t.eq_ignore_ascii_case(isa.name()) {
                return Ok(isa);
            }
        }
        // Accept pulp's names too.
        if t.eq_ignore_ascii_case("v3") {
            Ok(Isa::Avx2)
        } else if t.eq_ignore_ascii_case("v4") {
            Ok(Isa::Avx512)
        } else {
            Err(ParseIsaError {
                input: alloc_free::Name::new(t),
            })
        }
    }
}

impl fmt::Display for Isa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

const UNINIT: u8 = 0xFF;
static BEST: AtomicU8 = AtomicU8::new(UNINIT);
/// See [`Isa::cap_warning`].
#[cfg(feature = "std")]
static CAP_WARNING: std::sync::OnceLock<std::string::String> = std::sync::OnceLock::new();

impl Isa {
    /// Every ISA this crate knows, in increasing order.
    ///
    /// ```
    /// use activation_kernels::Isa;
    ///
    /// assert!(Isa::ALL.windows(2).all(|w| w[0] < w[1]));
    /// assert_eq!(Isa::ALL[0], Isa::Scalar);
    /// ```
    pub const ALL: [Isa; 4] = [Isa::Scalar, Isa::Avx2, Isa::Avx512, Isa::Neon];

    /// The lower-case name used by `ACTIVATION_KERNELS_ISA` and in reports.
    ///
    /// ```
    /// use activation_kernels::Isa;
    ///
    /// assert_eq!(Isa::Avx512.name(), "avx512");
    /// assert_eq!(Isa::Neon.to_string(), Isa::Neon.name()); // `Display` prints the name
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Isa::Scalar => "scalar",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
            Isa::Neon => "neon",
        }
    }

    /// Number of f32 lanes per vector on this ISA.
    ///
    /// ```
    /// use activation_kernels::{Isa, pulp::{Simd, WithSimd}};
    ///
    /// assert_eq!(Isa::Avx2.f32_lanes(), 8);
    /// // The same as the dispatched SIMD type's lane count, on every ISA of this CPU.
    /// struct Lanes;
    /// impl WithSimd for Lanes {
    ///     type Output = usize;
    ///     fn with_simd<S: Simd>(self, _: S) -> usize {
    ///         S::F32_LANES
    ///     }
    /// }
    /// for isa in Isa::available() {
    ///     assert_eq!(isa.dispatch(Lanes), isa.f32_lanes());
    /// }
    /// ```
    pub const fn f32_lanes(self) -> usize {
        match self {
            Isa::Scalar => 1,
            Isa::Avx2 => 8,
            Isa::Avx512 => 16,
            Isa::Neon => 4,
        }
    }

    /// Whether the running CPU supports this ISA (ignores the environment cap).
    ///
    /// ```
    /// use activation_kernels::Isa;
    ///
    /// assert!(Isa::Scalar.is_available());
    /// assert!(Isa::best().is_available());
    /// // Never an ISA of the other architecture.
    /// #[cfg(target_arch = "x86_64")]
    /// assert!(!Isa::Neon.is_available());
    /// #[cfg(target_arch = "aarch64")]
    /// assert!(!Isa::Avx2.is_available() && !Isa::Avx512.is_available());
    /// ```
    pub fn is_available(self) -> bool {
        match self {
            Isa::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => pulp::x86::V3::try_new().is_some(),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => pulp::x86::V4::try_new().is_some(),
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => pulp::aarch64::Neon::try_new().is_some(),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// The ISAs this CPU supports, in increasing order (ignores the environment cap).
    ///
    /// ```
    /// use activation_kernels::Isa;
    /// assert_eq!(Isa::available().next(), Some(Isa::Scalar));
    /// ```
    pub fn available() -> impl Iterator<Item = Isa> + Clone {
        Isa::ALL.into_iter().filter(|i| i.is_available())
    }

    /// The best ISA the CPU supports, ignoring the environment cap.
    ///
    /// ```
    /// use activation_kernels::Isa;
    ///
    /// let hw = Isa::detect_hardware();
    /// assert!(hw.is_available());
    /// assert_eq!(Some(hw), Isa::available().last());
    /// assert!(Isa::best() <= hw); // the cap can only lower it
    /// ```
    pub fn detect_hardware() -> Isa {
        Isa::available().max().unwrap_or(Isa::Scalar)
    }

    /// The ISA every dispatched call uses: the best available one, capped by
    /// `ACTIVATION_KERNELS_ISA`. Computed once per process, then a single atomic load.
    ///
    /// ```
    /// use activation_kernels::{Activation, Isa, activations::Tanh};
    ///
    /// let isa = Isa::best();
    /// assert!(isa.is_available());
    /// assert_eq!(Isa::best(), isa); // cached
    /// // The plain slice functions run on it, with the same bits as the scalar path.
    /// let x = [-2.0f32, 0.3, 1.7];
    /// let (mut a, mut b) = ([0.0f32; 3], [0.0f32; 3]);
    /// Tanh.forward(&x, &mut a);
    /// Tanh.forward_on(Isa::Scalar, &x, &mut b);
    /// assert_eq!(a, b);
    /// ```
    #[inline]
    pub fn best() -> Isa {
        match BEST.load(Ordering::Relaxed) {
            UNINIT => {
                let isa = Self::compute_best();
                BEST.store(isa as u8, Ordering::Relaxed);
                isa
            }
            v => Isa::from_u8(v),
        }
    }

    fn from_u8(v: u8) -> Isa {
        match v {
            0 => Isa::Scalar,
            1 => Isa::Avx2,
            2 => Isa::Avx512,
            _ => Isa::Neon,
        }
    }

    #[cold]
    fn compute_best() -> Isa {
        let hw = Self::detect_hardware();
        #[cfg(feature = "std")]
        if let Ok(value) = std::env::var(ISA_ENV_VAR) {
            return Self::apply_cap(hw, &value, |msg| {
                let _ = CAP_WARNING.set(std::format!("activation-kernels: {msg}"));
            });
        }
        hw
    }

    /// Caps the ISA of every call that does not name one ([`Isa::best`]) for the rest of the
    /// process, as the `ACTIVATION_KERNELS_ISA` variable does (and taking precedence over it):
    /// the best ISA this CPU has that is not above `cap` (of the same family; NEON on x86 and
    /// AVX on aarch64 give scalar). Returns the ISA now in use. `Isa::set_cap(Isa::detect_hardware())`
    /// lifts the cap. Calls that run concurrently with it use either the old or the new ISA;
    /// both give the same bits.
    ///
    /// ```
    /// use activation_kernels::Isa;
    ///
    /// assert_eq!(Isa::set_cap(Isa::Scalar), Isa::Scalar);
    /// assert_eq!(Isa::best(), Isa::Scalar);
    /// let hw = Isa::detect_hardware();
    /// assert_eq!(Isa::set_cap(hw), hw);
    /// assert_eq!(Isa::best(), hw);
    /// ```
    pub fn set_cap(cap: Isa) -> Isa {
        let isa = Self::apply_cap(Self::detect_hardware(), cap.name(), |_| {});
        BEST.store(isa as u8, Ordering::Relaxed);
        isa
    }

    /// The message about an `ACTIVATION_KERNELS_ISA` value that could not be honoured (an
    /// unknown name, or an ISA this CPU lacks, with the fallback taken), if there was one. The
    /// library prints nothing itself; a program may show this.
    ///
    /// ```
    /// use activation_kernels::Isa;
    ///
    /// let _ = Isa::best(); // reads the variable, once
    /// if let Some(msg) = Isa::cap_warning() {
    ///     eprintln!("{msg}");
    /// }
    /// ```
    #[cfg(feature = "std")]
    pub fn cap_warning() -> Option<&'static str> {
        CAP_WARNING.get().map(|s| s.as_str())
    }

    /// Resolves a cap request against the hardware's best ISA. Pure (besides `warn`), so tests
    /// can check the policy without touching the process environment.
    #[doc(hidden)]
    pub fn apply_cap(hw: Isa, request: &str, mut warn: impl FnMut(fmt::Arguments<'_>)) -> Isa {
        let requested: Isa = match request.parse() {
            Ok(i) => i,
            Err(e) => {
                warn(format_args!("{ISA_ENV_VAR}: {e}; using {hw}"));
                return hw;
            }
        };
        if requested.is_available() {
            return requested;
        }
        // Fall back to the best available ISA that is not above the request.
        // An ISA of the other architecture family (NEON on x86, AVX on aarch64) falls back to
        // scalar: nothing is "below" it in a meaningful sense.
        let same_family = |i: Isa| i == Isa::Scalar || (i == Isa::Neon) == (requested == Isa::Neon);
        let fallback = Isa::available()
            .filter(|&i| same_family(i) && i <= requested)
            .max()
            .unwrap_or(Isa::Scalar);
        warn(format_args!(
            "{ISA_ENV_VAR}={request}: this CPU does not support {requested}; falling back to {fallback}"
        ));
        fallback
    }

    /// Runs `op` on this ISA.
    ///
    /// # Panics
    /// If the CPU does not support this ISA (check [`Isa::is_available`] first). This never
    /// executes unsupported instructions.
    ///
    /// ```
    /// use activation_kernels::{Isa, pulp::{Simd, WithSimd}};
    ///
    /// /// The largest element of a slice, a vector at a time.
    /// struct Max<'a>(&'a [f32]);
    /// impl WithSimd for Max<'_> {
    ///     type Output = f32;
    ///     fn with_simd<S: Simd>(self, simd: S) -> f32 {
    ///         let (head, tail) = S::as_simd_f32s(self.0);
    ///         let mut m = simd.splat_f32s(f32::NEG_INFINITY);
    ///         for &v in head {
    ///             m = simd.max_f32s(m, v);
    ///         }
    ///         let m = simd.reduce_max_f32s(m);
    ///         tail.iter().fold(m, |a, &b| a.max(b))
    ///     }
    /// }
    ///
    /// let x: Vec<f32> = (0..37).map(|i| ((i * 17) % 37) as f32).collect();
    /// for isa in Isa::available() {
    ///     assert_eq!(isa.dispatch(Max(&x)), 36.0);
    /// }
    /// assert_eq!(Isa::best().dispatch(Max(&[-1.0, -3.0])), -1.0);
    /// ```
    #[inline(always)]
    pub fn dispatch<W: pulp::WithSimd>(self, op: W) -> W::Output {
        match self {
            Isa::Scalar => pulp::Simd::vectorize(pulp::Scalar::new(), op),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => match pulp::x86::V3::try_new() {
                Some(s) => pulp::Simd::vectorize(s, op),
                None => unavailable(self),
            },
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => match pulp::x86::V4::try_new() {
                Some(s) => pulp::Simd::vectorize(s, op),
                None => unavailable(self),
            },
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => match pulp::aarch64::Neon::try_new() {
                Some(s) => pulp::Simd::vectorize(s, op),
                None => unavailable(self),
            },
            #[allow(unreachable_patterns)]
            _ => unavailable(self),
        }
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn unavailable(isa: Isa) -> ! {
    panic!("activation-kernels: ISA `{isa}` is not available on this CPU (check Isa::is_available)")
}
