//! Symbolic differentiation of formula graphs with respect to `x`.
//!
//! The rules emit well-conditioned forms (what a careful hand-written derivative would use):
//! * `sigmoid'(u) = sigmoid(u)·sigmoid(-u)` (no `1 - sigmoid` cancellation in the tail);
//! * `tanh'(u) = 4·sigmoid(2u)·sigmoid(-2u)` (= sech², accurate where `1 - tanh²` rounds to 0);
//! * `erf'(u) = (2/√π)·exp(-u²)`, `softplus'(u) = sigmoid(u)`, `expm1'(u) = exp(u)`;
//! * at kinks the **left** derivative: `max(a, b)` at a tie takes the smaller slope and
//!   `min(a, b)` the larger one (so `relu'(0) = 0`, `min(x, 6)'(6) = 1`), and `abs'(0) = -1`.
//!
//! The graph's smart constructors fold constants and drop identities, and interning shares
//! subexpressions with the forward formula, so the generated derivative costs what a
//! hand-written one would.

use crate::formula::{Cmp, Func, Func2, Graph, Id, Node};

/// `d/dx` of `id`. `Y` nodes are not differentiable here (derivatives are taken of forward
/// formulas, which cannot mention `y`); they yield `None`.
pub fn derivative(g: &mut Graph, id: Id, memo: &mut Vec<Option<Id>>) -> Option<Id> {
    if memo.len() < g.nodes.len() {
        memo.resize(g.nodes.len(), None);
    }
    if let Some(d) = memo[id] {
        return Some(d);
    }
    let node = g.nodes[id].clone();
    let d = match node {
        Node::X => g.konst(1.0),
        Node::Y => return None,
        Node::Param(_) | Node::Const(_) => g.konst(0.0),
        Node::Neg(a) => {
            let da = derivative(g, a, memo)?;
            g.neg(da)
        }
        Node::Add(a, b) => {
            let (da, db) = (derivative(g, a, memo)?, derivative(g, b, memo)?);
            g.add(da, db)
        }
        Node::Sub(a, b) => {
            let (da, db) = (derivative(g, a, memo)?, derivative(g, b, memo)?);
            g.sub(da, db)
        }
        Node::Mul(a, b) => {
            let (da, db) = (derivative(g, a, memo)?, derivative(g, b, memo)?);
            let l = g.mul(da, b);
            let r = g.mul(a, db);
            g.add(l, r)
        }
        Node::Div(a, b) => {
            // (da - (a/b)·db) / b
            let (da, db) = (derivative(g, a, memo)?, derivative(g, b, memo)?);
            let q = g.div(a, b);
            let t = g.mul(q, db);
            let n = g.sub(da, t);
            g.div(n, b)
        }
        Node::Call(f, a) => {
            let da = derivative(g, a, memo)?;
            if g.is_const(da, 0.0) {
                da
            } else {
                let outer = outer_derivative(g, f, a, id)?;
                g.mul(outer, da)
            }
        }
        Node::Call2(Func2::Swish, a, b) => {
            // Only with respect to the first argument (the second is a slope parameter).
            let (da, db) = (derivative(g, a, memo)?, derivative(g, b, memo)?);
            if !g.is_const(db, 0.0) {
                return None;
            }
            let gr = g.intern(Node::Call2(Func2::SwishGrad, a, b));
            g.mul(gr, da)
        }
        Node::Call2(Func2::SwishGrad, ..) => return None,
        Node::Call2(f @ (Func2::SoftplusBeta | Func2::SigmoidBeta), a, b) => {
            // With respect to the first argument only, as for swish.
            let (da, db) = (derivative(g, a, memo)?, derivative(g, b, memo)?);
            if !g.is_const(db, 0.0) {
                return None;
            }
            let s = g.intern(Node::Call2(Func2::SigmoidBeta, a, b));
            let outer = if f == Func2::SoftplusBeta {
                // softplus(b·a)/b → sigmoid(b·a)·a'.
                s
            } else {
                // sigmoid(b·a) → b·sigmoid(b·a)·sigmoid(-b·a)·a'.
                let na = g.intern(Node::Neg(a));
                let sm = g.intern(Node::Call2(Func2::SigmoidBeta, na, b));
                let ss = g.mul(s, sm);
                g.mul(b, ss)
            };
            g.mul(outer, da)
        }
        Node::Call2(Func2::MulExp, m, a) => {
            // d/dx m·e^a = (dm + m·da)·e^a.
            let (dm, da) = (derivative(g, m, memo)?, derivative(g, a, memo)?);
            let t = g.mul(m, da);
            let k = g.add(dm, t);
            g.intern(Node::Call2(Func2::MulExp, k, a))
        }
        Node::Min(a, b) => {
            // min(a, b) = a unless b < a. Left derivative at a tie: the larger slope.
            let (da, db) = (derivative(g, a, memo)?, derivative(g, b, memo)?);
            let tie = g.max(da, db);
            let a_lt = g.intern(Node::Cmp(Cmp::Lt, a, b));
            let b_lt = g.intern(Node::Cmp(Cmp::Lt, b, a));
            let inner = g.select(b_lt, db, tie);
            g.select(a_lt, da, inner)
        }
        Node::Max(a, b) => {
            // Left derivative at a tie: the smaller slope.
            let (da, db) = (derivative(g, a, memo)?, derivative(g, b, memo)?);
            let tie = g.min(da, db);
            let a_gt = g.intern(Node::Cmp(Cmp::Gt, a, b));
            let b_gt = g.intern(Node::Cmp(Cmp::Gt, b, a));
            let inner = g.select(b_gt, db, tie);
            g.select(a_gt, da, inner)
        }
        Node::Powi(a, n) => {
            let da = derivative(g, a, memo)?;
            let p = g.powi(a, n - 1);
            let c = g.konst(n as f64);
            let t = g.mul(c, p);
            g.mul(t, da)
        }
        Node::Select(c, a, b) => {
            let (da, db) = (derivative(g, a, memo)?, derivative(g, b, memo)?);
            g.select(c, da, db)
        }
        Node::Fma(a, b, c) => {
            let (da, db, dc) = (
                derivative(g, a, memo)?,
                derivative(g, b, memo)?,
                derivative(g, c, memo)?,
            );
            let l = g.mul(da, b);
            let r = g.mul(a, db);
            let s = g.add(l, r);
            g.add(s, dc)
        }
        Node::Cmp(..) | Node::And(..) | Node::Or(..) | Node::Not(..) => g.konst(0.0),
    };
    memo[id] = Some(d);
    Some(d)
}

/// `f'(a)` for the math-core function `f` (whose value at `a` is the node `fa`).
fn outer_derivative(g: &mut Graph, f: Func, a: Id, fa: Id) -> Option<Id> {
    Some(match f {
        Func::Exp => fa,
        Func::Expm1 => g.call(Func::Exp, a),
        Func::Ln => {
            let one = g.konst(1.0);
            g.div(one, a)
        }
        Func::Ln1p => {
            let one = g.konst(1.0);
            let d = g.add(one, a);
            g.div(one, d)
        }
        Func::Sigmoid => {
            let na = g.neg(a);
            let s2 = g.call(Func::Sigmoid, na);
            g.mul(fa, s2)
        }
        Func::Tanh => {
            let two = g.konst(2.0);
            let a2 = g.mul(two, a);
            let na2 = g.neg(a2);
            let s1 = g.call(Func::Sigmoid, a2);
            let s2 = g.call(Func::Sigmoid, na2);
            let four = g.konst(4.0);
            let p = g.mul(s1, s2);
            g.mul(four, p)
        }
        Func::Erf | Func::Erfc => {
            let sq = g.mul(a, a);
            let nsq = g.neg(sq);
            let e = g.call(Func::Exp, nsq);
            let c = g.konst(if f == Func::Erf {
                std::f64::consts::FRAC_2_SQRT_PI
            } else {
                -std::f64::consts::FRAC_2_SQRT_PI
            });
            g.mul(c, e)
        }
        Func::Softplus => g.call(Func::Sigmoid, a),
        Func::Gelu => g.call(Func::GeluGrad, a),
        Func::GeluTanh => g.call(Func::GeluTanhGrad, a),
        Func::Mish => g.call(Func::MishGrad, a),
        // (x - tanh x)' = 1 - sech² x = tanh² x (no cancellation).
        Func::Tanhshrink => {
            let t = g.call(Func::Tanh, a);
            g.mul(t, t)
        }
        // softsign' = 1/(1 + |a|)², as two divisions (no overflow of the square).
        Func::Softsign => {
            let one = g.konst(1.0);
            let ab = g.call(Func::Abs, a);
            let d = g.add(one, ab);
            let r = g.div(one, d);
            g.div(r, d)
        }
        // No second derivatives of the tabulated gradients.
        Func::GeluGrad | Func::GeluTanhGrad | Func::MishGrad => return None,
        Func::Abs => {
            let zero = g.konst(0.0);
            let le = g.intern(Node::Cmp(Cmp::Le, a, zero));
            let m1 = g.konst(-1.0);
            let p1 = g.konst(1.0);
            g.select(le, m1, p1)
        }
        Func::Sqrt => {
            let two = g.konst(2.0);
            let d = g.mul(two, fa);
            let one = g.konst(1.0);
            g.div(one, d)
        }
    })
}
