//! Peer crates as baselines: the kernels a Rust tensor-crate author would otherwise call, each
//! through its public API and with the same activation and parameters as our built-in of the
//! same name. rten-vecmath is always available (it builds in seconds); tract-linalg and candle
//! need the cargo feature `peers` (each adds minutes to a clean build, so CI does not enable
//! it).
//!
//! | our name | `tract` (tract-linalg, in place) | `rten` (rten-vecmath) | `candle` (candle-core / candle-nn) |
//! |---|---|---|---|
//! | `sigmoid` | `Func::Sigmoid` | `Sigmoid` | `candle_nn::ops::sigmoid` |
//! | `tanh` | `Func::Tanh` | `Tanh` | `Tensor::tanh` |
//! | `swish` (SiLU) | `Func::Silu` | `Silu` | `Tensor::silu` |
//! | `gelu_tanh` | `Func::Gelu` (tanh form) | `ApproxGelu` | `Tensor::gelu` |
//! | `gelu` (erf) | – | `Gelu` | `Tensor::gelu_erf` |
//! | `exponential` | `Func::Exp` | `Exp` | `Tensor::exp` |
//! | `elu` | – | `Elu { alpha: 1 }` | `Tensor::elu(1)` |
//! | `leaky_relu` | `Func::LeakyRelu` (0.01) | `LeakyRelu { alpha: 0.01 }` | `candle_nn::ops::leaky_relu(0.01)` |
//! | `hard_swish` | `Func::Hardswish` | – | `candle_nn::Activation::HardSwish` |
//! | `relu`, `relu6`, `mish`, `selu` | – | – | `Tensor::relu`, `candle_nn::Activation::{Relu6, Mish}`, `candle_nn::ops::selu` |
//!
//! Softmax family, per row of `row_len` elements: tract in place (`Func::ReduceMax`, then
//! `Func::Softmax2`, which stores `e^(x - max)` and returns the sum, then `Func::MulByScalar`
//! by `1/sum`: the sequence tract-core's softmax op runs per row); rten `Softmax` and
//! `LogSoftmax` (`new` / `new_mut` per row); candle `candle_nn::ops::softmax_last_dim` on a
//! `(rows, row_len)` tensor, `candle_nn::ops::log_softmax(_, D::Minus1)`, and softmin as
//! `softmax_last_dim(&x.neg())` (what a candle user writes; candle has no softmin).
//!
//! tract's element-wise kernels work in place only; rten's both in place (`map_mut`) and out of
//! place (`map` into an uninitialised buffer); candle's ops return a new tensor (allocation
//! included, as in any candle program). Peers have no backward kernels here (candle's autograd
//! builds a graph, not comparable with a slice kernel).
//!
//! Versions are those in `Cargo.lock` (tract-linalg 0.23, rten-vecmath 0.27, candle 0.11).

#[cfg(feature = "peers")]
use candle_core::{Device, Tensor};
use rten_simd::SimdUnaryOp;
use std::mem::MaybeUninit;
#[cfg(feature = "peers")]
use tract_linalg::element_wise::ElementWise;

/// Peer names, as bench variant ids.
pub const TRACT: &str = "tract";
/// See [`TRACT`].
pub const RTEN: &str = "rten";
/// See [`TRACT`].
pub const CANDLE: &str = "candle";

#[cfg(feature = "peers")]
/// A tract-linalg element-wise kernel (the best one tract picks for this CPU), in place.
pub struct TractInPlace {
    plain: Option<Box<dyn ElementWise<f32>>>,
    param: Option<(Box<dyn ElementWise<f32, f32>>, f32)>,
}

#[cfg(feature = "peers")]
impl TractInPlace {
    /// `v = f(v)`.
    ///
    /// # Panics
    /// If tract reports an error.
    pub fn run(&self, v: &mut [f32]) {
        let r = match (&self.plain, &self.param) {
            (Some(k), _) => k.run(v),
            (None, Some((k, p))) => k.run_with_params(v, *p),
            (None, None) => unreachable!("TractInPlace without a kernel"),
        };
        r.expect("tract kernel failed");
    }

    /// The name tract gives the kernel it picked (e.g. `fma_sigmoid_f32`).
    pub fn kernel_name(&self) -> &'static str {
        match (&self.plain, &self.param) {
            (Some(k), _) => k.name(),
            (None, Some((k, _))) => k.name(),
            (None, None) => "?",
        }
    }
}

/// tract's in-place kernel for the activation `name` (our canonical name), if tract has one.
#[cfg(feature = "peers")]
pub fn tract(name: &str) -> Option<TractInPlace> {
    use tract_linalg::Func;
    let plain = |f: Func| {
        Some(TractInPlace {
            plain: Some(f.ew_f32().ok()?),
            param: None,
        })
    };
    match name {
        "sigmoid" => plain(Func::Sigmoid),
        "tanh" => plain(Func::Tanh),
        "swish" => plain(Func::Silu),
        "gelu_tanh" => plain(Func::Gelu),
        "exponential" => plain(Func::Exp),
        "hard_swish" => plain(Func::Hardswish),
        "leaky_relu" => Some(TractInPlace {
            plain: None,
            param: Some((Func::LeakyRelu.ew_f32_param().ok()?, 0.01)),
        }),
        _ => None,
    }
}

/// An rten-vecmath unary operation, out of place and in place.
pub struct Rten {
    fwd: fn(&[f32], &mut [MaybeUninit<f32>]),
    in_place: fn(&mut [f32]),
}

impl Rten {
    /// `y = f(x)` (rten's `map`).
    ///
    /// # Panics
    /// If the lengths differ.
    pub fn forward(&self, x: &[f32], y: &mut [f32]) {
        assert_eq!(x.len(), y.len(), "rten forward: lengths differ");
        // SAFETY: `MaybeUninit<f32>` has the size, alignment and validity of `f32` for every
        // initialised value; the cast slice covers exactly `y`, and rten's `map` only stores
        // initialised `f32` values into it (it fills every element), so `y` stays initialised.
        let out = unsafe {
            std::slice::from_raw_parts_mut(y.as_mut_ptr().cast::<MaybeUninit<f32>>(), y.len())
        };
        (self.fwd)(x, out)
    }

    /// `v = f(v)` (rten's `map_mut`).
    pub fn forward_in_place(&self, v: &mut [f32]) {
        (self.in_place)(v)
    }
}

macro_rules! rten_op {
    ($op:expr) => {
        Rten {
            fwd: |x, y| {
                $op.map(x, y);
            },
            in_place: |v| $op.map_mut(v),
        }
    };
}

/// rten-vecmath's operation for the activation `name`, if it has one.
pub fn rten(name: &str) -> Option<Rten> {
    use rten_vecmath as r;
    Some(match name {
        "exponential" => rten_op!(r::Exp {}),
        "sigmoid" => rten_op!(r::Sigmoid {}),
        "swish" => rten_op!(r::Silu {}),
        "elu" => rten_op!(r::Elu { alpha: 1.0 }),
        "gelu" => rten_op!(r::Gelu {}),
        "gelu_tanh" => rten_op!(r::ApproxGelu {}),
        "tanh" => rten_op!(r::Tanh {}),
        "leaky_relu" => rten_op!(r::LeakyRelu { alpha: 0.01 }),
        _ => return None,
    })
}

/// rten's row-wise softmax or log-softmax.
pub struct RtenRows {
    log: bool,
}

impl RtenRows {
    /// `y = f(x)` row by row.
    ///
    /// # Panics
    /// If the lengths differ or are not a multiple of `row_len`.
    pub fn forward(&self, x: &[f32], y: &mut [f32], row_len: usize) {
        use rten_simd::SimdOp;
        assert_eq!(x.len(), y.len(), "rten rows: lengths differ");
        assert!(x.len().is_multiple_of(row_len), "rten rows: partial row");
        // SAFETY: as in `Rten::forward`: same layout, and rten stores only initialised values.
        let out = unsafe {
            std::slice::from_raw_parts_mut(y.as_mut_ptr().cast::<MaybeUninit<f32>>(), y.len())
        };
        for (x, y) in x.chunks_exact(row_len).zip(out.chunks_exact_mut(row_len)) {
            if self.log {
                rten_vecmath::LogSoftmax::new(x, y).dispatch();
            } else {
                rten_vecmath::Softmax::new(x, y).dispatch();
            }
        }
    }

    /// `v = f(v)` row by row.
    pub fn forward_in_place(&self, v: &mut [f32], row_len: usize) {
        use rten_simd::SimdOp;
        assert!(v.len().is_multiple_of(row_len), "rten rows: partial row");
        for row in v.chunks_exact_mut(row_len) {
            if self.log {
                rten_vecmath::LogSoftmax::new_mut(row).dispatch();
            } else {
                rten_vecmath::Softmax::new_mut(row).dispatch();
            }
        }
    }
}

/// rten's row-wise operation for `softmax` or `log_softmax`.
pub fn rten_rows(name: &str) -> Option<RtenRows> {
    match name {
        "softmax" => Some(RtenRows { log: false }),
        "log_softmax" => Some(RtenRows { log: true }),
        _ => None,
    }
}

/// tract's softmax, in place, row by row.
#[cfg(feature = "peers")]
pub struct TractSoftmax {
    max: Box<dyn tract_linalg::reduce::Reduce<f32>>,
    exp_sum: Box<dyn tract_linalg::reduce::MapReduce<f32, f32>>,
    scale: Box<dyn ElementWise<f32, f32>>,
}

#[cfg(feature = "peers")]
impl TractSoftmax {
    /// `v = softmax(v)` row by row.
    ///
    /// # Panics
    /// If tract reports an error or the length is not a multiple of `row_len`.
    pub fn run(&self, v: &mut [f32], row_len: usize) {
        assert!(
            v.len().is_multiple_of(row_len),
            "tract softmax: partial row"
        );
        for row in v.chunks_exact_mut(row_len) {
            let m = self.max.run(row).expect("tract reduce_max");
            let s = self
                .exp_sum
                .run_with_params(row, m)
                .expect("tract softmax2");
            self.scale
                .run_with_params(row, 1.0 / s)
                .expect("tract mul_by_scalar");
        }
    }
}

/// tract's row softmax (`softmax` only: tract has no log-softmax or softmin kernel).
#[cfg(feature = "peers")]
pub fn tract_rows(name: &str) -> Option<TractSoftmax> {
    use tract_linalg::Func;
    (name == "softmax").then_some(())?;
    Some(TractSoftmax {
        max: Func::ReduceMax.reduce_f32().ok()?,
        exp_sum: Func::Softmax2.map_reduce_f32().ok()?,
        scale: Func::MulByScalar.ew_f32_param().ok()?,
    })
}

/// candle's row-wise operation on a `(rows, row_len)` tensor.
#[cfg(feature = "peers")]
pub fn candle_rows(name: &str) -> Option<CandleOp> {
    use candle_core::D;
    Some(match name {
        "softmax" => |t| candle_nn::ops::softmax_last_dim(t),
        "log_softmax" => |t| candle_nn::ops::log_softmax(t, D::Minus1),
        "softmin" => |t| candle_nn::ops::softmax_last_dim(&t.neg()?),
        _ => return None,
    })
}

/// A `(rows, row_len)` f32 CPU tensor holding `x`.
#[cfg(feature = "peers")]
pub fn candle_rows_tensor(x: &[f32], row_len: usize) -> Tensor {
    Tensor::from_slice(x, (x.len() / row_len, row_len), &Device::Cpu).expect("candle tensor")
}

/// Panics unless every row-wise peer computes our function of the same name on `x` (rows of
/// `row_len`), with the tolerance of [`check_against_kernels`].
pub fn check_rows_against_kernels(x: &[f32], row_len: usize) {
    use activation_kernels::rowwise::{LogSoftmax, RowActivation, Softmax, Softmin};
    let n = x.len();
    for name in ["softmax", "log_softmax", "softmin"] {
        let mut ours = vec![0.0; n];
        match name {
            "softmax" => Softmax::new().forward(x, &mut ours, row_len),
            "log_softmax" => LogSoftmax::new().forward(x, &mut ours, row_len),
            _ => Softmin::new().forward(x, &mut ours, row_len),
        }
        let mut outputs: Vec<(&str, Vec<f32>)> = Vec::new();
        if let Some(r) = rten_rows(name) {
            let mut y = vec![0.0; n];
            r.forward(x, &mut y, row_len);
            outputs.push(("rten", y));
            let mut v = x.to_vec();
            r.forward_in_place(&mut v, row_len);
            outputs.push(("rten in place", v));
        }
        #[cfg(feature = "peers")]
        {
            if let Some(t) = tract_rows(name) {
                let mut v = x.to_vec();
                t.run(&mut v, row_len);
                outputs.push(("tract", v));
            }
            if let Some(op) = candle_rows(name) {
                let y = op(&candle_rows_tensor(x, row_len))
                    .and_then(|t| t.flatten_all()?.to_vec1::<f32>())
                    .expect("candle rows");
                outputs.push(("candle", y));
            }
        }
        for (peer, got) in outputs {
            assert_eq!(got.len(), n);
            for ((&xi, &o), &p) in x.iter().zip(&ours).zip(&got) {
                let tol = 1e-3 * o.abs().max(p.abs()) + 1e-4;
                assert!(
                    (o - p).abs() <= tol,
                    "{peer} {name} (rows of {row_len}) disagrees with ours at x = {xi}: {p} vs {o}"
                );
            }
        }
    }
}

/// A candle forward operation on a CPU tensor (returns a new tensor).
#[cfg(feature = "peers")]
pub type CandleOp = fn(&Tensor) -> candle_core::Result<Tensor>;

/// candle's operation for the activation `name`, if it has one.
#[cfg(feature = "peers")]
pub fn candle(name: &str) -> Option<CandleOp> {
    use candle_nn::Activation as A;
    use candle_nn::Module;
    Some(match name {
        "exponential" => |t| t.exp(),
        "tanh" => |t| t.tanh(),
        "gelu_tanh" => |t| A::NewGelu.forward(t),
        "gelu" => |t| A::Gelu.forward(t),
        "swish" => |t| A::Silu.forward(t),
        "sigmoid" => |t| A::Sigmoid.forward(t),
        "relu" => |t| A::Relu.forward(t),
        "relu6" => |t| A::Relu6.forward(t),
        "elu" => |t| A::Elu(1.0).forward(t),
        "leaky_relu" => |t| A::LeakyRelu(0.01).forward(t),
        "mish" => |t| A::Mish.forward(t),
        "hard_swish" => |t| A::HardSwish.forward(t),
        "selu" => |t| candle_nn::ops::selu(t, 1.673_263_2, 1.050_701),
        _ => return None,
    })
}

/// A 1-D f32 CPU tensor holding `x`.
#[cfg(feature = "peers")]
pub fn candle_tensor(x: &[f32]) -> Tensor {
    Tensor::from_slice(x, x.len(), &Device::Cpu).expect("candle tensor")
}

/// `op(x)` as a vector (for checking).
#[cfg(feature = "peers")]
pub fn candle_apply(op: CandleOp, x: &[f32]) -> Vec<f32> {
    op(&candle_tensor(x))
        .and_then(|t| t.to_vec1::<f32>())
        .expect("candle op")
}

/// Every (peer, activation) pair this module provides, for listing and checking.
pub fn all_pairs() -> Vec<(&'static str, &'static str)> {
    let mut v = Vec::new();
    for a in activation_kernels::registry::ALL {
        let name = a.info().name;
        #[cfg(feature = "peers")]
        if tract(name).is_some() {
            v.push((TRACT, name));
        }
        if rten(name).is_some() {
            v.push((RTEN, name));
        }
        #[cfg(feature = "peers")]
        if candle(name).is_some() {
            v.push((CANDLE, name));
        }
    }
    v
}

/// Panics unless every peer computes the same function as our activation of the same name on
/// `x` (all entry points it has), within `|a - b| ≤ 1e-3·max(|a|, |b|) + 1e-4` (peers use
/// looser approximations than ours; this only guards against comparing different functions,
/// e.g. PyTorch's vs Keras's hard sigmoid).
pub fn check_against_kernels(x: &[f32]) {
    use activation_kernels::registry;
    let n = x.len();
    for (peer, name) in all_pairs() {
        let ours = {
            let mut y = vec![0.0; n];
            registry::lookup(name).expect("registry").forward(x, &mut y);
            y
        };
        let mut outputs: Vec<(&str, Vec<f32>)> = Vec::new();
        match peer {
            #[cfg(feature = "peers")]
            TRACT => {
                let mut v = x.to_vec();
                tract(name).expect("tract").run(&mut v);
                outputs.push(("in place", v));
            }
            RTEN => {
                let r = rten(name).expect("rten");
                let mut y = vec![0.0; n];
                r.forward(x, &mut y);
                outputs.push(("out of place", y));
                let mut v = x.to_vec();
                r.forward_in_place(&mut v);
                outputs.push(("in place", v));
            }
            #[cfg(feature = "peers")]
            CANDLE => outputs.push(("tensor op", candle_apply(candle(name).expect("candle"), x))),
            _ => unreachable!("unknown peer {peer}"),
        }
        for (how, got) in outputs {
            assert_eq!(got.len(), n);
            for ((&xi, &o), &p) in x.iter().zip(&ours).zip(&got) {
                let tol = 1e-3 * o.abs().max(p.abs()) + 1e-4;
                assert!(
                    (o - p).abs() <= tol,
                    "{peer} {name} ({how}) disagrees with ours at x = {xi}: {p} vs {o}"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_compute_our_functions() {
        let mut x = crate::inputs::activation_inputs(4099); // not a multiple of any vector width
        x.extend([-8.0, -1.0, 0.0, 1.0, 8.0]);
        check_against_kernels(&x);
        // The pairs the benches rely on exist.
        let pairs = all_pairs();
        let mut expected = vec![(RTEN, "sigmoid"), (RTEN, "gelu")];
        if cfg!(feature = "peers") {
            expected.extend([
                (TRACT, "sigmoid"),
                (TRACT, "tanh"),
                (TRACT, "swish"),
                (TRACT, "gelu_tanh"),
                (CANDLE, "gelu"),
            ]);
        }
        for p in expected {
            assert!(pairs.contains(&p), "{p:?}");
        }
    }

    #[test]
    fn row_peers_compute_our_functions() {
        let x = crate::inputs::activation_inputs(4096);
        for row_len in [8, 128, 1024, 4096] {
            check_rows_against_kernels(&x, row_len);
        }
        assert!(rten_rows("softmin").is_none());
    }
}
