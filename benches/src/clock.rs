//! The calling thread's CPU time, for timing on a shared machine.
//!
//! Wall-clock timings on a busy 2-core VM include every time slice the benchmark thread spends
//! descheduled; the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`) does not. For single-threaded
//! kernels on an otherwise idle machine the two agree; under load only the CPU time stays
//! meaningful (caches still get evicted by whatever ran in between, so some noise remains).
//! On this sandboxed VM one reading costs ~600 ns (a real system call) with ~10 ns of jitter.

use std::time::Duration;

/// CPU time consumed so far by the calling thread, or `None` where the platform has no
/// per-thread CPU clock (non-Unix).
pub fn thread_cpu_time() -> Option<Duration> {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable `timespec`; `clock_gettime` writes only into it.
        let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        (r == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hint::black_box;

    #[test]
    fn thread_cpu_time_advances_with_work_and_not_with_sleep() {
        let Some(t0) = thread_cpu_time() else {
            return; // no per-thread clock on this platform
        };
        let mut x = 1.0f64;
        for i in 0..20_000_000u32 {
            x = black_box(x * 1.000_000_1 + f64::from(i & 1));
        }
        black_box(x);
        let t1 = thread_cpu_time().unwrap();
        assert!(
            t1 > t0 && t1 - t0 >= Duration::from_millis(1),
            "{t0:?} {t1:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
        let t2 = thread_cpu_time().unwrap();
        assert!(t2 >= t1);
        assert!(
            t2 - t1 < Duration::from_millis(100),
            "sleep counted: {:?}",
            t2 - t1
        );
    }
}
