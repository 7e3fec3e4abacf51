// `param_values()` returns `[f32; 8]`: a ninth parameter is a compile error on the struct.
#[activation_kernels::activation(forward = a * b * c * d * e * f * g * h * i * x)]
pub struct Nine {
    #[param(default = 1.0)]
    pub a: f32,
    #[param(default = 1.0)]
    pub b: f32,
    #[param(default = 1.0)]
    pub c: f32,
    #[param(default = 1.0)]
    pub d: f32,
    #[param(default = 1.0)]
    pub e: f32,
    #[param(default = 1.0)]
    pub f: f32,
    #[param(default = 1.0)]
    pub g: f32,
    #[param(default = 1.0)]
    pub h: f32,
    #[param(default = 1.0)]
    pub i: f32,
}

fn main() {}
