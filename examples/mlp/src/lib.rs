//! A small multilayer perceptron trained with activation-kernels, once per hidden activation.
//!
//! Everything except the activations is written out plainly: dense layers as loops over
//! row-major `f32` matrices, Adam, a seeded generator. The activations go through the crate's
//! kernels, chosen by name from [`activation_kernels::registry`]:
//! * hidden layers: `forward_on` on the pre-activations of the whole batch, then
//!   `backward_on(z, dL/dh, dL/dz)` in the backward pass;
//! * output: `sigmoid` for the probability and `softplus` for the binary cross-entropy
//!   `BCE(logit, y) = softplus(logit) - y·logit` (the stable form; its gradient is `p - y`).
//!
//! The data ([`Dataset::synthetic`]) is a seeded binary classification problem whose classes
//! are not linearly separable: a circle in two of the features combined with an XOR-like
//! product of two others, the remaining 16 features pure noise.
//!
//! ```
//! use mlp_example::{Dataset, TrainConfig, train};
//!
//! let data = Dataset::synthetic(400, 20, 7);
//! let (tr, va) = data.split(0.8);
//! let cfg = TrainConfig { epochs: 3, ..TrainConfig::default() };
//! let h = train("relu", &tr, &va, &cfg).unwrap();
//! assert_eq!(h.val_accuracy.len(), 3);
//! ```
//!
//! Training is deterministic: the same seed gives the same numbers on every run and, since the
//! kernels return identical bits on every ISA and the dense layers are plain loops in a fixed
//! order, on every machine.

use activation_kernels::Isa;
use activation_kernels::registry::{self, DynActivation, RegistryError};

/// A tiny seeded generator (SplitMix64): good enough statistics for data and initialisation,
/// no dependencies, identical streams everywhere.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform on `[0, 1)` (24 random bits).
    pub fn uniform(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / (1u64 << 24) as f32)
    }

    /// Approximately standard normal: the sum of 12 uniforms minus 6 (Irwin–Hall; mean 0,
    /// variance 1, tails cut at ±6). Uses only additions, so it is bit-reproducible everywhere.
    pub fn normal(&mut self) -> f32 {
        (0..12).map(|_| self.uniform()).sum::<f32>() - 6.0
    }

    /// Uniform index in `0..n` (`0 < n < 2^32`; multiply-shift, no modulo bias to speak of).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// Samples with binary labels; features row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// Number of features per sample.
    pub features: usize,
    /// `len() * features` values, sample after sample.
    pub x: Vec<f32>,
    /// Labels, 0.0 or 1.0.
    pub y: Vec<f32>,
}

impl Dataset {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Features of sample `i`.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.x[i * self.features..(i + 1) * self.features]
    }

    /// `n` samples of `features >= 4` standard normal features. With `s = x0² + x1² + x2·x3`
    /// (a circle in the first two features plus an XOR-like saddle in the next two), the label
    /// is 1 when `s` is at or above its median over the data set, so the classes are balanced.
    /// They are not linearly separable: `s` is even in `x0` and `x1` and odd in `x2` and `x3`
    /// separately, so no linear function of the features correlates with it (a linear model
    /// stays at chance). Features 4.. are noise the network must learn to ignore.
    pub fn synthetic(n: usize, features: usize, seed: u64) -> Dataset {
        assert!(features >= 4, "the structure uses four features");
        let mut rng = Rng::new(seed);
        let x: Vec<f32> = (0..n * features).map(|_| rng.normal()).collect();
        let score: Vec<f32> = x
            .chunks_exact(features)
            .map(|r| r[0] * r[0] + r[1] * r[1] + r[2] * r[3])
            .collect();
        let mut sorted = score.clone();
        sorted.sort_by(f32::total_cmp);
        let median = if n == 0 { 0.0 } else { sorted[n / 2] };
        let y = score
            .iter()
            .map(|&s| if s >= median { 1.0 } else { 0.0 })
            .collect();
        Dataset { features, x, y }
    }

    /// The first `⌊frac·len⌋` samples and the rest (the samples are already in random order).
    pub fn split(&self, frac: f32) -> (Dataset, Dataset) {
        let k = ((self.len() as f32 * frac) as usize).min(self.len());
        let part = |a: usize, b: usize| Dataset {
            features: self.features,
            x: self.x[a * self.features..b * self.features].to_vec(),
            y: self.y[a..b].to_vec(),
        };
        (part(0, k), part(k, self.len()))
    }
}

/// Hyperparameters.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    /// Width of each hidden layer (two hidden layers).
    pub hidden: usize,
    /// Passes over the training set.
    pub epochs: usize,
    /// Mini-batch size.
    pub batch: usize,
    /// Adam step size.
    pub learning_rate: f32,
    /// Decoupled weight decay (AdamW): every step multiplies the weights (not the biases) by
    /// `1 - learning_rate * weight_decay`.
    pub weight_decay: f32,
    /// Seed for initialisation and shuffling (the same for every activation, so all of them
    /// start from the same weights and see the same batches).
    pub seed: u64,
    /// ISA for the activation kernels (results are identical on every ISA).
    pub isa: Isa,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            hidden: 32,
            epochs: 40,
            batch: 32,
            learning_rate: 1e-2,
            weight_decay: 0.5,
            seed: 42,
            isa: Isa::best(),
        }
    }
}

/// A dense layer `z = x·Wᵀ + b` with its Adam state.
#[derive(Clone, Debug)]
struct Dense {
    inputs: usize,
    outputs: usize,
    /// `outputs × inputs`, row-major.
    w: Vec<f32>,
    b: Vec<f32>,
    gw: Vec<f32>,
    gb: Vec<f32>,
    adam: [Vec<f32>; 4],
}

impl Dense {
    /// LeCun-normal weights (variance 1/inputs), zero biases.
    fn new(inputs: usize, outputs: usize, rng: &mut Rng) -> Dense {
        let s = (1.0 / inputs as f32).sqrt();
        let n = inputs * outputs;
        Dense {
            inputs,
            outputs,
            w: (0..n).map(|_| rng.normal() * s).collect(),
            b: vec![0.0; outputs],
            gw: vec![0.0; n],
            gb: vec![0.0; outputs],
            adam: [
                vec![0.0; n],
                vec![0.0; n],
                vec![0.0; outputs],
                vec![0.0; outputs],
            ],
        }
    }

    /// `z = x·Wᵀ + b` for a batch (`x`: rows × inputs, `z`: rows × outputs).
    fn forward(&self, x: &[f32], z: &mut [f32]) {
        for (xr, zr) in x
            .chunks_exact(self.inputs)
            .zip(z.chunks_exact_mut(self.outputs))
        {
            for ((zo, wr), b) in zr
                .iter_mut()
                .zip(self.w.chunks_exact(self.inputs))
                .zip(&self.b)
            {
                *zo = b + wr.iter().zip(xr).map(|(w, x)| w * x).sum::<f32>();
            }
        }
    }

    /// Accumulates `dW = dzᵀ·x`, `db = Σ dz` and, when asked, writes `dx = dz·W`.
    fn backward(&mut self, x: &[f32], dz: &[f32], dx: Option<&mut [f32]>) {
        self.gw.fill(0.0);
        self.gb.fill(0.0);
        for (xr, dzr) in x
            .chunks_exact(self.inputs)
            .zip(dz.chunks_exact(self.outputs))
        {
            for ((g, gb), &d) in self
                .gw
                .chunks_exact_mut(self.inputs)
                .zip(&mut self.gb)
                .zip(dzr)
            {
                *gb += d;
                for (gi, xi) in g.iter_mut().zip(xr) {
                    *gi += d * xi;
                }
            }
        }
        if let Some(dx) = dx {
            for (dxr, dzr) in dx
                .chunks_exact_mut(self.inputs)
                .zip(dz.chunks_exact(self.outputs))
            {
                dxr.fill(0.0);
                for (wr, &d) in self.w.chunks_exact(self.inputs).zip(dzr) {
                    for (o, w) in dxr.iter_mut().zip(wr) {
                        *o += d * w;
                    }
                }
            }
        }
    }

    /// One AdamW step (β1 = 0.9, β2 = 0.999, ε = 1e-8, decoupled weight decay `wd` on the
    /// weights) at step `t` (from 1).
    fn step(&mut self, lr: f32, wd: f32, t: i32) {
        let keep = 1.0 - lr * wd;
        for w in &mut self.w {
            *w *= keep;
        }
        let (b1, b2) = (0.9f32, 0.999f32);
        let c1 = 1.0 - b1.powi(t);
        let c2 = 1.0 - b2.powi(t);
        let [mw, vw, mb, vb] = &mut self.adam;
        for (p, g, m, v) in [
            (&mut self.w, &self.gw, mw, vw),
            (&mut self.b, &self.gb, mb, vb),
        ] {
            for (((p, &g), m), v) in p
                .iter_mut()
                .zip(g.iter())
                .zip(m.iter_mut())
                .zip(v.iter_mut())
            {
                *m = b1 * *m + (1.0 - b1) * g;
                *v = b2 * *v + (1.0 - b2) * g * g;
                *p -= lr * (*m / c1) / ((*v / c2).sqrt() + 1e-8);
            }
        }
    }
}

/// Two hidden layers with the same activation, one logit out.
#[derive(Clone, Debug)]
pub struct Mlp {
    act: &'static dyn DynActivation,
    isa: Isa,
    layers: [Dense; 3],
}

/// Buffers of one forward pass over a batch, kept for the backward pass.
struct Pass {
    z1: Vec<f32>,
    h1: Vec<f32>,
    z2: Vec<f32>,
    h2: Vec<f32>,
    logit: Vec<f32>,
}

impl Mlp {
    /// A network `features → hidden → hidden → 1` with `act` (a registry name) in the hidden
    /// layers, initialised from `rng`.
    pub fn new(
        act: &str,
        features: usize,
        hidden: usize,
        isa: Isa,
        rng: &mut Rng,
    ) -> Result<Mlp, RegistryError> {
        Ok(Mlp {
            act: registry::lookup(act)?,
            isa,
            layers: [
                Dense::new(features, hidden, rng),
                Dense::new(hidden, hidden, rng),
                Dense::new(hidden, 1, rng),
            ],
        })
    }

    fn forward_pass(&self, x: &[f32], rows: usize) -> Pass {
        let h = self.layers[0].outputs;
        let mut p = Pass {
            z1: vec![0.0; rows * h],
            h1: vec![0.0; rows * h],
            z2: vec![0.0; rows * h],
            h2: vec![0.0; rows * h],
            logit: vec![0.0; rows],
        };
        self.layers[0].forward(x, &mut p.z1);
        self.act.forward_on(self.isa, &p.z1, &mut p.h1);
        self.layers[1].forward(&p.h1, &mut p.z2);
        self.act.forward_on(self.isa, &p.z2, &mut p.h2);
        self.layers[2].forward(&p.h2, &mut p.logit);
        p
    }

    /// Output logits for `rows` samples in `x`.
    pub fn logits(&self, x: &[f32], rows: usize) -> Vec<f32> {
        self.forward_pass(x, rows).logit
    }

    /// Probabilities `sigmoid(logit)` (the sigmoid kernel).
    pub fn predict(&self, x: &[f32], rows: usize) -> Vec<f32> {
        let logit = self.logits(x, rows);
        let mut p = vec![0.0; rows];
        registry::lookup("sigmoid")
            .expect("built-in")
            .forward_on(self.isa, &logit, &mut p);
        p
    }

    /// Mean binary cross-entropy and accuracy (prediction: `p >= 0.5`) on `data`.
    pub fn evaluate(&self, data: &Dataset) -> (f32, f32) {
        let logit = self.logits(&data.x, data.len());
        (bce(&logit, &data.y, self.isa), accuracy(&logit, &data.y))
    }

    /// One AdamW step (learning rate `lr`, weight decay `wd`, step number `t` from 1) on the
    /// batch (`x`: rows × features, `y`: labels); returns the batch's mean loss.
    pub fn train_step(&mut self, x: &[f32], y: &[f32], lr: f32, wd: f32, t: i32) -> f32 {
        let rows = y.len();
        let p = self.forward_pass(x, rows);
        let loss = bce(&p.logit, y, self.isa);
        // d(mean BCE)/d logit = (sigmoid(logit) - y) / rows.
        let mut dlogit = vec![0.0; rows];
        registry::lookup("sigmoid")
            .expect("built-in")
            .forward_on(self.isa, &p.logit, &mut dlogit);
        for (d, &t) in dlogit.iter_mut().zip(y) {
            *d = (*d - t) / rows as f32;
        }
        let n = p.h1.len();
        let (mut dh, mut dz) = (vec![0.0; n], vec![0.0; n]);
        self.layers[2].backward(&p.h2, &dlogit, Some(&mut dh));
        self.act.backward_on(self.isa, &p.z2, &dh, &mut dz);
        self.layers[1].backward(&p.h1, &dz, Some(&mut dh));
        let mut dz1 = vec![0.0; n];
        self.act.backward_on(self.isa, &p.z1, &dh, &mut dz1);
        self.layers[0].backward(x, &dz1, None);
        for l in &mut self.layers {
            l.step(lr, wd, t);
        }
        loss
    }
}

/// Mean of `softplus(logit) - y·logit` (softplus kernel).
fn bce(logit: &[f32], y: &[f32], isa: Isa) -> f32 {
    let mut sp = vec![0.0; logit.len()];
    registry::lookup("softplus")
        .expect("built-in")
        .forward_on(isa, logit, &mut sp);
    let sum: f32 = sp
        .iter()
        .zip(logit)
        .zip(y)
        .map(|((s, l), t)| s - t * l)
        .sum();
    sum / logit.len().max(1) as f32
}

/// Fraction of samples with `(logit >= 0) == (y == 1)`.
fn accuracy(logit: &[f32], y: &[f32]) -> f32 {
    let ok = logit
        .iter()
        .zip(y)
        .filter(|&(&l, &t)| (l >= 0.0) == (t == 1.0))
        .count();
    ok as f32 / y.len().max(1) as f32
}

/// What [`train`] measured, one entry per epoch.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    /// Canonical name of the hidden activation.
    pub activation: &'static str,
    /// Mean training loss over the epoch's batches.
    pub train_loss: Vec<f32>,
    /// Accuracy on the training set after the epoch.
    pub train_accuracy: Vec<f32>,
    /// Loss on the validation set after the epoch.
    pub val_loss: Vec<f32>,
    /// Accuracy on the validation set after the epoch.
    pub val_accuracy: Vec<f32>,
}

/// Trains a fresh [`Mlp`] with hidden activation `act` (a registry name) on `train_set` and
/// evaluates on `val` after every epoch.
pub fn train(
    act: &str,
    train_set: &Dataset,
    val: &Dataset,
    cfg: &TrainConfig,
) -> Result<History, RegistryError> {
    let mut rng = Rng::new(cfg.seed);
    let mut net = Mlp::new(act, train_set.features, cfg.hidden, cfg.isa, &mut rng)?;
    let mut h = History {
        activation: net.act.info().name,
        train_loss: vec![],
        train_accuracy: vec![],
        val_loss: vec![],
        val_accuracy: vec![],
    };
    let mut order: Vec<usize> = (0..train_set.len()).collect();
    let (mut xb, mut yb) = (vec![], vec![]);
    let mut t = 0;
    for _ in 0..cfg.epochs {
        rng.shuffle(&mut order);
        let (mut loss, mut batches) = (0.0, 0);
        for idx in order.chunks(cfg.batch.max(1)) {
            xb.clear();
            yb.clear();
            for &i in idx {
                xb.extend_from_slice(train_set.row(i));
                yb.push(train_set.y[i]);
            }
            t += 1;
            loss += net.train_step(&xb, &yb, cfg.learning_rate, cfg.weight_decay, t);
            batches += 1;
        }
        h.train_loss.push(loss / batches.max(1) as f32);
        h.train_accuracy.push(net.evaluate(train_set).1);
        let (vl, va) = net.evaluate(val);
        h.val_loss.push(vl);
        h.val_accuracy.push(va);
    }
    Ok(h)
}

/// The hidden activations the example compares (registry names).
pub const ACTIVATIONS: &[&str] = &[
    "relu",
    "leaky_relu",
    "relu6",
    "elu",
    "selu",
    "gelu",
    "gelu_tanh",
    "swish",
    "mish",
    "hard_swish",
    "softplus",
    "sigmoid",
    "hard_sigmoid",
    "tanh",
    "hardtanh",
    "softsign",
    "linear",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_seeded_and_roughly_normal() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(1);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(1);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        let mut r = Rng::new(3);
        let v: Vec<f32> = (0..20_000).map(|_| r.normal()).collect();
        let mean = v.iter().sum::<f32>() / v.len() as f32;
        let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>() / v.len() as f32;
        assert!(
            mean.abs() < 0.03 && (var - 1.0).abs() < 0.05,
            "{mean} {var}"
        );
    }

    #[test]
    fn data_is_balanced_and_split() {
        let d = Dataset::synthetic(1000, 20, 1);
        assert_eq!(d.x.len(), 20_000);
        let pos = d.y.iter().filter(|&&y| y == 1.0).count();
        assert_eq!(pos, 500);
        let (tr, va) = d.split(0.8);
        assert_eq!((tr.len(), va.len()), (800, 200));
        assert_eq!(va.row(0), d.row(800));
    }

    /// The analytic gradient of the loss with respect to one first-layer weight matches a
    /// central difference of the loss (checks the dense layers and the kernel backward).
    #[test]
    fn gradient_matches_finite_difference() {
        for act in ["tanh", "gelu", "softplus"] {
            let d = Dataset::synthetic(16, 6, 5);
            let mut rng = Rng::new(9);
            let mut net = Mlp::new(act, 6, 5, Isa::best(), &mut rng).unwrap();
            // Gradient through train_step with lr = 0 (no update, gw filled).
            let base = net.clone();
            net.train_step(&d.x, &d.y, 0.0, 0.0, 1);
            for k in [0, 7, 13] {
                let g = net.layers[0].gw[k] as f64;
                let h = 1e-2f32;
                let mut plus = base.clone();
                plus.layers[0].w[k] += h;
                let mut minus = base.clone();
                minus.layers[0].w[k] -= h;
                let lp = plus.evaluate(&d).0 as f64;
                let lm = minus.evaluate(&d).0 as f64;
                let fd = (lp - lm) / (2.0 * h as f64);
                assert!(
                    (fd - g).abs() < 2e-3 + 0.05 * g.abs(),
                    "{act}: w[{k}] analytic {g} vs finite difference {fd}"
                );
            }
        }
    }
}
