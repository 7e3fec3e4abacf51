//! Code generation: the SIMD body (over `V<S>`), the f64 reference, validation, metadata, the
//! trait impls and a generated test.

use crate::ast::{Args, Param};
use crate::derive::derivative;
use crate::formula::{Cmp, Ctx, Func, Graph, Id, Node, Parser};
use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

/// Everything needed to emit one activation.
pub struct Model {
    pub g: Graph,
    pub fwd: Id,
    pub der: Id,
    pub both: (Id, Id),
    pub reference: Id,
    pub der_reference: Id,
    pub symbolic: Option<Id>,
    pub from_output: Option<(Graph, Id)>,
    pub sat_values: Vec<Id>,
    pub checks: Vec<(Graph, Id, String, usize)>,
    pub derivative_text: String,
}

fn value_text(e: &syn::Expr) -> String {
    quote!(#e).to_string()
}

/// Builds the formula graphs and runs the semantic checks.
pub fn build(args: &Args, params: &[Param], errors: &mut Vec<syn::Error>) -> Option<Model> {
    let names: Vec<String> = params.iter().map(|p| p.ident.to_string()).collect();
    let defaults: Vec<f64> = params.iter().map(|p| p.default).collect();
    let Some(fwd_expr) = &args.forward else {
        errors.push(syn::Error::new(
            Span::call_site(),
            "missing `forward = <formula>` (e.g. `forward = x * sigmoid(x)`)",
        ));
        return None;
    };
    let mut g = Graph::default();
    let n_err = errors.len();
    let raw_fwd = Parser {
        g: &mut g,
        params: &names,
        ctx: Ctx::Forward,
        y: None,
        errors,
    }
    .value(fwd_expr);

    // Saturations: constant bounds, ordered, values in x and parameters.
    let mut below: Option<(f64, &syn::Expr)> = None;
    let mut above: Option<(f64, &syn::Expr)> = None;
    let mut sats = Vec::new();
    for s in &args.saturate {
        let b = Parser {
            g: &mut g,
            params: &names,
            ctx: Ctx::Forward,
            y: None,
            errors,
        }
        .value(&s.bound);
        let bound = if g.mentions(b, &Node::X)
            || (0..params.len()).any(|i| g.mentions(b, &Node::Param(i)))
        {
            errors.push(syn::Error::new_spanned(
                &s.bound,
                "saturation bounds must be constants",
            ));
            0.0
        } else {
            g.eval(b, 0.0, &[]).unwrap_or(0.0)
        };
        let slot = if s.above { &mut above } else { &mut below };
        if slot.is_some() {
            errors.push(syn::Error::new(
                s.side_span,
                format!(
                    "duplicate `saturate({} = ..)`",
                    if s.above { "above" } else { "below" }
                ),
            ));
        }
        *slot = Some((bound, &s.bound));
        let v = Parser {
            g: &mut g,
            params: &names,
            ctx: Ctx::Forward,
            y: None,
            errors,
        }
        .value(&s.value);
        let d = s.derivative.as_ref().map(|e| {
            Parser {
                g: &mut g,
                params: &names,
                ctx: Ctx::Forward,
                y: None,
                errors,
            }
            .value(e)
        });
        sats.push((s.above, bound, v, d));
    }
    if let (Some((lo, _)), Some((hi, span))) = (below, above)
        && lo >= hi
    {
        errors.push(syn::Error::new_spanned(
            span,
            format!(
                "saturation bounds out of order: `below = {lo}` must be less than `above = {hi}`"
            ),
        ));
    }

    // Forward with saturations applied.
    let x = g.intern(Node::X);
    let mut fwd = raw_fwd;
    for &(is_above, bound, v, _) in &sats {
        let b = g.konst(bound);
        let c = g.intern(if is_above {
            Node::Cmp(Cmp::Gt, x, b)
        } else {
            Node::Cmp(Cmp::Lt, x, b)
        });
        fwd = g.select(c, v, fwd);
    }

    // Derivative: as given (y = the forward output) or symbolic.
    let mut memo = Vec::new();
    let symbolic_raw = derivative(&mut g, raw_fwd, &mut memo);
    let (raw_der, symbolic, derivative_text) = match &args.derivative {
        Some(e) => {
            let d = Parser {
                g: &mut g,
                params: &names,
                ctx: Ctx::Derivative,
                y: Some(fwd),
                errors,
            }
            .value(e);
            (d, symbolic_raw, value_text(e))
        }
        None => match symbolic_raw {
            Some(d) => (d, None, g.text(d, &names)),
            None => {
                errors.push(syn::Error::new_spanned(
                    fwd_expr,
                    "cannot differentiate this formula symbolically (e.g. `swish_grad`, or `swish` with respect to its slope); give `derivative = ...`",
                ));
                return None;
            }
        },
    };
    let mut der = raw_der;
    for &(is_above, bound, v, d) in &sats {
        let dv = match d {
            Some(d) => d,
            None => derivative(&mut g, v, &mut memo).unwrap_or(v),
        };
        let b = g.konst(bound);
        let c = g.intern(if is_above {
            Node::Cmp(Cmp::Gt, x, b)
        } else {
            Node::Cmp(Cmp::Lt, x, b)
        });
        der = g.select(c, dv, der);
    }

    // Reference: the exact formula (no saturation), or an explicit accurate form.
    let reference = match &args.reference {
        Some(e) => Parser {
            g: &mut g,
            params: &names,
            ctx: Ctx::Forward,
            y: None,
            errors,
        }
        .value(e),
        None => raw_fwd,
    };
    let der_reference = match &args.derivative {
        // y in the reference derivative means the exact forward value.
        Some(e) => Parser {
            g: &mut g,
            params: &names,
            ctx: Ctx::Derivative,
            y: Some(reference),
            errors,
        }
        .value(e),
        None => {
            let mut memo2 = Vec::new();
            derivative(&mut g, reference, &mut memo2).unwrap_or(raw_der)
        }
    };

    // From-output kernel: `output_derivative` (in y only), or `derivative` when it is written
    // in y (and parameters) only.
    let from_output = match &args.output_derivative {
        Some(e) => {
            let mut g2 = Graph::default();
            let d = Parser {
                g: &mut g2,
                params: &names,
                ctx: Ctx::FromOutput,
                y: None,
                errors,
            }
            .value(e);
            if g2.mentions(d, &Node::X) {
                errors.push(syn::Error::new_spanned(
                    e,
                    "`output_derivative` must be written in `y` (and parameters) only, without `x`",
                ));
            }
            Some((g2, d))
        }
        None => args.derivative.as_ref().and_then(|e| {
            let mut g2 = Graph::default();
            let mut scratch = Vec::new();
            let d = Parser {
                g: &mut g2,
                params: &names,
                ctx: Ctx::FromOutput,
                y: None,
                errors: &mut scratch,
            }
            .value(e);
            (scratch.is_empty() && !g2.mentions(d, &Node::X) && g2.mentions(d, &Node::Y))
                .then_some((g2, d))
        }),
    };

    // Parameter constraints, checked against the defaults at compile time.
    let mut checks = Vec::new();
    for c in &args.checks {
        let mut g3 = Graph::default();
        let id = Parser {
            g: &mut g3,
            params: &names,
            ctx: Ctx::Params,
            y: None,
            errors,
        }
        .cond(c);
        let first = (0..params.len()).find(|&i| g3.mentions(id, &Node::Param(i)));
        match first {
            None => errors.push(syn::Error::new_spanned(
                c,
                "a `check` must mention a parameter",
            )),
            Some(i) => {
                if g3.eval(id, 0.0, &defaults) == Some(0.0) {
                    errors.push(syn::Error::new_spanned(
                        c,
                        format!(
                            "bad parameter default: `{}` = {} violates this check",
                            names[i], defaults[i]
                        ),
                    ));
                }
                checks.push((g3, id, value_text(c), i));
            }
        }
    }
    if errors.len() > n_err {
        return None;
    }
    let sat_values = sats.iter().map(|s| s.2).collect();
    Some(Model {
        both: (fwd, der),
        g,
        fwd,
        der,
        reference,
        der_reference,
        symbolic,
        from_output,
        sat_values,
        checks,
        derivative_text,
    })
}

fn t(id: Id) -> syn::Ident {
    format_ident!("__t{}", id)
}

fn f32_lit(v: f64) -> TokenStream {
    let f = v as f32;
    if f.is_finite() {
        let l = Literal::f32_suffixed(f);
        quote!(#l)
    } else if f.is_nan() {
        quote!(::core::f32::NAN)
    } else if f > 0.0 {
        quote!(::core::f32::INFINITY)
    } else {
        quote!(::core::f32::NEG_INFINITY)
    }
}

fn f64_lit(v: f64) -> TokenStream {
    if v.is_finite() {
        let l = Literal::f64_suffixed(v);
        quote!(#l)
    } else if v.is_nan() {
        quote!(::core::f64::NAN)
    } else if v > 0.0 {
        quote!(::core::f64::INFINITY)
    } else {
        quote!(::core::f64::NEG_INFINITY)
    }
}

fn powi_tokens(base: TokenStream, n: i32, one: TokenStream) -> TokenStream {
    // Square-and-multiply with a fixed, ISA-independent order.
    let k = n.unsigned_abs();
    let mut acc: Option<TokenStream> = None;
    let mut sq = quote!(__b);
    let mut steps = Vec::new();
    let mut bit = k;
    let mut i = 0usize;
    while bit > 0 {
        if bit & 1 == 1 {
            acc = Some(match acc {
                None => sq.clone(),
                Some(a) => quote!((#a * #sq)),
            });
        }
        bit >>= 1;
        if bit > 0 {
            let name = format_ident!("__sq{}", i);
            steps.push(quote!(let #name = #sq * #sq;));
            sq = quote!(#name);
            i += 1;
        }
    }
    let acc = acc.unwrap_or(one.clone());
    let body = if n < 0 { quote!(#one / #acc) } else { acc };
    quote!({ let __b = #base; #(#steps)* #body })
}

/// Emits `let`s for every node reachable from `roots`, as SIMD (`V<S>`) code. `input` is the
/// identifier of the kernel's input vector (used as the source of the SIMD token).
fn emit_simd(
    g: &Graph,
    roots: &[Id],
    krate: &TokenStream,
    params: &[Param],
    input: &syn::Ident,
) -> TokenStream {
    emit_lanes(g, roots, krate, params, input, false)
}

/// [`emit_simd`] on f64 lanes (`V64<S>`, the `math64` core, parameters widened exactly).
fn emit_simd64(
    g: &Graph,
    roots: &[Id],
    krate: &TokenStream,
    params: &[Param],
    input: &syn::Ident,
) -> TokenStream {
    emit_lanes(g, roots, krate, params, input, true)
}

fn emit_lanes(
    g: &Graph,
    roots: &[Id],
    krate: &TokenStream,
    params: &[Param],
    input: &syn::Ident,
    wide: bool,
) -> TokenStream {
    let lit = |v: f64| if wide { f64_lit(v) } else { f32_lit(v) };
    let math = if wide { quote!(math64) } else { quote!(math) };
    let mut out = TokenStream::new();
    let order = g.reachable(roots);
    let pairs = sigmoid_pairs(g, &order);
    for id in order {
        let name = t(id);
        // `sigmoid(u)` and `sigmoid(-u)` (a sigmoid or tanh derivative) come from one
        // exponential: `sigmoid_pair` gives the bits of the two calls.
        if let Some(&(pos, neg, first)) = pairs.iter().find(|p| p.0 == id || p.1 == id) {
            if id == first {
                // The first of the two in order: its argument is defined, the other's may not be.
                let other = if first == pos { neg } else { pos };
                let Node::Call(_, u) = g.nodes[first] else {
                    unreachable!("sigmoid_pairs returns sigmoid calls")
                };
                let (tf, to, u) = (t(first), t(other), t(u));
                out.extend(quote!(let (#tf, #to) = #krate::__private::#math::sigmoid_pair(#u);));
            }
            continue;
        }
        let e = match &g.nodes[id] {
            Node::X => quote!(__x),
            Node::Y => quote!(__y),
            Node::Param(i) => {
                let f = &params[*i].ident;
                if wide {
                    quote!(#input.k(self.#f as f64))
                } else {
                    quote!(#input.k(self.#f))
                }
            }
            Node::Const(b) => {
                let l = lit(f64::from_bits(*b));
                quote!(#input.k(#l))
            }
            Node::Neg(a) => {
                let a = t(*a);
                quote!(-#a)
            }
            Node::Add(a, b) => bin(quote!(+), *a, *b),
            Node::Sub(a, b) => bin(quote!(-), *a, *b),
            Node::Mul(a, b) => bin(quote!(*), *a, *b),
            Node::Div(a, b) => bin(quote!(/), *a, *b),
            Node::Call(Func::Abs, a) => {
                let a = t(*a);
                quote!(#a.abs())
            }
            Node::Call(Func::Sqrt, a) => {
                let a = t(*a);
                quote!(#a.sqrt())
            }
            Node::Call(f, a) => {
                let a = t(*a);
                let f = format_ident!("{}", f.name());
                quote!(#krate::__private::#math::#f(#a))
            }
            Node::Call2(f, a, b) => {
                let (a, b) = (t(*a), t(*b));
                let f = format_ident!("{}", f.name());
                quote!(#krate::__private::#math::#f(#a, #b))
            }
            Node::Min(a, b) => {
                let (a, b) = (t(*a), t(*b));
                quote!(#b.lt(#a).select(#b, #a))
            }
            Node::Max(a, b) => {
                let (a, b) = (t(*a), t(*b));
                quote!(#b.gt(#a).select(#b, #a))
            }
            Node::Powi(a, n) => {
                let a = t(*a);
                {
                    let one = lit(1.0);
                    powi_tokens(quote!(#a), *n, quote!(#input.k(#one)))
                }
            }
            Node::Fma(a, b, c) => {
                let (a, b, c) = (t(*a), t(*b), t(*c));
                quote!(#a.mul_add(#b, #c))
            }
            Node::Select(c, a, b) => select_tokens(g, *c, *a, *b),
            Node::Cmp(op, a, b) => {
                let (a, b) = (t(*a), t(*b));
                let m = match op {
                    Cmp::Lt => quote!(lt),
                    Cmp::Le => quote!(le),
                    Cmp::Gt => quote!(gt),
                    Cmp::Ge => quote!(ge),
                };
                quote!(#a.#m(#b))
            }
            Node::And(a, b) => bin(quote!(&), *a, *b),
            Node::Or(a, b) => bin(quote!(|), *a, *b),
            Node::Not(a) => {
                let a = t(*a);
                quote!(!#a)
            }
        };
        out.extend(quote!(let #name = #e;));
    }
    out
}

/// Whether a boolean node depends on the parameters only (the same in every lane and every
/// vector of a call).
fn param_only(g: &Graph, id: Id) -> bool {
    !g.mentions(id, &Node::X) && !g.mentions(id, &Node::Y)
}

/// `select(c, a, b)` on vectors. A condition that is, or has a conjunct / disjunct that is, a
/// parameter-only test becomes a branch on that test (loop-invariant, so LLVM hoists it or
/// predicts it perfectly) instead of a mask operation per vector: e.g. leaky ReLU's
/// `x < 0 && alpha <= 0` costs nothing for `alpha > 0`. The selected values are the same.
fn select_tokens(g: &Graph, c: Id, a: Id, b: Id) -> TokenStream {
    let (ct, at, bt) = (t(c), t(a), t(b));
    if param_only(g, c) {
        return quote!(if #ct.all() { #at } else { #bt });
    }
    match g.nodes[c] {
        Node::And(p, q) | Node::And(q, p) if param_only(g, p) => {
            let (p, q) = (t(p), t(q));
            quote!(if #p.all() { #q.select(#at, #bt) } else { #bt })
        }
        Node::Or(p, q) | Node::Or(q, p) if param_only(g, p) => {
            let (p, q) = (t(p), t(q));
            quote!(if #p.all() { #at } else { #q.select(#at, #bt) })
        }
        _ => quote!(#ct.select(#at, #bt)),
    }
}

/// Whether node `b` is `-a` in every lane, bit for bit: `Neg(a)`, or `c·z` against `(-c)·z`
/// (a product with a constant rounds symmetrically, at either precision).
fn negation_of(g: &Graph, a: Id, b: Id) -> bool {
    if matches!(g.nodes[b], Node::Neg(x) if x == a) || matches!(g.nodes[a], Node::Neg(x) if x == b)
    {
        return true;
    }
    let scaled = |id: Id| match g.nodes[id] {
        Node::Mul(p, q) => match (g.const_val(p), g.const_val(q)) {
            (Some(c), _) => Some((c, q)),
            (_, Some(c)) => Some((c, p)),
            _ => None,
        },
        _ => None,
    };
    match (scaled(a), scaled(b)) {
        (Some((c, z)), Some((d, w))) => z == w && c == -d && c != 0.0,
        _ => false,
    }
}

/// The pairs `(sigmoid(u), sigmoid(-u), first of the two in order)` among `order`.
fn sigmoid_pairs(g: &Graph, order: &[Id]) -> Vec<(Id, Id, Id)> {
    let sig: Vec<(Id, Id)> = order
        .iter()
        .filter_map(|&id| match g.nodes[id] {
            Node::Call(Func::Sigmoid, u) => Some((id, u)),
            _ => None,
        })
        .collect();
    let mut pairs: Vec<(Id, Id, Id)> = Vec::new();
    for (i, &(p, u)) in sig.iter().enumerate() {
        for &(n, w) in &sig[i + 1..] {
            let taken = |x: Id| pairs.iter().any(|q| q.0 == x || q.1 == x);
            if !taken(p) && !taken(n) && negation_of(g, u, w) {
                pairs.push((p, n, p.min(n)));
            }
        }
    }
    pairs
}

fn bin(op: TokenStream, a: Id, b: Id) -> TokenStream {
    let (a, b) = (t(a), t(b));
    quote!(#a #op #b)
}

/// Emits `let`s for the f64 reference.
fn emit_f64(g: &Graph, roots: &[Id], krate: &TokenStream, params: &[Param]) -> TokenStream {
    emit_ref(g, roots, krate, params, &quote!(f64))
}

/// Emits `let`s for every node reachable from `roots` as reference code in the type `ty`,
/// which implements `RefFloat` (`f64`, or a generic `__R` evaluated by the tests in MPFR).
/// Values are cloned at every use (free for `f64`).
fn emit_ref(
    g: &Graph,
    roots: &[Id],
    krate: &TokenStream,
    params: &[Param],
    ty: &TokenStream,
) -> TokenStream {
    let rf = quote!(<#ty as #krate::__private::RefFloat>);
    let c = |id: Id| {
        let n = t(id);
        quote!(::core::clone::Clone::clone(&#n))
    };
    let mut out = TokenStream::new();
    for id in g.reachable(roots) {
        let name = t(id);
        let e = match &g.nodes[id] {
            Node::X => quote!(::core::clone::Clone::clone(&__x)),
            Node::Y => quote!(::core::clone::Clone::clone(&__y)),
            Node::Param(i) => {
                let f = &params[*i].ident;
                quote!(#rf::from_f64(self.#f as f64))
            }
            Node::Const(b) => {
                let l = f64_lit(f64::from_bits(*b));
                quote!(#rf::from_f64(#l))
            }
            Node::Neg(a) => {
                let a = c(*a);
                quote!(-#a)
            }
            Node::Add(a, b) => {
                let (a, b) = (c(*a), c(*b));
                quote!(#a + #b)
            }
            Node::Sub(a, b) => {
                let (a, b) = (c(*a), c(*b));
                quote!(#a - #b)
            }
            Node::Mul(a, b) => {
                let (a, b) = (c(*a), c(*b));
                quote!(#a * #b)
            }
            Node::Div(a, b) => {
                let (a, b) = (c(*a), c(*b));
                quote!(#a / #b)
            }
            Node::Call(f, a) => {
                let a = c(*a);
                let f = format_ident!("{}", f.name());
                quote!(#rf::#f(#a))
            }
            Node::Call2(f, a, b) => {
                let (a, b) = (c(*a), c(*b));
                let f = format_ident!("{}", f.name());
                quote!(#rf::#f(#a, #b))
            }
            Node::Min(a, b) => {
                let (ta, tb) = (t(*a), t(*b));
                let (a, b) = (c(*a), c(*b));
                quote!(if #tb < #ta { #b } else { #a })
            }
            Node::Max(a, b) => {
                let (ta, tb) = (t(*a), t(*b));
                let (a, b) = (c(*a), c(*b));
                quote!(if #tb > #ta { #b } else { #a })
            }
            Node::Powi(a, n) => {
                let a = c(*a);
                let n = Literal::i32_suffixed(*n);
                quote!(#rf::powi(#a, #n))
            }
            Node::Fma(a, b, cc) => {
                let (a, b, cc) = (c(*a), c(*b), c(*cc));
                quote!(#rf::fma(#a, #b, #cc))
            }
            Node::Select(cond, a, b) => {
                let cond = t(*cond);
                let (a, b) = (c(*a), c(*b));
                quote!(if #cond { #a } else { #b })
            }
            Node::Cmp(op, a, b) => {
                let (a, b) = (t(*a), t(*b));
                match op {
                    Cmp::Lt => quote!(#a < #b),
                    Cmp::Le => quote!(#a <= #b),
                    Cmp::Gt => quote!(#a > #b),
                    Cmp::Ge => quote!(#a >= #b),
                }
            }
            Node::And(a, b) => bin(quote!(&&), *a, *b),
            Node::Or(a, b) => bin(quote!(||), *a, *b),
            Node::Not(a) => {
                let a = t(*a);
                quote!(!#a)
            }
        };
        out.extend(quote!(let #name = #e;));
    }
    out
}

/// SIMD result expression with a NaN guard when the graph does not provably propagate NaN.
fn simd_result(g: &Graph, root: Id, input: &syn::Ident) -> TokenStream {
    let r = t(root);
    if g.propagates_nan(root) {
        quote!(#r)
    } else {
        quote!(#input.is_nan().select(#input, #r))
    }
}

fn f64_result(g: &Graph, root: Id, input: &syn::Ident, krate: &TokenStream) -> TokenStream {
    ref_result(g, root, input, &quote!(f64), krate)
}

/// [`f64_result`] in a `RefFloat` type.
fn ref_result(
    g: &Graph,
    root: Id,
    input: &syn::Ident,
    ty: &TokenStream,
    krate: &TokenStream,
) -> TokenStream {
    let r = t(root);
    if g.propagates_nan(root) {
        quote!(#r)
    } else {
        quote!(if <#ty as #krate::__private::RefFloat>::is_nan(&#input) { #input } else { #r })
    }
}

pub fn expand(item: &syn::ItemStruct, args: &Args, params: &[Param], m: &Model) -> TokenStream {
    let krate: TokenStream = match &args.krate {
        Some(p) => quote!(#p),
        None => quote!(::activation_kernels),
    };
    let ident = &item.ident;
    let g = &m.g;
    let x_in = format_ident!("__x");
    let y_in = format_ident!("__y");
    let p = quote!(#krate::__private);

    let fwd_lets = emit_simd(g, &[m.fwd], &krate, params, &x_in);
    let fwd_res = simd_result(g, m.fwd, &x_in);
    let der_lets = emit_simd(g, &[m.der], &krate, params, &x_in);
    let der_res = simd_result(g, m.der, &x_in);
    let both_lets = emit_simd(g, &[m.both.0, m.both.1], &krate, params, &x_in);
    let both_f = simd_result(g, m.both.0, &x_in);
    let both_d = simd_result(g, m.both.1, &x_in);
    let fwd64_lets = emit_simd64(g, &[m.fwd], &krate, params, &x_in);
    let der64_lets = emit_simd64(g, &[m.der], &krate, params, &x_in);
    let both64_lets = emit_simd64(g, &[m.both.0, m.both.1], &krate, params, &x_in);
    let rty = quote!(__R);
    let gref_lets = emit_ref(g, &[m.reference], &krate, params, &rty);
    let gref_res = ref_result(g, m.reference, &x_in, &rty, &krate);
    let gdref_lets = emit_ref(g, &[m.der_reference], &krate, params, &rty);
    let gdref_res = ref_result(g, m.der_reference, &x_in, &rty, &krate);
    let ref_lets = emit_f64(g, &[m.reference], &krate, params);
    let ref_res = f64_result(g, m.reference, &x_in, &krate);
    let dref_lets = emit_f64(g, &[m.der_reference], &krate, params);
    let dref_res = f64_result(g, m.der_reference, &x_in, &krate);
    let symbolic = m.symbolic.map(|s| {
        let lets = emit_f64(g, &[s], &krate, params);
        let r = f64_result(g, s, &x_in, &krate);
        quote! {
            fn symbolic_derivative_reference(&self, __x: f64) -> ::core::option::Option<f64> {
                #lets
                ::core::option::Option::Some(#r)
            }
        }
    });
    let sat_arms = m.sat_values.iter().enumerate().map(|(i, &v)| {
        let lets = emit_f64(g, &[v], &krate, params);
        let r = t(v);
        quote!(#i => { #lets #r })
    });

    // Metadata.
    let name = args
        .name
        .as_ref()
        .map(|s| s.value())
        .unwrap_or_else(|| to_snake(&ident.to_string()));
    let aliases = args.aliases.iter().map(|s| s.value());
    let fwd_text = args.forward.as_ref().map(value_text).unwrap_or_default();
    let der_text = &m.derivative_text;
    let der_given = args.derivative.is_some();
    let param_infos = params.iter().map(|pp| {
        let n = pp.ident.to_string();
        let d = f32_lit(pp.default);
        quote!(#p::ParamInfo { name: #n, default: #d })
    });
    let sat_infos = args.saturate.iter().map(|s| {
        let side = if s.above {
            quote!(Above)
        } else {
            quote!(Below)
        };
        let bound_v = {
            // Bounds are constants (checked in `build`); re-evaluate for the literal.
            let mut gg = Graph::default();
            let mut errs = Vec::new();
            let id = Parser {
                g: &mut gg,
                params: &[],
                ctx: Ctx::Forward,
                y: None,
                errors: &mut errs,
            }
            .value(&s.bound);
            gg.eval(id, 0.0, &[]).unwrap_or(0.0)
        };
        let b = f32_lit(bound_v);
        let v = value_text(&s.value);
        quote!(#p::Saturation { side: #p::Side::#side, bound: #b, value: #v })
    });
    let constraints = args.checks.iter().map(value_text);
    let fulp = args.ulp.map_or(2.0, |u| u.0);
    let dulp = args.derivative_ulp.map_or(4.0, |u| u.0);
    let dabs = args.derivative_abs.map_or(0.0, |u| u.0);
    let from_output = m.from_output.is_some();
    let n_params = params.len();

    // Validation.
    let fields: Vec<&syn::Ident> = params.iter().map(|p| &p.ident).collect();
    let finite_checks = params.iter().map(|pp| {
        let f = &pp.ident;
        let n = f.to_string();
        if pp.allow_infinite {
            quote! {
                if self.#f.is_nan() {
                    return ::core::result::Result::Err(#p::ParamError::new(#name, #n, self.#f, "not NaN"));
                }
            }
        } else {
            quote! {
                if !self.#f.is_finite() {
                    return ::core::result::Result::Err(#p::ParamError::new(#name, #n, self.#f, "a finite value"));
                }
            }
        }
    });
    let checks = m.checks.iter().map(|(g3, id, text, first)| {
        let lets = emit_f64(g3, &[*id], &krate, params);
        let r = t(*id);
        let f = &params[*first].ident;
        let fname = f.to_string();
        quote! {{
            #lets
            if !#r {
                return ::core::result::Result::Err(#p::ParamError::new(#name, #fname, self.#f, #text));
            }
        }}
    });

    let defaults = params.iter().map(|pp| {
        let f = &pp.ident;
        let d = f32_lit(pp.default);
        quote!(#f: #d)
    });
    let default_impl = if params.is_empty() {
        match &item.fields {
            syn::Fields::Unit => quote!(#ident),
            _ => quote!(#ident {}),
        }
    } else {
        quote!(#ident { #(#defaults),* })
    };
    let new_fn = (!params.is_empty()).then(|| {
        let doc = format!(
            "Creates `{ident}` after checking the parameters (finite{}).",
            if args.checks.is_empty() {
                String::new()
            } else {
                format!(
                    ", {}",
                    args.checks
                        .iter()
                        .map(value_text)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        );
        quote! {
            #[doc = #doc]
            pub fn new(#(#fields: f32),*) -> ::core::result::Result<Self, #p::ParamError> {
                let __a = #ident { #(#fields),* };
                #p::Activation::validate(&__a)?;
                ::core::result::Result::Ok(__a)
            }
        }
    });

    let with_values = if params.is_empty() {
        quote!(*self)
    } else {
        let idx = 0..params.len();
        quote!(#ident { #(#fields: __v[#idx]),* })
    };
    let from_output_dyn = from_output.then(|| {
        quote! {
            fn backward_from_output_dyn<__T: #krate::element::Element>(&self, __isa: #krate::Isa, __y: &[__T], __dy: &[__T], __dx: &mut [__T]) -> bool {
                #p::OutputDerivative::backward_from_output_on(self, __isa, __y, __dy, __dx);
                true
            }
        }
    });
    let output_impl = m.from_output.as_ref().map(|(g2, d)| {
        let lets = emit_simd(g2, &[*d], &krate, params, &y_in);
        let r = simd_result(g2, *d, &y_in);
        let lets64 = emit_simd64(g2, &[*d], &krate, params, &y_in);
        let glets = emit_ref(g2, &[*d], &krate, params, &quote!(__R));
        let gr = ref_result(g2, *d, &y_in, &quote!(__R), &krate);
        let flets = emit_f64(g2, &[*d], &krate, params);
        let fr = f64_result(g2, *d, &y_in, &krate);
        quote! {
            impl #p::OutputDerivative for #ident {
                #[inline(always)]
                fn derivative_from_output_v<__S: #p::Simd>(&self, __y: #p::V<__S>) -> #p::V<__S> {
                    #lets
                    #r
                }
                #[inline(always)]
                fn derivative_from_output_v64<__S: #p::Simd>(&self, __y: #p::V64<__S>) -> #p::V64<__S> {
                    #lets64
                    #r
                }
                fn derivative_from_output_reference_in<__R: #p::RefFloat>(&self, __y: __R) -> __R {
                    #glets
                    #gr
                }
                fn derivative_from_output_reference(&self, __y: f64) -> f64 {
                    #flets
                    #fr
                }
            }
        }
    });

    let test_fn = args.tests.then(|| {
        let tname = format_ident!("__activation_check_{}", to_snake(&ident.to_string()));
        let out = from_output.then(|| {
            quote!(#krate::testing::check_from_output(&<#ident as ::core::default::Default>::default());)
        });
        quote_spanned! {ident.span()=>
            #[cfg(test)]
            #[test]
            #[allow(non_snake_case)]
            fn #tname() {
                #krate::testing::check(&<#ident as ::core::default::Default>::default());
                #out
            }
        }
    });

    quote! {
        #item

        impl ::core::default::Default for #ident {
            fn default() -> Self { #default_impl }
        }

        impl #ident {
            /// Canonical name of this activation.
            pub const NAME: &'static str = #name;
            #new_fn
        }

        #[allow(clippy::all, unused_variables, non_snake_case)]
        impl #p::Activation for #ident {
            fn info(&self) -> &'static #p::ActivationInfo {
                static INFO: #p::ActivationInfo = #p::ActivationInfo {
                    name: #name,
                    aliases: &[#(#aliases),*],
                    forward: #fwd_text,
                    derivative: #der_text,
                    derivative_given: #der_given,
                    params: &[#(#param_infos),*],
                    constraints: &[#(#constraints),*],
                    saturations: &[#(#sat_infos),*],
                    forward_ulp: #fulp,
                    derivative_ulp: #dulp,
                    derivative_abs: #dabs,
                    from_output: #from_output,
                };
                &INFO
            }
            fn validate(&self) -> ::core::result::Result<(), #p::ParamError> {
                #(#finite_checks)*
                #(#checks)*
                ::core::result::Result::Ok(())
            }
            fn param_values(&self) -> [f32; 8] {
                let mut __v = [0.0f32; 8];
                let __p: [f32; #n_params] = [#(self.#fields),*];
                __v[..#n_params].copy_from_slice(&__p);
                __v
            }
            fn with_param_values(&self, __v: [f32; 8]) -> Self {
                #with_values
            }
            #from_output_dyn
            #[inline(always)]
            fn forward_v<__S: #p::Simd>(&self, __x: #p::V<__S>) -> #p::V<__S> {
                #fwd_lets
                #fwd_res
            }
            #[inline(always)]
            fn derivative_v<__S: #p::Simd>(&self, __x: #p::V<__S>) -> #p::V<__S> {
                #der_lets
                #der_res
            }
            #[inline(always)]
            fn forward_with_derivative_v<__S: #p::Simd>(&self, __x: #p::V<__S>) -> (#p::V<__S>, #p::V<__S>) {
                #both_lets
                (#both_f, #both_d)
            }
            #[inline(always)]
            fn forward_v64<__S: #p::Simd>(&self, __x: #p::V64<__S>) -> #p::V64<__S> {
                #fwd64_lets
                #fwd_res
            }
            #[inline(always)]
            fn derivative_v64<__S: #p::Simd>(&self, __x: #p::V64<__S>) -> #p::V64<__S> {
                #der64_lets
                #der_res
            }
            #[inline(always)]
            fn forward_with_derivative_v64<__S: #p::Simd>(&self, __x: #p::V64<__S>) -> (#p::V64<__S>, #p::V64<__S>) {
                #both64_lets
                (#both_f, #both_d)
            }
            fn forward_reference_in<__R: #p::RefFloat>(&self, __x: __R) -> __R {
                #gref_lets
                #gref_res
            }
            fn derivative_reference_in<__R: #p::RefFloat>(&self, __x: __R) -> __R {
                #gdref_lets
                #gdref_res
            }
            fn forward_reference(&self, __x: f64) -> f64 {
                #ref_lets
                #ref_res
            }
            fn derivative_reference(&self, __x: f64) -> f64 {
                #dref_lets
                #dref_res
            }
            #symbolic
            fn saturation_reference(&self, __i: usize, __x: f64) -> f64 {
                match __i {
                    #(#sat_arms)*
                    _ => ::core::f64::NAN,
                }
            }
        }

        #output_impl

        #test_fn
    }
}

pub fn to_snake(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
