//! The definition as written: attribute arguments and the parameter struct, with spans.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitStr, Token};

/// One `saturate(below = B => value)` clause.
pub struct Saturate {
    pub above: bool,
    pub side_span: Span,
    pub bound: Expr,
    pub value: Expr,
    /// Optional derivative there (default: the symbolic derivative of `value`).
    pub derivative: Option<Expr>,
}

/// The attribute's arguments.
#[derive(Default)]
pub struct Args {
    pub name: Option<LitStr>,
    pub aliases: Vec<LitStr>,
    pub forward: Option<Expr>,
    pub derivative: Option<Expr>,
    pub output_derivative: Option<Expr>,
    pub reference: Option<Expr>,
    pub saturate: Vec<Saturate>,
    pub checks: Vec<Expr>,
    pub ulp: Option<(f64, Span)>,
    pub derivative_ulp: Option<(f64, Span)>,
    pub derivative_abs: Option<(f64, Span)>,
    pub krate: Option<syn::Path>,
    pub tests: bool,
}

pub const KEYS: &str = "name, aliases, forward, derivative, output_derivative, reference, saturate(..), check(..), ulp, derivative_ulp, derivative_abs, tests, crate";

// Parsed once per macro invocation; the size difference does not matter.
#[allow(clippy::large_enum_variant)]
enum Arg {
    Kv(Ident, Expr),
    Crate(LitStr),
    Saturate(Saturate),
    Check(Expr),
}

impl Parse for Arg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Token![crate]) {
            input.parse::<Token![crate]>()?;
            input.parse::<Token![=]>()?;
            return Ok(Arg::Crate(input.parse()?));
        }
        let key: Ident = input.parse()?;
        if key == "saturate" {
            let content;
            syn::parenthesized!(content in input);
            let side: Ident = content.parse()?;
            let above = match side.to_string().as_str() {
                "below" => false,
                "above" => true,
                _ => {
                    return Err(syn::Error::new_spanned(
                        &side,
                        "expected `below` or `above`",
                    ));
                }
            };
            content.parse::<Token![=]>()?;
            let bound: Expr = content.parse()?;
            content.parse::<Token![=>]>()?;
            let value: Expr = content.parse()?;
            let mut derivative = None;
            if content.peek(Token![,]) {
                content.parse::<Token![,]>()?;
                if !content.is_empty() {
                    let k: Ident = content.parse()?;
                    if k != "derivative" {
                        return Err(syn::Error::new_spanned(&k, "expected `derivative = ...`"));
                    }
                    content.parse::<Token![=]>()?;
                    derivative = Some(content.parse()?);
                    if content.peek(Token![,]) {
                        content.parse::<Token![,]>()?;
                    }
                }
            }
            if !content.is_empty() {
                return Err(content.error("unexpected tokens in `saturate(..)`"));
            }
            return Ok(Arg::Saturate(Saturate {
                above,
                side_span: side.span(),
                bound,
                value,
                derivative,
            }));
        }
        if key == "check" {
            let content;
            syn::parenthesized!(content in input);
            let e: Expr = content.parse()?;
            if !content.is_empty() {
                return Err(content.error("expected a single condition in `check(..)`"));
            }
            return Ok(Arg::Check(e));
        }
        input.parse::<Token![=]>()?;
        Ok(Arg::Kv(key, input.parse()?))
    }
}

fn lit_f64(e: &Expr) -> Option<f64> {
    match e {
        Expr::Lit(l) => match &l.lit {
            syn::Lit::Float(f) => f.base10_parse().ok(),
            syn::Lit::Int(i) => i.base10_parse::<i64>().ok().map(|v| v as f64),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => lit_f64(&u.expr).map(|v| -v),
        Expr::Paren(p) => lit_f64(&p.expr),
        _ => None,
    }
}

/// `inf`, `INFINITY`, `f32::INFINITY` (optionally negated) as ±infinity.
fn infinity_f64(e: &Expr) -> Option<f64> {
    match e {
        Expr::Path(p) => {
            let last = p.path.segments.last()?.ident.to_string();
            (last == "inf" || last == "INFINITY").then_some(f64::INFINITY)
        }
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => infinity_f64(&u.expr).map(|v| -v),
        Expr::Paren(p) => infinity_f64(&p.expr),
        _ => None,
    }
}

/// Parses the attribute arguments, collecting errors.
pub fn parse_args(tokens: TokenStream, errors: &mut Vec<syn::Error>) -> Args {
    let mut args = Args {
        tests: true,
        ..Args::default()
    };
    let list =
        match syn::parse::Parser::parse2(Punctuated::<Arg, Token![,]>::parse_terminated, tokens) {
            Ok(l) => l,
            Err(e) => {
                errors.push(e);
                return args;
            }
        };
    let mut seen: Vec<String> = Vec::new();
    for arg in list {
        match arg {
            Arg::Crate(s) => match s.parse::<syn::Path>() {
                Ok(p) => args.krate = Some(p),
                Err(_) => errors.push(syn::Error::new_spanned(
                    &s,
                    "expected a path, e.g. \"::activation_kernels\"",
                )),
            },
            Arg::Saturate(s) => args.saturate.push(s),
            Arg::Check(e) => args.checks.push(e),
            Arg::Kv(k, v) => {
                let key = k.to_string();
                if seen.contains(&key) {
                    errors.push(syn::Error::new_spanned(
                        &k,
                        format!("duplicate key `{key}`"),
                    ));
                    continue;
                }
                seen.push(key.clone());
                match key.as_str() {
                    "name" => match &v {
                        Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => args.name = Some(s.clone()),
                        _ => errors.push(syn::Error::new_spanned(&v, "expected a string literal")),
                    },
                    "aliases" => match &v {
                        Expr::Array(a) => {
                            for e in &a.elems {
                                match e {
                                    Expr::Lit(syn::ExprLit {
                                        lit: syn::Lit::Str(s),
                                        ..
                                    }) => args.aliases.push(s.clone()),
                                    _ => errors.push(syn::Error::new_spanned(
                                        e,
                                        "expected a string literal",
                                    )),
                                }
                            }
                        }
                        _ => errors.push(syn::Error::new_spanned(
                            &v,
                            "expected an array of strings, e.g. [\"silu\"]",
                        )),
                    },
                    "forward" => args.forward = Some(v),
                    "derivative" => args.derivative = Some(v),
                    "output_derivative" => args.output_derivative = Some(v),
                    "reference" => args.reference = Some(v),
                    "ulp" | "derivative_ulp" | "derivative_abs" => match lit_f64(&v) {
                        Some(x) if x >= 0.0 && x.is_finite() => {
                            let slot = match key.as_str() {
                                "ulp" => &mut args.ulp,
                                "derivative_ulp" => &mut args.derivative_ulp,
                                _ => &mut args.derivative_abs,
                            };
                            *slot = Some((x, v.span()));
                        }
                        _ => errors.push(syn::Error::new_spanned(
                            &v,
                            "expected a non-negative number literal",
                        )),
                    },
                    "tests" => match &v {
                        Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Bool(b),
                            ..
                        }) => args.tests = b.value,
                        _ => errors.push(syn::Error::new_spanned(&v, "expected `true` or `false`")),
                    },
                    _ => errors.push(syn::Error::new_spanned(
                        &k,
                        format!("unknown key `{key}`; expected one of: {KEYS}"),
                    )),
                }
            }
        }
    }
    args
}

/// One `f32` parameter field.
pub struct Param {
    pub ident: Ident,
    pub default: f64,
    /// `#[param(allow_infinite)]`: ±inf are valid values (NaN never is).
    pub allow_infinite: bool,
}

/// Extracts the parameters from the struct, stripping `#[param]` attributes from `item`.
pub fn parse_params(item: &mut syn::ItemStruct, errors: &mut Vec<syn::Error>) -> Vec<Param> {
    let mut out = Vec::new();
    if !item.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &item.generics,
            "activation structs cannot be generic",
        ));
    }
    let fields = match &mut item.fields {
        syn::Fields::Named(f) => &mut f.named,
        syn::Fields::Unit => return out,
        syn::Fields::Unnamed(f) => {
            errors.push(syn::Error::new_spanned(f,
                "activation parameters must be named fields, e.g. `pub struct Elu { #[param(default = 1.0)] pub alpha: f32 }`",
            ));
            return out;
        }
    };
    for field in fields.iter_mut() {
        let ident = field.ident.clone().expect("named field");
        let is_f32 = matches!(&field.ty, syn::Type::Path(p) if p.path.is_ident("f32"));
        if !is_f32 {
            errors.push(syn::Error::new_spanned(
                &field.ty,
                "activation parameters must have type `f32`",
            ));
        }
        let mut default = None;
        let mut allow_infinite = false;
        let mut infinite_default = None;
        let mut attr_error = false;
        let mut keep = Vec::new();
        for attr in field.attrs.drain(..) {
            if attr.path().is_ident("param") {
                let r = attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("default") {
                        let e: Expr = meta.value()?.parse()?;
                        match lit_f64(&e).or_else(|| infinity_f64(&e)) {
                            Some(v) if v.is_finite() && (v as f32).is_finite() => default = Some(v),
                            Some(v) if v.is_infinite() => {
                                default = Some(v);
                                infinite_default = Some(e);
                            }
                            _ => {
                                return Err(syn::Error::new_spanned(&e,
                                    "bad parameter default: expected a finite number literal (e.g. `1.0` or `-0.5`)",
                                ));
                            }
                        }
                        Ok(())
                    } else if meta.path.is_ident("allow_infinite") {
                        allow_infinite = true;
                        Ok(())
                    } else {
                        Err(meta.error("expected `default = <number>` or `allow_infinite`"))
                    }
                });
                if let Err(e) = r {
                    attr_error = true;
                    errors.push(e);
                }
            } else {
                keep.push(attr);
            }
        }
        field.attrs = keep;
        if let (Some(e), false) = (&infinite_default, allow_infinite) {
            errors.push(syn::Error::new_spanned(
                e,
                "bad parameter default: an infinite default needs `#[param(default = ..., allow_infinite)]`",
            ));
        }
        match default {
            Some(d) => out.push(Param {
                ident,
                default: d,
                allow_infinite,
            }),
            None => {
                if attr_error {
                    out.push(Param {
                        ident,
                        default: 0.0,
                        allow_infinite,
                    });
                    continue;
                }
                errors.push(syn::Error::new_spanned(
                    &ident,
                    format!("parameter `{ident}` needs a default: `#[param(default = 1.0)]`"),
                ));
                out.push(Param {
                    ident,
                    default: 0.0,
                    allow_infinite,
                });
            }
        }
    }
    if out.len() > 8 {
        errors.push(syn::Error::new_spanned(
            &item.ident,
            "at most 8 parameters are supported (`Activation::param_values` returns `[f32; 8]`)",
        ));
    }
    out
}
