#[activation_kernels::activation(forward = x * z)]
pub struct A;

fn main() {}
