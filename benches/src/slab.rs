//! Several bench buffers of `n` f32 in one allocation, placed so that no two of them alias
//! modulo 4 KiB (see [`crate::copy`] for why that matters: two consecutive same-size heap
//! `Vec`s sit 16 bytes apart modulo 4096, which some CPUs punish on every load/store pair).

/// Distance in bytes, modulo 4096, between consecutive buffers of a [`Slab`]: with up to four
/// buffers, any two are at least 1 KiB apart modulo 4 KiB.
pub const STAGGER: usize = 1024;

/// `k` buffers of `n` f32 each, in one allocation; buffer `i` starts 64-byte aligned at a
/// distance of `i·STAGGER` bytes modulo 4096 from buffer 0.
pub struct Slab {
    buf: Vec<f32>,
    starts: Vec<usize>,
    n: usize,
}

impl Slab {
    /// A slab of `k ≤ 4` zeroed buffers of `n` elements.
    ///
    /// # Panics
    /// If `k > 4`.
    pub fn new(n: usize, k: usize) -> Slab {
        assert!(k <= 4096 / STAGGER, "at most {} buffers", 4096 / STAGGER);
        const PAGE: usize = 4096 / 4;
        let stride = n.next_multiple_of(PAGE) + PAGE; // whole pages, plus room for the stagger
        let buf = vec![0.0f32; 16 + k * stride];
        let base = ((64 - buf.as_ptr() as usize % 64) % 64) / 4;
        let starts = (0..k)
            .map(|i| base + i * stride + i * STAGGER / 4)
            .collect();
        Slab { buf, starts, n }
    }

    /// Number of elements of each buffer.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the buffers are empty.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// All buffers, mutably, in order.
    pub fn all_mut(&mut self) -> Vec<&mut [f32]> {
        let mut out = Vec::with_capacity(self.starts.len());
        let mut rest: &mut [f32] = &mut self.buf;
        let mut consumed = 0;
        for &s in &self.starts {
            let (_, tail) = rest.split_at_mut(s - consumed);
            let (this, tail) = tail.split_at_mut(self.n);
            out.push(this);
            rest = tail;
            consumed = s + self.n;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_disjoint_aligned_and_staggered() {
        for n in [0, 1, 1000, 1024, 4096, 5000] {
            let mut s = Slab::new(n, 4);
            assert_eq!(s.len(), n);
            let bufs = s.all_mut();
            assert_eq!(bufs.len(), 4);
            let addr: Vec<usize> = bufs.iter().map(|b| b.as_ptr() as usize).collect();
            for (i, b) in bufs.iter().enumerate() {
                assert_eq!(b.len(), n);
                assert_eq!(addr[i] % 64, (i * STAGGER) % 64);
                let d = (addr[i] - addr[0]) % 4096;
                assert_eq!(d, i * STAGGER, "buffer {i}");
                if i > 0 {
                    assert!(addr[i] >= addr[i - 1] + 4 * n, "overlap");
                }
            }
            for (i, b) in s.all_mut().into_iter().enumerate() {
                b.fill(i as f32);
            }
            for (i, b) in s.all_mut().into_iter().enumerate() {
                assert!(b.iter().all(|&v| v == i as f32));
            }
        }
    }
}
