#[activation_kernels::activation(forward = x * a)]
pub struct A {
    pub a: f64,
}

fn main() {}
