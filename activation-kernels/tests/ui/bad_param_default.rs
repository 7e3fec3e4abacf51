#[activation_kernels::activation(forward = alpha * x, check(alpha > 0.0))]
pub struct A {
    #[param(default = "one")]
    pub alpha: f32,
}

#[activation_kernels::activation(forward = alpha * x, check(alpha > 0.0))]
pub struct B {
    #[param(default = -1.0)]
    pub alpha: f32,
}

fn main() {}
