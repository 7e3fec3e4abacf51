//! Shared helpers for the integration tests.
#![allow(dead_code)] // each test file uses a different subset

/// SplitMix64: a small deterministic generator for test data.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
    /// Roughly normal (a scaled sum of four uniforms).
    pub fn normal(&mut self) -> f64 {
        (0..4).map(|_| self.unit()).sum::<f64>() * 0.866
    }
    /// Mostly uniform in [-4, 4), with NaN, ±inf, ±0 and subnormals mixed in.
    pub fn f(&mut self) -> f32 {
        match self.next() % 23 {
            0 => f32::NAN,
            1 => f32::NEG_INFINITY,
            2 => f32::INFINITY,
            3 => -0.0,
            4 => 0.0,
            5 => f32::from_bits((self.next() as u32) & 0x807F_FFFF), // ±subnormal (or ±0)
            _ => ((self.next() >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 8.0,
        }
    }
}
