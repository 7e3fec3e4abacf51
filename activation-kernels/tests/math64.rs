//! The f64 math core (`activation_kernels::math64`) against MPFR.
#![cfg(target_arch = "x86_64")]

#[path = "common/mpfr.rs"]
mod mpfr;
