#[activation_kernels::activation(forward = x * PIE)]
pub struct A;

fn main() {}
