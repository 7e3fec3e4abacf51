#[activation_kernels::activation(forward = x * x, output_derivative = 2.0 * x)]
pub struct A;

fn main() {}
