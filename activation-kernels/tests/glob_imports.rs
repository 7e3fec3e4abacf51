//! Everything the crate exports, imported at once, leaves the common calls unambiguous: the
//! concrete activations implement `Activation` only, the type-erased `DynActivation` is reached
//! through the registry or `registry::Erased`.
#![allow(unused_imports)]

use activation_kernels::activations::*;
use activation_kernels::{registry::*, *};

#[test]
fn glob_imports_leave_the_typed_calls_unambiguous() {
    let x = [-1.5f32, 0.0, 2.0];
    let mut y = [0.0f32; 3];
    Relu.forward(&x, &mut y);
    assert_eq!(y, [0.0, 0.0, 2.0]);
    let info = Relu.info();
    assert_eq!(info.name, "relu");

    let mut z = [0.0f32; 3];
    lookup("relu").unwrap().forward(&x, &mut z);
    assert_eq!(y, z);
    let erased: &dyn DynActivation = &Erased(Relu);
    erased.forward(&x, &mut z);
    assert_eq!(y, z);
}
