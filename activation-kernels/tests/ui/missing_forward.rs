#[activation_kernels::activation(name = "a", derivative = 1.0)]
pub struct A;

fn main() {}
