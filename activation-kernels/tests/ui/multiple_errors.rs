#[activation_kernels::activation(forward = foo(x) + bar + y, derivative = powi(x, 2.5))]
pub struct A;

fn main() {}
