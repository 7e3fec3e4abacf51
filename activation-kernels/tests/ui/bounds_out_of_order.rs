#[activation_kernels::activation(
    forward = tanh(x),
    saturate(below = 10.0 => -1.0),
    saturate(above = -10.0 => 1.0),
)]
pub struct A;

fn main() {}
