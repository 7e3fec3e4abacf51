#[activation_kernels::activation(forward = x)]
pub enum A { B }

fn main() {}
