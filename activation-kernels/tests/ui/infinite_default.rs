/// An infinite default needs `allow_infinite` (parameters are finite unless a definition says so).
#[activation_kernels::activation(forward = min(x, cap))]
pub struct Capped {
    #[param(default = f32::INFINITY)]
    pub cap: f32,
}

fn main() {}
