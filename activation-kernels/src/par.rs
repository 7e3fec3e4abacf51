//! Parallel slice functions (cargo feature `rayon`, off by default).
//!
//! Large slices are cut into chunks of [`CHUNK`] elements (256 KiB of f32: each chunk stays in
//! a core's L2 while it is read and written) and processed on the rayon thread pool. Every
//! kernel is elementwise, so the results are **bit-identical** to the single-thread call for
//! any length, chunking and thread count. Slices shorter than two chunks run on the calling
//! thread.
//!
//! ```
//! # #[cfg(feature = "rayon")] {
//! use activation_kernels::{activations::Swish, par};
//! let x = vec![0.5f32; 1 << 20];
//! let mut y = vec![0.0f32; x.len()];
//! par::forward(&Swish::default(), &x, &mut y);
//! # }
//! ```

use crate::Activation;
use crate::kernel::check_len;
use crate::math::MathFn;
use rayon::prelude::*;

/// Elements per parallel task.
pub const CHUNK: usize = 1 << 16;

fn serial(n: usize) -> bool {
    n < 2 * CHUNK || rayon::current_num_threads() < 2
}

/// Parallel [`Activation::forward`]. Panics on a length mismatch.
#[track_caller]
pub fn forward<A: Activation>(a: &A, x: &[f32], y: &mut [f32]) {
    check_len("input and output", x.len(), y.len());
    if serial(x.len()) {
        return a.forward(x, y);
    }
    x.par_chunks(CHUNK)
        .zip(y.par_chunks_mut(CHUNK))
        .for_each(|(x, y)| a.forward(x, y));
}

/// Parallel [`Activation::forward_in_place`].
pub fn forward_in_place<A: Activation>(a: &A, x: &mut [f32]) {
    if serial(x.len()) {
        return a.forward_in_place(x);
    }
    x.par_chunks_mut(CHUNK).for_each(|x| a.forward_in_place(x));
}

/// Parallel [`Activation::derivative`]. Panics on a length mismatch.
#[track_caller]
pub fn derivative<A: Activation>(a: &A, x: &[f32], d: &mut [f32]) {
    check_len("input and output", x.len(), d.len());
    if serial(x.len()) {
        return a.derivative(x, d);
    }
    x.par_chunks(CHUNK)
        .zip(d.par_chunks_mut(CHUNK))
        .for_each(|(x, d)| a.derivative(x, d));
}

/// Parallel [`Activation::backward`]. Panics on a length mismatch.
#[track_caller]
pub fn backward<A: Activation>(a: &A, x: &[f32], dy: &[f32], dx: &mut [f32]) {
    check_len("x and dx", x.len(), dx.len());
    check_len("dy and dx", dy.len(), dx.len());
    if serial(x.len()) {
        return a.backward(x, dy, dx);
    }
    x.par_chunks(CHUNK)
        .zip(dy.par_chunks(CHUNK))
        .zip(dx.par_chunks_mut(CHUNK))
        .for_each(|((x, dy), dx)| a.backward(x, dy, dx));
}

/// Parallel [`Activation::forward_with_derivative`]. Panics on a length mismatch.
#[track_caller]
pub fn forward_with_derivative<A: Activation>(a: &A, x: &[f32], y: &mut [f32], d: &mut [f32]) {
    check_len("input and output", x.len(), y.len());
    check_len("input and derivative", x.len(), d.len());
    if serial(x.len()) {
        return a.forward_with_derivative(x, y, d);
    }
    x.par_chunks(CHUNK)
        .zip(y.par_chunks_mut(CHUNK))
        .zip(d.par_chunks_mut(CHUNK))
        .for_each(|((x, y), d)| a.forward_with_derivative(x, y, d));
}

/// Parallel [`MathFn::apply`]. Panics on a length mismatch.
#[track_caller]
pub fn apply(f: MathFn, x: &[f32], y: &mut [f32]) {
    check_len("input and output", x.len(), y.len());
    if serial(x.len()) {
        return f.apply(x, y);
    }
    x.par_chunks(CHUNK)
        .zip(y.par_chunks_mut(CHUNK))
        .for_each(|(x, y)| f.apply(x, y));
}
