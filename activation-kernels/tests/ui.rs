//! Every kind of malformed `#[activation]` definition is a spanned compile error (never a
//! panic in the macro). One `.stderr` snapshot per error kind in `tests/ui/`.
//! Regenerate the snapshots with `TRYBUILD=overwrite cargo test --release --test ui`.

#[test]
fn malformed_definitions_are_spanned_compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
