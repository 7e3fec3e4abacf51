//! Parallel slice functions (cargo feature `rayon`, off by default).
//!
//! Each function is the method of the same name with the activation as its first argument
//! (`par::forward(&a, x, y)` is `a.forward(x, y)` on the rayon pool), generic over the element
//! type like the method; the row-wise functions are `rows_forward`, `rows_forward_in_place` and
//! `rows_backward_from_output`, and the shaped ones `prelu_forward`, `prelu_forward_in_place`,
//! `maxout_forward`, `maxout_backward`, `rrelu_train_forward` and `rrelu_train_backward` (each
//! task takes whole channel blocks or groups, so the results are the single-thread call's).
//! PReLU's backward has no parallel form: its slope gradient is one reduction over the whole
//! slice.
//!
//! Large slices are cut into chunks of [`CHUNK`] elements (256 KiB of f32: each chunk stays in
//! a core's L2 while it is read and written) and processed on the rayon thread pool. Every
//! kernel is elementwise, so the results are **bit-identical** to the single-thread call for
//! any length, chunking and thread count. Slices shorter than two chunks run on the calling
//! thread.
//!
//! ```
//! # #[cfg(feature = "rayon")] {
//! use activation_kernels::{Activation, activations::Swish, par};
//! let x = vec![0.5f32; 1 << 20];
//! let mut y = vec![0.0f32; x.len()];
//! par::forward(&Swish::default(), &x, &mut y);
//! let mut serial = vec![0.0f32; x.len()];
//! Swish::default().forward(&x, &mut serial);
//! assert_eq!(y, serial);
//! # }
//! ```

use crate::element::Element;
use crate::kernel::check_len;
use crate::{Activation, OutputDerivative};
use rayon::prelude::*;

/// Elements per parallel task.
///
/// ```
/// use activation_kernels::par::CHUNK;
///
/// assert_eq!(CHUNK * core::mem::size_of::<f32>(), 256 * 1024);
/// ```
pub const CHUNK: usize = 1 << 16;

fn serial(n: usize) -> bool {
    n < 2 * CHUNK || rayon::current_num_threads() < 2
}

/// Parallel [`Activation::forward`]. Panics on a length mismatch.
///
/// ```
/// use activation_kernels::{Activation, activations::Gelu, par};
///
/// let x: Vec<f32> = (0..300_000).map(|i| (i % 1000) as f32 / 100.0 - 5.0).collect();
/// let (mut y, mut serial) = (vec![0.0f32; x.len()], vec![0.0f32; x.len()]);
/// par::forward(&Gelu, &x, &mut y);
/// Gelu.forward(&x, &mut serial);
/// assert_eq!(y, serial);
/// ```
#[track_caller]
pub fn forward<A: Activation, T: Element>(a: &A, x: &[T], y: &mut [T]) {
    check_len("input and output", x.len(), y.len());
    if serial(x.len()) {
        return a.forward(x, y);
    }
    x.par_chunks(CHUNK)
        .zip(y.par_chunks_mut(CHUNK))
        .for_each(|(x, y)| a.forward(x, y));
}

/// Parallel [`Activation::forward_in_place`].
///
/// ```
/// use activation_kernels::{activations::Relu, par};
///
/// let mut x: Vec<f32> = (0..300_000).map(|i| i as f32 - 150_000.0).collect();
/// par::forward_in_place(&Relu, &mut x);
/// assert!(x.iter().enumerate().all(|(i, &y)| y == (i as f32 - 150_000.0).max(0.0)));
/// ```
pub fn forward_in_place<A: Activation, T: Element>(a: &A, x: &mut [T]) {
    if serial(x.len()) {
        return a.forward_in_place(x);
    }
    x.par_chunks_mut(CHUNK).for_each(|x| a.forward_in_place(x));
}

/// Parallel [`Activation::derivative`]. Panics on a length mismatch.
///
/// ```
/// use activation_kernels::{Activation, activations::Tanh, par};
///
/// let x: Vec<f32> = (0..300_000).map(|i| (i % 777) as f32 / 77.0 - 5.0).collect();
/// let (mut d, mut serial) = (vec![0.0f32; x.len()], vec![0.0f32; x.len()]);
/// par::derivative(&Tanh, &x, &mut d);
/// Tanh.derivative(&x, &mut serial);
/// assert_eq!(d, serial);
/// ```
#[track_caller]
pub fn derivative<A: Activation, T: Element>(a: &A, x: &[T], d: &mut [T]) {
    check_len("input and output", x.len(), d.len());
    if serial(x.len()) {
        return a.derivative(x, d);
    }
    x.par_chunks(CHUNK)
        .zip(d.par_chunks_mut(CHUNK))
        .for_each(|(x, d)| a.derivative(x, d));
}

/// Parallel [`Activation::backward`]. Panics on a length mismatch.
///
/// ```
/// use activation_kernels::{activations::Relu6, par};
///
/// let x: Vec<f32> = (0..300_000).map(|i| (i % 10) as f32 - 2.0).collect();
/// let dy = vec![2.0f32; x.len()];
/// let mut dx = vec![0.0f32; x.len()];
/// par::backward(&Relu6, &x, &dy, &mut dx);
/// assert!(x.iter().zip(&dx).all(|(&x, &g)| g == if x > 0.0 && x <= 6.0 { 2.0 } else { 0.0 }));
/// ```
#[track_caller]
pub fn backward<A: Activation, T: Element>(a: &A, x: &[T], dy: &[T], dx: &mut [T]) {
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
///
/// ```
/// use activation_kernels::{Activation, activations::Swish, par};
///
/// let silu = Swish::default();
/// let x: Vec<f32> = (0..300_000).map(|i| (i % 999) as f32 / 99.0 - 5.0).collect();
/// let n = x.len();
/// let (mut y, mut d) = (vec![0.0f32; n], vec![0.0f32; n]);
/// par::forward_with_derivative(&silu, &x, &mut y, &mut d);
/// let (mut y1, mut d1) = (vec![0.0f32; n], vec![0.0f32; n]);
/// silu.forward_with_derivative(&x, &mut y1, &mut d1);
/// assert!(y == y1 && d == d1);
/// ```
#[track_caller]
pub fn forward_with_derivative<A: Activation, T: Element>(
    a: &A,
    x: &[T],
    y: &mut [T],
    d: &mut [T],
) {
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

/// Parallel [`Activation::backward_in_place`]. Panics on a length mismatch.
///
/// ```
/// use activation_kernels::{activations::Relu, par};
///
/// let x: Vec<f64> = (0..300_000).map(|i| (i % 10) as f64 - 5.0).collect();
/// let mut g = vec![3.0f64; x.len()];
/// par::backward_in_place(&Relu, &x, &mut g);
/// assert!(x.iter().zip(&g).all(|(&x, &g)| g == if x > 0.0 { 3.0 } else { 0.0 }));
/// ```
#[track_caller]
pub fn backward_in_place<A: Activation, T: Element>(a: &A, x: &[T], g: &mut [T]) {
    check_len("x and gradient", x.len(), g.len());
    if serial(x.len()) {
        return a.backward_in_place(x, g);
    }
    x.par_chunks(CHUNK)
        .zip(g.par_chunks_mut(CHUNK))
        .for_each(|(x, g)| a.backward_in_place(x, g));
}

/// Parallel [`OutputDerivative::backward_from_output`]. Panics on a length mismatch.
///
/// ```
/// use activation_kernels::{Activation, OutputDerivative, activations::Sigmoid, par};
///
/// let x: Vec<f32> = (0..300_000).map(|i| (i % 91) as f32 / 9.0 - 5.0).collect();
/// let mut y = vec![0.0f32; x.len()];
/// Sigmoid.forward(&x, &mut y);
/// let dy = vec![1.0f32; x.len()];
/// let (mut dx, mut serial) = (vec![0.0f32; x.len()], vec![0.0f32; x.len()]);
/// par::backward_from_output(&Sigmoid, &y, &dy, &mut dx);
/// Sigmoid.backward_from_output(&y, &dy, &mut serial);
/// assert_eq!(dx, serial);
/// ```
#[track_caller]
pub fn backward_from_output<A: OutputDerivative, T: Element>(
    a: &A,
    y: &[T],
    dy: &[T],
    dx: &mut [T],
) {
    check_len("y and dx", y.len(), dx.len());
    check_len("dy and dx", dy.len(), dx.len());
    if serial(y.len()) {
        return a.backward_from_output(y, dy, dx);
    }
    y.par_chunks(CHUNK)
        .zip(dy.par_chunks(CHUNK))
        .zip(dx.par_chunks_mut(CHUNK))
        .for_each(|((y, dy), dx)| a.backward_from_output(y, dy, dx));
}

/// Whole rows per task: about [`CHUNK`] elements, at least one row.
fn row_step(row_len: usize) -> usize {
    (CHUNK / row_len.max(1)).max(1) * row_len.max(1)
}

/// Parallel [`RowActivation::forward`](crate::rowwise::RowActivation::forward): whole rows
/// per task, so the results are bit-identical to the single-thread call. Panics like it.
///
/// ```
/// use activation_kernels::{par, rowwise::{RowActivation, Softmax}};
///
/// let row_len = 1000;
/// let x: Vec<f32> = (0..300 * row_len).map(|i| (i % 37) as f32 / 10.0).collect();
/// let (mut y, mut serial) = (vec![0.0f32; x.len()], vec![0.0f32; x.len()]);
/// par::rows_forward(&Softmax::new(), &x, &mut y, row_len);
/// Softmax::new().forward(&x, &mut serial, row_len);
/// assert_eq!(y, serial);
/// let row_sum: f32 = y[..row_len].iter().sum();
/// assert!((row_sum - 1.0).abs() < 1e-4);
/// ```
#[track_caller]
pub fn rows_forward<R: crate::rowwise::RowActivation + Sync, T: Element>(
    f: &R,
    x: &[T],
    y: &mut [T],
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

/// Parallel [`RowActivation::forward_in_place`](crate::rowwise::RowActivation::forward_in_place)
/// (whole rows per task; bit-identical to the single-thread call).
///
/// ```
/// use activation_kernels::{par, rowwise::{LogSoftmax, RowActivation}};
///
/// let row_len = 500;
/// let x: Vec<f64> = (0..400 * row_len).map(|i| (i % 23) as f64 / 4.0).collect();
/// let (mut a, mut b) = (x.clone(), x);
/// par::rows_forward_in_place(&LogSoftmax::new(), &mut a, row_len);
/// LogSoftmax::new().forward_in_place(&mut b, row_len);
/// assert_eq!(a, b);
/// ```
#[track_caller]
pub fn rows_forward_in_place<R: crate::rowwise::RowActivation + Sync, T: Element>(
    f: &R,
    x: &mut [T],
    row_len: usize,
) {
    crate::rowwise::check_rows(x.len(), row_len);
    if serial(x.len()) || row_len == 0 {
        return f.forward_in_place(x, row_len);
    }
    x.par_chunks_mut(row_step(row_len))
        .for_each(|x| f.forward_in_place(x, row_len));
}

/// Parallel [`RowActivation::backward_from_output`](crate::rowwise::RowActivation::backward_from_output) (whole rows
/// per task; bit-identical to the single-thread call).
///
/// ```
/// use activation_kernels::{par, rowwise::{RowActivation, Softmax}};
///
/// let row_len = 1000;
/// let x: Vec<f32> = (0..300 * row_len).map(|i| (i % 37) as f32 / 10.0).collect();
/// let mut y = vec![0.0f32; x.len()];
/// Softmax::new().forward(&x, &mut y, row_len);
/// let dy: Vec<f32> = (0..x.len()).map(|i| (i % 5) as f32).collect();
/// let (mut dx, mut serial) = (vec![0.0f32; x.len()], vec![0.0f32; x.len()]);
/// par::rows_backward_from_output(&Softmax::new(), &y, &dy, &mut dx, row_len);
/// Softmax::new().backward_from_output(&y, &dy, &mut serial, row_len);
/// assert_eq!(dx, serial);
/// ```
#[track_caller]
pub fn rows_backward_from_output<R: crate::rowwise::RowActivation + Sync, T: Element>(
    f: &R,
    y: &[T],
    dy: &[T],
    dx: &mut [T],
    row_len: usize,
) {
    check_len("y and dx", y.len(), dx.len());
    check_len("dy and dx", dy.len(), dx.len());
    crate::rowwise::check_rows(y.len(), row_len);
    if serial(y.len()) || row_len == 0 {
        return f.backward_from_output(y, dy, dx, row_len);
    }
    let step = row_step(row_len);
    y.par_chunks(step)
        .zip(dy.par_chunks(step))
        .zip(dx.par_chunks_mut(step))
        .for_each(|((y, dy), dx)| f.backward_from_output(y, dy, dx, row_len));
}

/// Parallel [`RreluTrain::forward`](crate::rrelu::RreluTrain::forward): each chunk takes the
/// slopes of its own global indices, so the results are those of the single-thread call.
///
/// ```
/// use activation_kernels::{par, rrelu::Rrelu};
///
/// let t = Rrelu::default().train(5, 0);
/// let x = vec![-1.0f32; 300_000];
/// let (mut y, mut serial) = (vec![0.0f32; x.len()], vec![0.0f32; x.len()]);
/// par::rrelu_train_forward(&t, &x, &mut y);
/// t.forward(&x, &mut serial);
/// assert_eq!(y, serial); // the same slopes, whatever the thread count
/// ```
#[track_caller]
pub fn rrelu_train_forward<T: Element>(t: &crate::rrelu::RreluTrain, x: &[T], y: &mut [T]) {
    check_len("input and output", x.len(), y.len());
    if serial(x.len()) {
        return t.forward(x, y);
    }
    x.par_chunks(CHUNK)
        .zip(y.par_chunks_mut(CHUNK))
        .enumerate()
        .for_each(|(i, (x, y))| t.skip((i * CHUNK) as u64).forward(x, y));
}

/// Parallel [`RreluTrain::backward`](crate::rrelu::RreluTrain::backward) (the slopes of the
/// single-thread call).
///
/// ```
/// use activation_kernels::{par, rrelu::Rrelu};
///
/// let r = Rrelu::default();
/// let x = vec![-1.0f32; 300_000];
/// let dy = vec![1.0f32; x.len()];
/// let mut dx = vec![0.0f32; x.len()];
/// par::rrelu_train_backward(&r.train(5, 10), &x, &dy, &mut dx);
/// assert_eq!((dx[0], dx[250_000]), (r.slope(5, 10), r.slope(5, 250_010)));
/// ```
#[track_caller]
pub fn rrelu_train_backward<T: Element>(
    t: &crate::rrelu::RreluTrain,
    x: &[T],
    dy: &[T],
    dx: &mut [T],
) {
    check_len("x and dx", x.len(), dx.len());
    check_len("dy and dx", dy.len(), dx.len());
    if serial(x.len()) {
        return t.backward(x, dy, dx);
    }
    x.par_chunks(CHUNK)
        .zip(dy.par_chunks(CHUNK))
        .zip(dx.par_chunks_mut(CHUNK))
        .enumerate()
        .for_each(|(i, ((x, dy), dx))| t.skip((i * CHUNK) as u64).backward(x, dy, dx));
}

/// Whole `unit`-element blocks per task: about [`CHUNK`] elements, at least one block.
fn block_step(unit: usize) -> usize {
    row_step(unit)
}

/// Parallel [`Prelu::forward`](crate::prelu::Prelu::forward) (whole `[channels, inner]`
/// blocks per task; bit-identical to the single-thread call). Panics like it.
///
/// ```
/// use activation_kernels::{par, prelu::Prelu};
///
/// let slopes = [0.1f32, 0.2, 0.3];
/// let p = Prelu::new(&slopes, 100).unwrap();
/// let x: Vec<f32> = (0..3 * 100 * 500).map(|i| (i % 7) as f32 - 3.0).collect();
/// let (mut y, mut serial) = (vec![0.0f32; x.len()], vec![0.0f32; x.len()]);
/// par::prelu_forward(&p, &x, &mut y);
/// p.forward(&x, &mut serial);
/// assert_eq!(y, serial);
/// ```
#[track_caller]
pub fn prelu_forward<T: Element>(p: &crate::prelu::Prelu<'_, T>, x: &[T], y: &mut [T]) {
    check_len("input and output", x.len(), y.len());
    let block = p.slopes().len() * p.inner();
    if serial(x.len()) || !x.len().is_multiple_of(block) {
        return p.forward(x, y);
    }
    let step = block_step(block);
    x.par_chunks(step)
        .zip(y.par_chunks_mut(step))
        .for_each(|(x, y)| p.forward(x, y));
}

/// Parallel [`Prelu::forward_in_place`](crate::prelu::Prelu::forward_in_place) (whole
/// channel blocks per task).
///
/// ```
/// use activation_kernels::{par, prelu::Prelu};
///
/// let slopes = [0.5f64, 0.25];
/// let p = Prelu::new(&slopes, 1).unwrap();
/// let x: Vec<f64> = (0..300_000).map(|i| (i % 9) as f64 - 4.0).collect();
/// let (mut a, mut b) = (x.clone(), x);
/// par::prelu_forward_in_place(&p, &mut a);
/// p.forward_in_place(&mut b);
/// assert_eq!(a, b);
/// ```
#[track_caller]
pub fn prelu_forward_in_place<T: Element>(p: &crate::prelu::Prelu<'_, T>, x: &mut [T]) {
    let block = p.slopes().len() * p.inner();
    if serial(x.len()) || !x.len().is_multiple_of(block) {
        return p.forward_in_place(x);
    }
    x.par_chunks_mut(block_step(block))
        .for_each(|x| p.forward_in_place(x));
}

/// Parallel [`Maxout::forward`](crate::maxout::Maxout::forward) (whole groups per task).
///
/// ```
/// use activation_kernels::{maxout::Maxout, par};
///
/// let m = Maxout::new(4).unwrap();
/// let x: Vec<f32> = (0..4 * 100_000).map(|i| ((i * 7) % 13) as f32).collect();
/// let (mut y, mut serial) = (vec![0.0f32; 100_000], vec![0.0f32; 100_000]);
/// par::maxout_forward(&m, &x, &mut y);
/// m.forward(&x, &mut serial);
/// assert_eq!(y, serial);
/// ```
#[track_caller]
pub fn maxout_forward<T: Element>(m: &crate::maxout::Maxout, x: &[T], y: &mut [T]) {
    let k = m.k();
    if serial(x.len()) || k.checked_mul(y.len()) != Some(x.len()) {
        return m.forward(x, y);
    }
    let groups = block_step(k) / k;
    x.par_chunks(groups * k)
        .zip(y.par_chunks_mut(groups))
        .for_each(|(x, y)| m.forward(x, y));
}

/// Parallel [`Maxout::backward`](crate::maxout::Maxout::backward) (whole groups per task).
///
/// ```
/// use activation_kernels::{maxout::Maxout, par};
///
/// let m = Maxout::new(2).unwrap();
/// let x: Vec<f32> = (0..300_000).map(|i| (i % 5) as f32).collect();
/// let dy = vec![1.0f32; 150_000];
/// let (mut dx, mut serial) = (vec![0.0f32; x.len()], vec![0.0f32; x.len()]);
/// par::maxout_backward(&m, &x, &dy, &mut dx);
/// m.backward(&x, &dy, &mut serial);
/// assert_eq!(dx, serial);
/// ```
#[track_caller]
pub fn maxout_backward<T: Element>(m: &crate::maxout::Maxout, x: &[T], dy: &[T], dx: &mut [T]) {
    let k = m.k();
    if serial(x.len()) || x.len() != dx.len() || k.checked_mul(dy.len()) != Some(x.len()) {
        return m.backward(x, dy, dx);
    }
    let groups = block_step(k) / k;
    x.par_chunks(groups * k)
        .zip(dy.par_chunks(groups))
        .zip(dx.par_chunks_mut(groups * k))
        .for_each(|((x, dy), dx)| m.backward(x, dy, dx));
}
