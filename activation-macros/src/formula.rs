//! Formulas: parsing `syn::Expr` into a small hash-consed expression graph.
//!
//! Every node is interned, so equal subexpressions get one id: code generation emits each id
//! once (common-subexpression elimination for free, including between a forward formula and its
//! derivative). Node ids are created children-first, so id order is a topological order.

// Float comparisons in guards (`if x == 0.0`) read better than float literal patterns here.
#![allow(clippy::redundant_guards)]

use proc_macro2::Span;
use std::collections::HashMap;
use syn::spanned::Spanned;
use syn::{BinOp, Expr, Lit, UnOp};

/// Index of a node in a [`Graph`].
pub type Id = usize;

/// Unary math-core functions (vectorised in `activation_kernels::math`, f64 in `reference`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Func {
    Exp,
    Expm1,
    Ln,
    Ln1p,
    Tanh,
    Sigmoid,
    Erf,
    Erfc,
    Softplus,
    Gelu,
    GeluGrad,
    GeluTanh,
    GeluTanhGrad,
    Mish,
    MishGrad,
    Tanhshrink,
    Softsign,
    Abs,
    Sqrt,
}

impl Func {
    pub fn name(self) -> &'static str {
        match self {
            Func::Exp => "exp",
            Func::Expm1 => "expm1",
            Func::Ln => "ln",
            Func::Ln1p => "ln1p",
            Func::Tanh => "tanh",
            Func::Sigmoid => "sigmoid",
            Func::Erf => "erf",
            Func::Erfc => "erfc",
            Func::Softplus => "softplus",
            Func::Gelu => "gelu",
            Func::GeluGrad => "gelu_grad",
            Func::GeluTanh => "gelu_tanh",
            Func::GeluTanhGrad => "gelu_tanh_grad",
            Func::Mish => "mish",
            Func::MishGrad => "mish_grad",
            Func::Tanhshrink => "tanhshrink",
            Func::Softsign => "softsign",
            Func::Abs => "abs",
            Func::Sqrt => "sqrt",
        }
    }
    const ALL: [Func; 19] = [
        Func::Exp,
        Func::Expm1,
        Func::Ln,
        Func::Ln1p,
        Func::Tanh,
        Func::Sigmoid,
        Func::Erf,
        Func::Erfc,
        Func::Softplus,
        Func::Gelu,
        Func::GeluGrad,
        Func::GeluTanh,
        Func::GeluTanhGrad,
        Func::Mish,
        Func::MishGrad,
        Func::Tanhshrink,
        Func::Softsign,
        Func::Abs,
        Func::Sqrt,
    ];
    pub fn eval(self, v: f64) -> f64 {
        match self {
            Func::Exp => v.exp(),
            Func::Expm1 => v.exp_m1(),
            Func::Ln => v.ln(),
            Func::Ln1p => v.ln_1p(),
            Func::Tanh => v.tanh(),
            Func::Sigmoid => 1.0 / (1.0 + (-v).exp()),
            // Not folded (no erf in std); never constant in practice.
            Func::Erf
            | Func::Erfc
            | Func::Gelu
            | Func::GeluGrad
            | Func::GeluTanh
            | Func::GeluTanhGrad
            | Func::Mish
            | Func::MishGrad
            | Func::Tanhshrink => f64::NAN,
            Func::Softplus => v.max(0.0) + (-v.abs()).exp().ln_1p(),
            Func::Softsign => v / (1.0 + v.abs()),
            Func::Abs => v.abs(),
            Func::Sqrt => v.sqrt(),
        }
    }
}

/// Two-argument math-core functions (`f(x, parameter)`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Func2 {
    /// `swish(x, b) = x·sigmoid(b·x)`.
    Swish,
    /// `swish_grad(x, b) = d/dx swish(x, b)`.
    SwishGrad,
    /// `mul_exp(m, x) = m·e^x`, rounded once.
    MulExp,
    /// `softplus_beta(x, b) = softplus(b·x)/b`, with `b·x` not rounded first.
    SoftplusBeta,
    /// `sigmoid_beta(x, b) = sigmoid(b·x)`, with `b·x` not rounded first.
    SigmoidBeta,
}

impl Func2 {
    pub fn name(self) -> &'static str {
        match self {
            Func2::Swish => "swish",
            Func2::SwishGrad => "swish_grad",
            Func2::MulExp => "mul_exp",
            Func2::SoftplusBeta => "softplus_beta",
            Func2::SigmoidBeta => "sigmoid_beta",
        }
    }
}

/// Comparison operators (false when either side is NaN).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

/// An expression node. Float-valued unless noted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    X,
    Y,
    Param(usize),
    /// A constant, stored as f64 bits (the f32 kernels use it rounded to f32).
    Const(u64),
    Neg(Id),
    Add(Id, Id),
    Sub(Id, Id),
    Mul(Id, Id),
    Div(Id, Id),
    Call(Func, Id),
    Call2(Func2, Id, Id),
    /// `min(a, b)`: `b` where `b < a`, else `a` (NaN in `a` propagates).
    Min(Id, Id),
    /// `max(a, b)`: `b` where `b > a`, else `a` (NaN in `a` propagates).
    Max(Id, Id),
    Powi(Id, i32),
    /// `a·b + c` with a single rounding.
    Fma(Id, Id, Id),
    Select(Id, Id, Id),
    /// Boolean-valued.
    Cmp(Cmp, Id, Id),
    /// Boolean-valued.
    And(Id, Id),
    /// Boolean-valued.
    Or(Id, Id),
    /// Boolean-valued.
    Not(Id),
}

impl Node {
    pub fn is_bool(&self) -> bool {
        matches!(
            self,
            Node::Cmp(..) | Node::And(..) | Node::Or(..) | Node::Not(..)
        )
    }
}

/// The interned expression graph of one activation.
#[derive(Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    map: HashMap<Node, Id>,
}

impl Graph {
    pub fn intern(&mut self, n: Node) -> Id {
        if let Some(&id) = self.map.get(&n) {
            return id;
        }
        let id = self.nodes.len();
        self.nodes.push(n.clone());
        self.map.insert(n, id);
        id
    }
    pub fn konst(&mut self, v: f64) -> Id {
        // Normalise -0.0 only when asked for explicitly: keep the sign (it matters for limits).
        self.intern(Node::Const(v.to_bits()))
    }
    pub fn const_val(&self, id: Id) -> Option<f64> {
        match self.nodes[id] {
            Node::Const(b) => Some(f64::from_bits(b)),
            _ => None,
        }
    }
    pub fn is_const(&self, id: Id, v: f64) -> bool {
        self.const_val(id) == Some(v)
    }

    // Smart constructors: constant folding and algebraic identities. Folding happens in f64;
    // the f32 kernels use the folded constant rounded once.

    pub fn neg(&mut self, a: Id) -> Id {
        if let Some(v) = self.const_val(a) {
            return self.konst(-v);
        }
        if let Node::Neg(b) = self.nodes[a] {
            return b;
        }
        self.intern(Node::Neg(a))
    }
    pub fn add(&mut self, a: Id, b: Id) -> Id {
        match (self.const_val(a), self.const_val(b)) {
            (Some(x), Some(y)) => return self.konst(x + y),
            (Some(x), _) if x == 0.0 => return b,
            (_, Some(y)) if y == 0.0 => return a,
            _ => {}
        }
        if let Node::Neg(nb) = self.nodes[b] {
            return self.sub(a, nb);
        }
        if let Node::Neg(na) = self.nodes[a] {
            return self.sub(b, na);
        }
        self.intern(Node::Add(a, b))
    }
    pub fn sub(&mut self, a: Id, b: Id) -> Id {
        match (self.const_val(a), self.const_val(b)) {
            (Some(x), Some(y)) => return self.konst(x - y),
            (_, Some(y)) if y == 0.0 => return a,
            (Some(x), _) if x == 0.0 => return self.neg(b),
            _ => {}
        }
        if let Node::Neg(nb) = self.nodes[b] {
            return self.add(a, nb);
        }
        self.intern(Node::Sub(a, b))
    }
    pub fn mul(&mut self, a: Id, b: Id) -> Id {
        match (self.const_val(a), self.const_val(b)) {
            (Some(x), Some(y)) => return self.konst(x * y),
            (Some(x), _) if x == 0.0 => return a,
            (_, Some(y)) if y == 0.0 => return b,
            (Some(x), _) if x == 1.0 => return b,
            (_, Some(y)) if y == 1.0 => return a,
            (Some(x), _) if x == -1.0 => return self.neg(b),
            (_, Some(y)) if y == -1.0 => return self.neg(a),
            _ => {}
        }
        // Constants to the left; merge nested constant factors.
        if self.const_val(b).is_some() && self.const_val(a).is_none() {
            return self.mul(b, a);
        }
        if let (Some(c1), Node::Mul(l, r)) = (self.const_val(a), self.nodes[b].clone())
            && let Some(c2) = self.const_val(l)
        {
            let c = self.konst(c1 * c2);
            return self.mul(c, r);
        }
        if let (Node::Neg(na), Node::Neg(nb)) = (self.nodes[a].clone(), self.nodes[b].clone()) {
            return self.mul(na, nb);
        }
        if let Node::Neg(na) = self.nodes[a] {
            let m = self.mul(na, b);
            return self.neg(m);
        }
        if let Node::Neg(nb) = self.nodes[b] {
            let m = self.mul(a, nb);
            return self.neg(m);
        }
        self.intern(Node::Mul(a, b))
    }
    pub fn div(&mut self, a: Id, b: Id) -> Id {
        match (self.const_val(a), self.const_val(b)) {
            (Some(x), Some(y)) if y != 0.0 => return self.konst(x / y),
            (Some(x), _) if x == 0.0 => return a,
            (_, Some(y)) if y == 1.0 => return a,
            (_, Some(y)) if y == -1.0 => return self.neg(a),
            _ => {}
        }
        self.intern(Node::Div(a, b))
    }
    pub fn call(&mut self, f: Func, a: Id) -> Id {
        if let Some(v) = self.const_val(a) {
            let r = f.eval(v);
            if !r.is_nan() {
                return self.konst(r);
            }
        }
        self.intern(Node::Call(f, a))
    }
    pub fn min(&mut self, a: Id, b: Id) -> Id {
        if a == b {
            return a;
        }
        if let (Some(x), Some(y)) = (self.const_val(a), self.const_val(b)) {
            return self.konst(if y < x { y } else { x });
        }
        self.intern(Node::Min(a, b))
    }
    pub fn max(&mut self, a: Id, b: Id) -> Id {
        if a == b {
            return a;
        }
        if let (Some(x), Some(y)) = (self.const_val(a), self.const_val(b)) {
            return self.konst(if y > x { y } else { x });
        }
        self.intern(Node::Max(a, b))
    }
    pub fn powi(&mut self, a: Id, n: i32) -> Id {
        match n {
            0 => self.konst(1.0),
            1 => a,
            _ => match self.const_val(a) {
                Some(v) => self.konst(v.powi(n)),
                None => self.intern(Node::Powi(a, n)),
            },
        }
    }
    pub fn select(&mut self, c: Id, a: Id, b: Id) -> Id {
        if a == b {
            return a;
        }
        self.intern(Node::Select(c, a, b))
    }

    /// Whether `id` mentions the node `leaf` (X or Y).
    pub fn mentions(&self, id: Id, leaf: &Node) -> bool {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack = vec![id];
        while let Some(i) = stack.pop() {
            if seen[i] {
                continue;
            }
            seen[i] = true;
            if &self.nodes[i] == leaf {
                return true;
            }
            stack.extend(children(&self.nodes[i]));
        }
        false
    }

    /// Ids reachable from `roots`, in topological (creation) order.
    pub fn reachable(&self, roots: &[Id]) -> Vec<Id> {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack: Vec<Id> = roots.to_vec();
        while let Some(i) = stack.pop() {
            if seen[i] {
                continue;
            }
            seen[i] = true;
            stack.extend(children(&self.nodes[i]));
        }
        (0..self.nodes.len()).filter(|&i| seen[i]).collect()
    }

    /// Whether a NaN `x` (or `y`) is guaranteed to make `id` NaN, given that every math-core
    /// function maps NaN to NaN and comparisons with NaN are false.
    pub fn propagates_nan(&self, id: Id) -> bool {
        match &self.nodes[id] {
            Node::X | Node::Y => true,
            Node::Param(_) | Node::Const(_) => false,
            Node::Neg(a) | Node::Call(_, a) | Node::Powi(a, _) => self.propagates_nan(*a),
            Node::Add(a, b)
            | Node::Sub(a, b)
            | Node::Mul(a, b)
            | Node::Div(a, b)
            | Node::Call2(_, a, b) => self.propagates_nan(*a) || self.propagates_nan(*b),
            // min/max keep `a` when the comparison is false (as it is for NaN).
            Node::Min(a, b) | Node::Max(a, b) => {
                self.propagates_nan(*a) && (self.propagates_nan(*b) || self.nan_is_false(*b, *a))
            }
            Node::Fma(a, b, c) => {
                self.propagates_nan(*a) || self.propagates_nan(*b) || self.propagates_nan(*c)
            }
            Node::Select(c, a, b) => match self.nan_truth(*c) {
                Some(true) => self.propagates_nan(*a),
                Some(false) => self.propagates_nan(*b),
                None => self.propagates_nan(*a) && self.propagates_nan(*b),
            },
            _ => false,
        }
    }

    fn nan_is_false(&self, _b: Id, a: Id) -> bool {
        // For min(a, b)/max(a, b) with NaN `a`: the comparison involves `a`, so it is false
        // and the result is `a`.
        self.propagates_nan(a)
    }

    /// The value of a boolean node when `x`/`y` is NaN, if known.
    fn nan_truth(&self, id: Id) -> Option<bool> {
        match &self.nodes[id] {
            Node::Cmp(_, a, b) => {
                if self.propagates_nan(*a) || self.propagates_nan(*b) {
                    Some(false)
                } else {
                    None
                }
            }
            Node::Not(a) => self.nan_truth(*a).map(|v| !v),
            Node::And(a, b) => match (self.nan_truth(*a), self.nan_truth(*b)) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            Node::Or(a, b) => match (self.nan_truth(*a), self.nan_truth(*b)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// Evaluates a graph node in f64 with the given leaf values (used at expansion time to
    /// check constraints on defaults and saturation bounds).
    pub fn eval(&self, id: Id, x: f64, params: &[f64]) -> Option<f64> {
        Some(match &self.nodes[id] {
            Node::X => x,
            Node::Y => return None,
            Node::Param(i) => params[*i],
            Node::Const(b) => f64::from_bits(*b),
            Node::Neg(a) => -self.eval(*a, x, params)?,
            Node::Add(a, b) => self.eval(*a, x, params)? + self.eval(*b, x, params)?,
            Node::Sub(a, b) => self.eval(*a, x, params)? - self.eval(*b, x, params)?,
            Node::Mul(a, b) => self.eval(*a, x, params)? * self.eval(*b, x, params)?,
            Node::Div(a, b) => self.eval(*a, x, params)? / self.eval(*b, x, params)?,
            Node::Call(f, a) => {
                let v = f.eval(self.eval(*a, x, params)?);
                if v.is_nan() {
                    return None;
                }
                v
            }
            Node::Min(a, b) => {
                let (a, b) = (self.eval(*a, x, params)?, self.eval(*b, x, params)?);
                if b < a { b } else { a }
            }
            Node::Max(a, b) => {
                let (a, b) = (self.eval(*a, x, params)?, self.eval(*b, x, params)?);
                if b > a { b } else { a }
            }
            Node::Powi(a, n) => self.eval(*a, x, params)?.powi(*n),
            Node::Call2(..) => return None,
            Node::Fma(a, b, c) => self
                .eval(*a, x, params)?
                .mul_add(self.eval(*b, x, params)?, self.eval(*c, x, params)?),
            Node::Select(c, a, b) => {
                if self.eval(*c, x, params)? != 0.0 {
                    self.eval(*a, x, params)?
                } else {
                    self.eval(*b, x, params)?
                }
            }
            Node::Cmp(op, a, b) => {
                let (a, b) = (self.eval(*a, x, params)?, self.eval(*b, x, params)?);
                let t = match op {
                    Cmp::Lt => a < b,
                    Cmp::Le => a <= b,
                    Cmp::Gt => a > b,
                    Cmp::Ge => a >= b,
                };
                t as u8 as f64
            }
            Node::And(a, b) => {
                ((self.eval(*a, x, params)? != 0.0) && (self.eval(*b, x, params)? != 0.0)) as u8
                    as f64
            }
            Node::Or(a, b) => {
                ((self.eval(*a, x, params)? != 0.0) || (self.eval(*b, x, params)? != 0.0)) as u8
                    as f64
            }
            Node::Not(a) => (self.eval(*a, x, params)? == 0.0) as u8 as f64,
        })
    }

    /// Human-readable text of a node (for metadata and docs).
    pub fn text(&self, id: Id, params: &[String]) -> String {
        let t = |i: Id| self.text(i, params);
        match &self.nodes[id] {
            Node::X => "x".into(),
            Node::Y => "y".into(),
            Node::Param(i) => params[*i].clone(),
            Node::Const(b) => fmt_const(f64::from_bits(*b)),
            Node::Neg(a) => format!("-{}", t(*a)),
            Node::Add(a, b) => format!("({} + {})", t(*a), t(*b)),
            Node::Sub(a, b) => format!("({} - {})", t(*a), t(*b)),
            Node::Mul(a, b) => format!("{} * {}", t(*a), t(*b)),
            Node::Div(a, b) => format!("{} / {}", t(*a), t(*b)),
            Node::Call(f, a) => format!("{}({})", f.name(), strip(t(*a))),
            Node::Call2(f, a, b) => format!("{}({}, {})", f.name(), strip(t(*a)), strip(t(*b))),
            Node::Min(a, b) => format!("min({}, {})", strip(t(*a)), strip(t(*b))),
            Node::Max(a, b) => format!("max({}, {})", strip(t(*a)), strip(t(*b))),
            Node::Powi(a, n) => format!("powi({}, {n})", strip(t(*a))),
            Node::Fma(a, b, c) => {
                format!("fma({}, {}, {})", strip(t(*a)), strip(t(*b)), strip(t(*c)))
            }
            Node::Select(c, a, b) => {
                format!(
                    "select({}, {}, {})",
                    strip(t(*c)),
                    strip(t(*a)),
                    strip(t(*b))
                )
            }
            Node::Cmp(op, a, b) => {
                let o = match op {
                    Cmp::Lt => "<",
                    Cmp::Le => "<=",
                    Cmp::Gt => ">",
                    Cmp::Ge => ">=",
                };
                format!("{} {o} {}", t(*a), t(*b))
            }
            Node::And(a, b) => format!("({} && {})", t(*a), t(*b)),
            Node::Or(a, b) => format!("({} || {})", t(*a), t(*b)),
            Node::Not(a) => format!("!({})", t(*a)),
        }
    }
}

fn strip(s: String) -> String {
    if s.starts_with('(') && s.ends_with(')') && balanced(&s[1..s.len() - 1]) {
        s[1..s.len() - 1].to_string()
    } else {
        s
    }
}

fn balanced(s: &str) -> bool {
    let mut d = 0i32;
    for c in s.chars() {
        match c {
            '(' => d += 1,
            ')' => {
                d -= 1;
                if d < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    d == 0
}

fn fmt_const(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}

pub fn children(n: &Node) -> Vec<Id> {
    match n {
        Node::X | Node::Y | Node::Param(_) | Node::Const(_) => vec![],
        Node::Neg(a) | Node::Call(_, a) | Node::Powi(a, _) | Node::Not(a) => vec![*a],
        Node::Add(a, b)
        | Node::Sub(a, b)
        | Node::Mul(a, b)
        | Node::Div(a, b)
        | Node::Min(a, b)
        | Node::Max(a, b)
        | Node::Call2(_, a, b)
        | Node::Cmp(_, a, b)
        | Node::And(a, b)
        | Node::Or(a, b) => vec![*a, *b],
        Node::Select(c, a, b) | Node::Fma(c, a, b) => vec![*c, *a, *b],
    }
}

/// Named constants usable in formulas (f64 values; rounded to f32 in the kernels).
pub const CONSTANTS: &[(&str, f64)] = &[
    ("PI", std::f64::consts::PI),
    ("E", std::f64::consts::E),
    ("TAU", std::f64::consts::TAU),
    ("LN_2", std::f64::consts::LN_2),
    ("LN_10", std::f64::consts::LN_10),
    ("LOG2_E", std::f64::consts::LOG2_E),
    ("LOG10_E", std::f64::consts::LOG10_E),
    ("SQRT_2", std::f64::consts::SQRT_2),
    ("FRAC_1_SQRT_2", std::f64::consts::FRAC_1_SQRT_2),
    ("FRAC_2_SQRT_PI", std::f64::consts::FRAC_2_SQRT_PI),
    ("FRAC_1_PI", std::f64::consts::FRAC_1_PI),
    ("FRAC_2_PI", std::f64::consts::FRAC_2_PI),
    ("FRAC_PI_2", std::f64::consts::FRAC_PI_2),
    ("FRAC_PI_4", std::f64::consts::FRAC_PI_4),
    // sqrt(2/pi), used by gelu_tanh.
    ("SQRT_2_OVER_PI", 0.797_884_560_802_865_4),
    ("INFINITY", f64::INFINITY),
];

/// What a formula may refer to.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Ctx {
    /// A forward formula or saturation value: `x` and parameters.
    Forward,
    /// A derivative: `x`, `y` and parameters.
    Derivative,
    /// A derivative for the from-output kernel: `y` and parameters (no `x`).
    FromOutput,
    /// A parameter constraint: parameters only.
    Params,
}

/// Parses formulas into a [`Graph`], collecting every error (each spanned at its tokens).
pub struct Parser<'a> {
    pub g: &'a mut Graph,
    pub params: &'a [String],
    pub ctx: Ctx,
    /// What `y` stands for (the forward result), when `ctx` is `Derivative`.
    pub y: Option<Id>,
    pub errors: &'a mut Vec<syn::Error>,
}

impl Parser<'_> {
    fn err_t<T: quote::ToTokens>(&mut self, t: &T, msg: impl Into<String>) -> Id {
        self.errors.push(syn::Error::new_spanned(t, msg.into()));
        self.g.konst(0.0)
    }

    fn err(&mut self, span: Span, msg: impl Into<String>) -> Id {
        self.errors.push(syn::Error::new(span, msg.into()));
        self.g.konst(0.0)
    }

    /// Parses a float-valued expression.
    pub fn value(&mut self, e: &Expr) -> Id {
        let id = self.expr(e);
        if self.g.nodes[id].is_bool() {
            return self.err_t(&e, "expected a number here, found a condition");
        }
        id
    }

    /// Parses a boolean-valued expression (a condition).
    pub fn cond(&mut self, e: &Expr) -> Id {
        let id = self.expr(e);
        if !self.g.nodes[id].is_bool() {
            self.errors.push(syn::Error::new_spanned(
                e,
                "expected a condition (a comparison such as `x < 0.0`)",
            ));
            let z = self.g.konst(0.0);
            return self.g.intern(Node::Cmp(Cmp::Lt, z, z));
        }
        id
    }

    fn expr(&mut self, e: &Expr) -> Id {
        match e {
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Group(g) => self.expr(&g.expr),
            Expr::Lit(l) => match &l.lit {
                Lit::Float(f) => match f.base10_parse::<f64>() {
                    Ok(v) if f.suffix().is_empty() || f.suffix() == "f32" || f.suffix() == "f64" => {
                        self.g.konst(v)
                    }
                    _ => self.err_t(&f, "unsupported float literal"),
                },
                Lit::Int(i) => match i.base10_parse::<i64>() {
                    Ok(v) if i.suffix().is_empty() => self.g.konst(v as f64),
                    _ => self.err_t(&i, "unsupported integer literal"),
                },
                other => self.err_t(&other, "expected a number"),
            },
            Expr::Path(p) => {
                let Some(ident) = p.path.get_ident() else {
                    return self.err_t(&p, "expected a variable, parameter or constant name");
                };
                let name = ident.to_string();
                match name.as_str() {
                    "x" => match self.ctx {
                        Ctx::Params => self.err_t(&ident, "`x` cannot appear in a parameter constraint"),
                        Ctx::FromOutput => self.g.intern(Node::X),
                        _ => self.g.intern(Node::X),
                    },
                    "y" => match (self.ctx, self.y) {
                        (Ctx::Derivative, Some(y)) => y,
                        (Ctx::FromOutput, _) => self.g.intern(Node::Y),
                        (Ctx::Forward, _) => self.err(
                            ident.span(),
                            "`y` (the forward output) is only allowed in `derivative`",
                        ),
                        _ => self.err_t(&ident, "`y` is only allowed in `derivative`"),
                    },
                    _ => {
                        if let Some(i) = self.params.iter().position(|p| *p == name) {
                            return self.g.intern(Node::Param(i));
                        }
                        if let Some((_, v)) = CONSTANTS.iter().find(|(n, _)| *n == name) {
                            return self.g.konst(*v);
                        }
                        let looks_const = name.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit());
                        if looks_const {
                            let names: Vec<&str> = CONSTANTS.iter().map(|(n, _)| *n).collect();
                            self.err(
                                ident.span(),
                                format!("unknown constant `{name}`; known constants: {}", names.join(", ")),
                            )
                        } else {
                            let mut known = vec!["x".to_string()];
                            if self.ctx == Ctx::Derivative {
                                known.push("y".into());
                            }
                            known.extend(self.params.iter().cloned());
                            self.err(
                                ident.span(),
                                format!("unknown variable `{name}`; expected one of: {}", known.join(", ")),
                            )
                        }
                    }
                }
            }
            Expr::Unary(u) => match u.op {
                UnOp::Neg(_) => {
                    let a = self.value(&u.expr);
                    self.g.neg(a)
                }
                UnOp::Not(_) => {
                    let a = self.cond(&u.expr);
                    self.g.intern(Node::Not(a))
                }
                _ => self.err_t(&u, "unsupported unary operator"),
            },
            Expr::Binary(b) => {
                let arith = |op: &BinOp| {
                    matches!(op, BinOp::Add(_) | BinOp::Sub(_) | BinOp::Mul(_) | BinOp::Div(_))
                };
                let cmp = match b.op {
                    BinOp::Lt(_) => Some(Cmp::Lt),
                    BinOp::Le(_) => Some(Cmp::Le),
                    BinOp::Gt(_) => Some(Cmp::Gt),
                    BinOp::Ge(_) => Some(Cmp::Ge),
                    _ => None,
                };
                if arith(&b.op) {
                    let l = self.value(&b.left);
                    let r = self.value(&b.right);
                    match b.op {
                        BinOp::Add(_) => self.g.add(l, r),
                        BinOp::Sub(_) => self.g.sub(l, r),
                        BinOp::Mul(_) => self.g.mul(l, r),
                        _ => self.g.div(l, r),
                    }
                } else if let Some(c) = cmp {
                    let l = self.value(&b.left);
                    let r = self.value(&b.right);
                    self.g.intern(Node::Cmp(c, l, r))
                } else {
                    match b.op {
                        BinOp::And(_) => {
                            let l = self.cond(&b.left);
                            let r = self.cond(&b.right);
                            self.g.intern(Node::And(l, r))
                        }
                        BinOp::Or(_) => {
                            let l = self.cond(&b.left);
                            let r = self.cond(&b.right);
                            self.g.intern(Node::Or(l, r))
                        }
                        _ => self.err(
                            b.op.span(),
                            "unsupported operator; formulas use + - * / < <= > >= && || (equality tests are not supported on floats)",
                        ),
                    }
                }
            }
            Expr::If(i) => {
                let c = self.cond(&i.cond);
                let a = self.block(&i.then_branch, i.span());
                let b = match &i.else_branch {
                    Some((_, e)) => match &**e {
                        Expr::Block(bl) => self.block(&bl.block, bl.span()),
                        other => self.value(other),
                    },
                    None => self.err_t(&i, "`if` needs an `else` branch"),
                };
                self.g.select(c, a, b)
            }
            Expr::Call(c) => self.call(c),
            other => self.err(
                other.span(),
                "unsupported syntax in a formula; use numbers, x, y, parameters, constants, + - * /, function calls and select/if",
            ),
        }
    }

    fn block(&mut self, b: &syn::Block, span: Span) -> Id {
        match b.stmts.as_slice() {
            [syn::Stmt::Expr(e, None)] => self.value(e),
            _ => self.err(span, "each branch must be a single expression"),
        }
    }

    fn call(&mut self, c: &syn::ExprCall) -> Id {
        let Expr::Path(p) = &*c.func else {
            return self.err_t(&c.func, "expected a function name");
        };
        let Some(ident) = p.path.get_ident() else {
            return self.err_t(&p, "expected a function name");
        };
        let name = ident.to_string();
        let args: Vec<&Expr> = c.args.iter().collect();
        let arity = |this: &mut Self, n: usize| -> bool {
            if args.len() != n {
                this.errors.push(syn::Error::new_spanned(
                    c,
                    format!(
                        "`{name}` takes {n} argument{}, found {}",
                        if n == 1 { "" } else { "s" },
                        args.len()
                    ),
                ));
                false
            } else {
                true
            }
        };
        if let Some(f) = Func::ALL.iter().copied().find(|f| f.name() == name) {
            if !arity(self, 1) {
                return self.g.konst(0.0);
            }
            let a = self.value(args[0]);
            return self.g.call(f, a);
        }
        match name.as_str() {
            "min" | "max" => {
                if !arity(self, 2) {
                    return self.g.konst(0.0);
                }
                let a = self.value(args[0]);
                let b = self.value(args[1]);
                if name == "min" {
                    self.g.min(a, b)
                } else {
                    self.g.max(a, b)
                }
            }
            "clamp" => {
                if !arity(self, 3) {
                    return self.g.konst(0.0);
                }
                let a = self.value(args[0]);
                let lo = self.value(args[1]);
                let hi = self.value(args[2]);
                let m = self.g.max(a, lo);
                self.g.min(m, hi)
            }
            "swish" | "swish_grad" | "mul_exp" | "softplus_beta" | "sigmoid_beta" => {
                if !arity(self, 2) {
                    return self.g.konst(0.0);
                }
                let a = self.value(args[0]);
                let b = self.value(args[1]);
                let f = match name.as_str() {
                    "swish" => Func2::Swish,
                    "swish_grad" => Func2::SwishGrad,
                    "softplus_beta" => Func2::SoftplusBeta,
                    "sigmoid_beta" => Func2::SigmoidBeta,
                    _ => Func2::MulExp,
                };
                self.g.intern(Node::Call2(f, a, b))
            }
            "fma" => {
                if !arity(self, 3) {
                    return self.g.konst(0.0);
                }
                let a = self.value(args[0]);
                let b = self.value(args[1]);
                let c = self.value(args[2]);
                match (
                    self.g.const_val(a),
                    self.g.const_val(b),
                    self.g.const_val(c),
                ) {
                    (Some(x), Some(y), Some(z)) => self.g.konst(x.mul_add(y, z)),
                    _ => self.g.intern(Node::Fma(a, b, c)),
                }
            }
            "select" => {
                if !arity(self, 3) {
                    return self.g.konst(0.0);
                }
                let cnd = self.cond(args[0]);
                let a = self.value(args[1]);
                let b = self.value(args[2]);
                self.g.select(cnd, a, b)
            }
            "powi" => {
                if !arity(self, 2) {
                    return self.g.konst(0.0);
                }
                let a = self.value(args[0]);
                let n = match args[1] {
                    Expr::Lit(syn::ExprLit {
                        lit: Lit::Int(i), ..
                    }) => i.base10_parse::<i32>().ok(),
                    Expr::Unary(syn::ExprUnary {
                        op: UnOp::Neg(_),
                        expr,
                        ..
                    }) => match &**expr {
                        Expr::Lit(syn::ExprLit {
                            lit: Lit::Int(i), ..
                        }) => i.base10_parse::<i32>().ok().map(|v| -v),
                        _ => None,
                    },
                    _ => None,
                };
                match n {
                    Some(n) if (-16..=16).contains(&n) => self.g.powi(a, n),
                    _ => self.err(
                        args[1].span(),
                        "`powi` needs an integer literal exponent in -16..=16",
                    ),
                }
            }
            _ => {
                let mut known: Vec<&str> = Func::ALL.iter().map(|f| f.name()).collect();
                known.extend([
                    "swish",
                    "swish_grad",
                    "mul_exp",
                    "softplus_beta",
                    "sigmoid_beta",
                    "min",
                    "max",
                    "clamp",
                    "fma",
                    "select",
                    "powi",
                ]);
                self.err(
                    ident.span(),
                    format!(
                        "unknown function `{name}`; known functions: {}",
                        known.join(", ")
                    ),
                )
            }
        }
    }
}
