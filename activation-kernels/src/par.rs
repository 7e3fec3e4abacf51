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

/// Whole rows per task: about [`CHUNK`] elements, at least one row.
fn row_step(row_len: usize) -> usize {
    (CHUNK / row_len.max(1)).max(1) * row_len.max(1)
}

/// Parallel [`RowActivation::forward`](crate::rowwise::RowActivation::forward): whole rows
/// per task, so the results are bit-identical to the single-thread call. Panics like it.
#[track_caller]
pub fn rows_forward<R: crate::rowwise::RowActivation + Sync>(
    f: &R,
    x: &[f32],
    y: &mut [f32],
    row_len: usize,
) {
    check_len("input and output", x.len(), y.len());
    crate::rowwise::check_rows(x.len(), row_len);
    if serial(x.len()) || row_len == 0 {
        return f.forward(x, y, row_len);
    }
    let step = row_step(row_len);
    x.par_chunks(step)
        .zip(y.par_chunks_mut(step))
        .for_each(|(x, y)| f.forward(x, y, row_len));
}

/// Parallel [`RowActivation::backward`](crate::rowwise::RowActivation::backward) (whole rows
/// per task; bit-identical to the single-thread call).
#[track_caller]
pub fn rows_backward<R: crate::rowwise::RowActivation + Sync>(
    f: &R,
    y: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    row_len: usize,
) {
    check_len("y and dx", y.len(), dx.len());
    check_len("dy and dx", dy.len(), dx.len());
    crate::rowwise::check_rows(y.len(), row_len);
    if serial(y.len()) || row_len == 0 {
        return f.backward(y, dy, dx, row_len);
    }
    let step = row_step(row_len);
    y.par_chunks(step)
        .zip(dy.par_chunks(step))
        .zip(dx.par_chunks_mut(step))
        .for_each(|((y, dy), dx)| f.backward(y, dy, dx, row_len));
}

/// Parallel [`Rrelu::forward_train`](crate::rrelu::Rrelu::forward_train): each chunk passes
/// its global offset, so the slopes (and results) are those of the single-thread call.
#[track_caller]
pub fn rrelu_forward_train(
    r: &crate::rrelu::Rrelu,
    x: &[f32],
    y: &mut [f32],
    seed: u64,
    offset: u64,
) {
    check_len("input and output", x.len(), y.len());
    if serial(x.len()) {
        return r.forward_train(x, y, seed, offset);
    }
    x.par_chunks(CHUNK)
        .zip(y.par_chunks_mut(CHUNK))
        .enumerate()
        .for_each(|(i, (x, y))| {
            r.forward_train(x, y, seed, offset.wrapping_add((i * CHUNK) as u64))
        });
}

/// Parallel [`Rrelu::backward_train`](crate::rrelu::Rrelu::backward_train) (same slopes as
/// the single-thread call).
#[track_caller]
pub fn rrelu_backward_train(
    r: &crate::rrelu::Rrelu,
    x: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    seed: u64,
    offset: u64,
) {
    check_len("x and dx", x.len(), dx.len());
    check_len("dy and dx", dy.len(), dx.len());
    if serial(x.len()) {
        return r.backward_train(x, dy, dx, seed, offset);
    }
    x.par_chunks(CHUNK)
        .zip(dy.par_chunks(CHUNK))
        .zip(dx.par_chunks_mut(CHUNK))
        .enumerate()
        .for_each(|(i, ((x, dy), dx))| {
            r.backward_train(x, dy, dx, seed, offset.wrapping_add((i * CHUNK) as u64))
        });
}
