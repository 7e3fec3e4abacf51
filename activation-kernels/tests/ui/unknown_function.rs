#[activation_kernels::activation(forward = x * sigmod(x))]
pub struct A;

fn main() {}
