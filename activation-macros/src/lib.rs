//! The `#[activation]` attribute macro of `activation-kernels`.
//!
//! Depend on `activation-kernels`, which re-exports the macro and documents the syntax. The
//! pipeline is `ast` (parse, with spans) → `formula` (expression graph) → `derive` (symbolic
//! derivative) → `expand` (checks and code generation). Every malformed definition is a spanned
//! compile error; the macro never panics.

use proc_macro::TokenStream;

mod ast;
mod derive;
mod expand;
mod formula;
#[cfg(test)]
mod proptests;

/// Declares an activation function: see the `activation-kernels` crate docs for the syntax.
#[proc_macro_attribute]
pub fn activation(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors: Vec<syn::Error> = Vec::new();
    let mut item: syn::ItemStruct = match syn::parse(item.clone()) {
        Ok(s) => s,
        Err(_) => {
            let item2: proc_macro2::TokenStream = item.into();
            return syn::Error::new_spanned(
                &item2,
                "#[activation] must be applied to a struct of `f32` parameters (or a unit struct)",
            )
            .to_compile_error()
            .into_iter()
            .chain(item2)
            .collect::<proc_macro2::TokenStream>()
            .into();
        }
    };
    add_derives(&mut item);
    let args = ast::parse_args(attr.into(), &mut errors);
    let params = ast::parse_params(&mut item, &mut errors);
    let model = if errors.is_empty() {
        expand::build(&args, &params, &mut errors)
    } else {
        None
    };
    match model {
        Some(m) if errors.is_empty() => expand::expand(&item, &args, &params, &m).into(),
        _ => {
            // Emit the struct (without #[param] attributes) so the user sees these errors and
            // not a cascade of "cannot find type" errors.
            let errs = errors.iter().map(syn::Error::to_compile_error);
            quote::quote!(#(#errs)* #item).into()
        }
    }
}

/// Activations are small `Copy` values: derive `Copy, Clone, Debug, PartialEq` unless the user
/// already derives them.
fn add_derives(item: &mut syn::ItemStruct) {
    let mut present: Vec<String> = Vec::new();
    for attr in &item.attrs {
        if attr.path().is_ident("derive") {
            let _ = attr.parse_nested_meta(|m| {
                if let Some(id) = m.path.segments.last() {
                    present.push(id.ident.to_string());
                }
                Ok(())
            });
        }
    }
    let missing: Vec<syn::Path> = [
        ("Copy", quote::quote!(::core::marker::Copy)),
        ("Clone", quote::quote!(::core::clone::Clone)),
        ("Debug", quote::quote!(::core::fmt::Debug)),
        ("PartialEq", quote::quote!(::core::cmp::PartialEq)),
    ]
    .into_iter()
    .filter(|(n, _)| !present.iter().any(|p| p == n))
    .map(|(_, p)| syn::parse2(p).expect("valid path"))
    .collect();
    if !missing.is_empty() {
        item.attrs.push(syn::parse_quote!(#[derive(#(#missing),*)]));
    }
}
