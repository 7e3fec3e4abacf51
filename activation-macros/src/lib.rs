//! The `#[activation]` attribute macro of `activation-kernels`.
//!
//! This crate is an implementation detail: depend on `activation-kernels`, which re-exports the
//! macro. The macro itself lands with the `#[activation]` issue; until then the attribute only
//! validates that it is applied to a struct and re-emits the item unchanged.

use proc_macro::TokenStream;

/// Declares an activation function. Not implemented yet: currently a validating pass-through.
#[proc_macro_attribute]
pub fn activation(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let parsed = syn::parse_macro_input!(item as syn::Item);
    match parsed {
        syn::Item::Struct(s) => quote::quote!(#s).into(),
        other => syn::Error::new_spanned(other, "#[activation] must be applied to a struct")
            .to_compile_error()
            .into(),
    }
}
