//! Activations by name, as trait objects.
//!
//! ```
//! use activation_kernels::registry;
//!
//! let s = registry::lookup("Logistic").unwrap();      // aliases, any case
//! assert_eq!(s.info().name, "sigmoid");
//!
//! let elu = registry::lookup("elu").unwrap();          // default parameters, no allocation
//! let mut y = [0.0f32; 2];
//! elu.forward(&[1.0, -30.0], &mut y);
//! assert_eq!(y, [1.0, -1.0]);
//!
//! let leaky = registry::lookup_with("leaky_relu", &[("alpha", 0.2)]).unwrap();
//! leaky.forward(&[-1.0, 2.0], &mut y);
//! assert_eq!(y, [-0.2, 2.0]);
//!
//! let err = registry::lookup("relu7").unwrap_err().to_string();
//! assert!(err.contains("relu6"));                       // the error lists the valid names
//! ```
//!
//! Names are the Keras-style canonical names ([`ActivationInfo::name`]) and their aliases,
//! matched case-insensitively with `-` and `_` treated alike.

use crate::Isa;
use crate::activation::{Activation, ActivationInfo, ParamError};
use crate::activations::*;
use core::fmt;

/// The object-safe face of an [`Activation`], for choosing activations at run time.
///
/// Every method behaves like the [`Activation`] method of the same name (panics on length
/// mismatch; results identical on every ISA).
pub trait DynActivation: Send + Sync {
    /// Static metadata.
    fn info(&self) -> &'static ActivationInfo;
    /// Current parameter values (in [`ActivationInfo::params`] order).
    fn param_values(&self) -> [f32; 8];
    /// `y = f(x)` on `isa`.
    fn forward_on(&self, isa: Isa, x: &[f32], y: &mut [f32]);
    /// `x = f(x)` on `isa`.
    fn forward_in_place_on(&self, isa: Isa, x: &mut [f32]);
    /// `d = f'(x)` on `isa`.
    fn derivative_on(&self, isa: Isa, x: &[f32], d: &mut [f32]);
    /// `dx = dy·f'(x)` on `isa`.
    fn backward_on(&self, isa: Isa, x: &[f32], dy: &[f32], dx: &mut [f32]);
    /// `y = f(x)`, `d = f'(x)` in one pass on `isa`.
    fn forward_with_derivative_on(&self, isa: Isa, x: &[f32], y: &mut [f32], d: &mut [f32]);
    /// The exact forward function in f64 (the accuracy reference).
    fn forward_reference(&self, x: f64) -> f64;
    /// The exact derivative in f64.
    fn derivative_reference(&self, x: f64) -> f64;
    /// `dx = dy·f'(x)` from `y = f(x)` on `isa`; [`RegistryError::NoOutputDerivative`] when the
    /// activation's derivative is not a function of its output.
    fn backward_from_output_on(
        &self,
        isa: Isa,
        y: &[f32],
        dy: &[f32],
        dx: &mut [f32],
    ) -> Result<(), RegistryError>;

    /// `y = f(x)` on [`Isa::best`].
    fn forward(&self, x: &[f32], y: &mut [f32]) {
        self.forward_on(Isa::best(), x, y)
    }
    /// `x = f(x)` on [`Isa::best`].
    fn forward_in_place(&self, x: &mut [f32]) {
        self.forward_in_place_on(Isa::best(), x)
    }
    /// `d = f'(x)` on [`Isa::best`].
    fn derivative(&self, x: &[f32], d: &mut [f32]) {
        self.derivative_on(Isa::best(), x, d)
    }
    /// `dx = dy·f'(x)` on [`Isa::best`].
    fn backward(&self, x: &[f32], dy: &[f32], dx: &mut [f32]) {
        self.backward_on(Isa::best(), x, dy, dx)
    }
    /// `y`, `d` in one pass on [`Isa::best`].
    fn forward_with_derivative(&self, x: &[f32], y: &mut [f32], d: &mut [f32]) {
        self.forward_with_derivative_on(Isa::best(), x, y, d)
    }
    /// `dx = dy·f'(x)` from `y` on [`Isa::best`].
    fn backward_from_output(
        &self,
        y: &[f32],
        dy: &[f32],
        dx: &mut [f32],
    ) -> Result<(), RegistryError> {
        self.backward_from_output_on(Isa::best(), y, dy, dx)
    }
}

impl fmt::Debug for dyn DynActivation + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.info();
        let values = self.param_values();
        let mut s = f.debug_struct(info.name);
        for (p, v) in info.params.iter().zip(values) {
            s.field(p.name, &v);
        }
        s.finish()
    }
}

impl<A: Activation> DynActivation for A {
    fn info(&self) -> &'static ActivationInfo {
        Activation::info(self)
    }
    fn param_values(&self) -> [f32; 8] {
        Activation::param_values(self)
    }
    fn forward_reference(&self, x: f64) -> f64 {
        Activation::forward_reference(self, x)
    }
    fn derivative_reference(&self, x: f64) -> f64 {
        Activation::derivative_reference(self, x)
    }
    fn forward_on(&self, isa: Isa, x: &[f32], y: &mut [f32]) {
        Activation::forward_on(self, isa, x, y)
    }
    fn forward_in_place_on(&self, isa: Isa, x: &mut [f32]) {
        Activation::forward_in_place_on(self, isa, x)
    }
    fn derivative_on(&self, isa: Isa, x: &[f32], d: &mut [f32]) {
        Activation::derivative_on(self, isa, x, d)
    }
    fn backward_on(&self, isa: Isa, x: &[f32], dy: &[f32], dx: &mut [f32]) {
        Activation::backward_on(self, isa, x, dy, dx)
    }
    fn forward_with_derivative_on(&self, isa: Isa, x: &[f32], y: &mut [f32], d: &mut [f32]) {
        Activation::forward_with_derivative_on(self, isa, x, y, d)
    }
    fn backward_from_output_on(
        &self,
        isa: Isa,
        y: &[f32],
        dy: &[f32],
        dx: &mut [f32],
    ) -> Result<(), RegistryError> {
        if self.backward_from_output_dyn(isa, y, dy, dx) {
            Ok(())
        } else {
            Err(RegistryError::NoOutputDerivative {
                name: Activation::info(self).name,
            })
        }
    }
}

/// Why a lookup failed.
#[derive(Clone, Debug, PartialEq)]
pub enum RegistryError {
    /// No activation has this name or alias.
    UnknownName {
        /// The requested name (truncated to 32 bytes).
        name: ShortName,
    },
    /// The activation has no parameter of this name.
    UnknownParam {
        /// Activation.
        activation: &'static str,
        /// The requested parameter (truncated to 32 bytes).
        param: ShortName,
        /// Its parameters.
        valid: &'static [crate::activation::ParamInfo],
    },
    /// A parameter value violates a constraint.
    InvalidParam(ParamError),
    /// `backward_from_output` on an activation whose derivative needs `x`.
    NoOutputDerivative {
        /// Activation.
        name: &'static str,
    },
}

/// A short copy of a user-provided name, kept without allocating.
#[derive(Clone, PartialEq, Eq)]
pub struct ShortName {
    bytes: [u8; 32],
    len: u8,
}

impl ShortName {
    fn new(s: &str) -> Self {
        let mut len = 0;
        for (i, c) in s.char_indices() {
            if i + c.len_utf8() > 32 {
                break;
            }
            len = i + c.len_utf8();
        }
        let mut bytes = [0u8; 32];
        bytes[..len].copy_from_slice(&s.as_bytes()[..len]);
        ShortName {
            bytes,
            len: len as u8,
        }
    }
    /// The name.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("?")
    }
}

impl fmt::Debug for ShortName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::UnknownName { name } => {
                let row = crate::rowwise::NAMES
                    .iter()
                    .any(|r| same_name(r, name.as_str()));
                let elementwise = names().any(|n| same_name(n, name.as_str()));
                if row {
                    return write!(
                        f,
                        "`{}` is a row-wise function: use registry::lookup_rowwise",
                        name.as_str()
                    );
                }
                if elementwise {
                    return write!(
                        f,
                        "`{}` is an elementwise activation: use registry::lookup",
                        name.as_str()
                    );
                }
                write!(f, "unknown activation `{}`; valid names: ", name.as_str())?;
                for (i, n) in names().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(n)?;
                }
                f.write_str("; row-wise (registry::lookup_rowwise): ")?;
                for (i, n) in crate::rowwise::NAMES.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(n)?;
                }
                Ok(())
            }
            RegistryError::UnknownParam {
                activation,
                param,
                valid,
            } => {
                write!(
                    f,
                    "activation `{activation}` has no parameter `{}`; ",
                    param.as_str()
                )?;
                if valid.is_empty() {
                    f.write_str("it takes no parameters")
                } else {
                    f.write_str("valid parameters: ")?;
                    for (i, p) in valid.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{} (default {})", p.name, p.default)?;
                    }
                    Ok(())
                }
            }
            RegistryError::InvalidParam(e) => fmt::Display::fmt(e, f),
            RegistryError::NoOutputDerivative { name } => write!(
                f,
                "activation `{name}` has no backward_from_output (its derivative needs x); use backward"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RegistryError {}

impl From<ParamError> for RegistryError {
    fn from(e: ParamError) -> Self {
        RegistryError::InvalidParam(e)
    }
}

/// The built-ins, each once: a static instance with default parameters (listed in
/// [`ALL`]) and the constructor `lookup_with` uses.
macro_rules! builtins {
    ($($st:ident: $ty:ty = $val:expr;)*) => {
        $(static $st: $ty = $val;)*

        /// Every built-in activation with its default parameters.
        pub static ALL: &[&dyn DynActivation] = &[$(&$st),*];

        #[cfg(feature = "std")]
        fn build(name: &str, values: [f32; 8]) -> Result<std::boxed::Box<dyn DynActivation>, RegistryError> {
            fn make<A: Activation>(a: &A, values: [f32; 8]) -> Result<std::boxed::Box<dyn DynActivation>, RegistryError> {
                let b = a.with_param_values(values);
                b.validate()?;
                Ok(std::boxed::Box::new(b))
            }
            $(if Activation::info(&$st).name == name {
                return make(&$st, values);
            })*
            Err(RegistryError::UnknownName { name: ShortName::new(name) })
        }
    };
}

builtins! {
    RELU: Relu = Relu;
    LEAKY_RELU: LeakyRelu = LeakyRelu { alpha: 0.01 };
    RELU6: Relu6 = Relu6;
    HARDTANH: Hardtanh = Hardtanh { min_val: -1.0, max_val: 1.0 };
    ELU: Elu = Elu { alpha: 1.0 };
    SELU: Selu = Selu;
    SIGMOID: Sigmoid = Sigmoid;
    HARD_SIGMOID: HardSigmoid = HardSigmoid { slope: 0.2, offset: 0.5 };
    SWISH: Swish = Swish { beta: 1.0 };
    GELU: Gelu = Gelu;
    GELU_TANH: GeluTanh = GeluTanh;
    MISH: Mish = Mish;
    HARD_SWISH: HardSwish = HardSwish;
    SOFTPLUS: Softplus = Softplus { beta: 1.0 };
    SOFTSIGN: Softsign = Softsign;
    TANH: Tanh = Tanh;
    LINEAR: Linear = Linear;
    EXPONENTIAL: Exponential = Exponential;
    TANHSHRINK: Tanhshrink = Tanhshrink;
    GENERAL_RELU: GeneralRelu = GeneralRelu { alpha: 0.0, max_value: f32::INFINITY, threshold: 0.0 };
}

fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes().zip(b.bytes()).all(|(x, y)| {
            let n = |c: u8| {
                if c == b'-' {
                    b'_'
                } else {
                    c.to_ascii_lowercase()
                }
            };
            n(x) == n(y)
        })
}

/// Every accepted name: canonical names, then aliases.
pub fn names() -> impl Iterator<Item = &'static str> {
    ALL.iter()
        .map(|a| a.info().name)
        .chain(ALL.iter().flat_map(|a| a.info().aliases.iter().copied()))
}

/// The built-in activation called `name` (canonical or alias), with default parameters.
pub fn lookup(name: &str) -> Result<&'static dyn DynActivation, RegistryError> {
    let n = name.trim();
    ALL.iter()
        .copied()
        .find(|a| same_name(a.info().name, n) || a.info().aliases.iter().any(|al| same_name(al, n)))
        .ok_or_else(|| RegistryError::UnknownName {
            name: ShortName::new(n),
        })
}

/// The row-wise function (softmax family) called `name`, any case, `-` and `_` alike, with
/// default options (fully masked rows give NaN; see
/// [`RowFunction::masked_rows`](crate::rowwise::RowFunction::masked_rows)).
///
/// ```
/// use activation_kernels::registry;
/// use activation_kernels::rowwise::RowActivation;
///
/// let f = registry::lookup_rowwise("Log-Softmax").unwrap();
/// let mut y = [0.0f32; 2];
/// f.forward(&[0.0, 0.0], &mut y, 2);
/// assert_eq!(y, [-core::f32::consts::LN_2; 2]);
/// let e = registry::lookup("softmax").unwrap_err().to_string();
/// assert!(e.contains("lookup_rowwise"), "{e}");
/// ```
pub fn lookup_rowwise(name: &str) -> Result<crate::rowwise::RowFunction, RegistryError> {
    let n = name.trim();
    crate::rowwise::NAMES
        .iter()
        .find(|r| same_name(r, n))
        .and_then(|r| crate::rowwise::RowFunction::from_canonical(r))
        .ok_or_else(|| RegistryError::UnknownName {
            name: ShortName::new(n),
        })
}

/// The activation called `name` with some parameters overridden, validated.
///
/// ```
/// use activation_kernels::registry::lookup_with;
/// let e = lookup_with("elu", &[("alpha", -1.0)]).unwrap_err().to_string();
/// assert!(e.contains("alpha > 0.0"), "{e}");
/// let e = lookup_with("elu", &[("beta", 1.0)]).unwrap_err().to_string();
/// assert!(e.contains("valid parameters: alpha"), "{e}");
/// ```
#[cfg(feature = "std")]
pub fn lookup_with(
    name: &str,
    params: &[(&str, f32)],
) -> Result<std::boxed::Box<dyn DynActivation>, RegistryError> {
    let base = lookup(name)?;
    let info = base.info();
    let mut values = base.param_values();
    for &(p, v) in params {
        match info
            .params
            .iter()
            .position(|pi| same_name(pi.name, p.trim()))
        {
            Some(i) => values[i] = v,
            None => {
                return Err(RegistryError::UnknownParam {
                    activation: info.name,
                    param: ShortName::new(p),
                    valid: info.params,
                });
            }
        }
    }
    build(info.name, values)
}
