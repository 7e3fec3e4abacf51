#[activation_kernels::activation(foward = x)]
pub struct A;

fn main() {}
