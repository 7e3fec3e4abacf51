#[activation_kernels::activation(forward = y * 2.0)]
pub struct A;

fn main() {}
