//! The `ACTIVATION_KERNELS_ISA` variable caps a whole process: observed through the `report`
//! binary (`--print-isa`), which starts fresh for every value and prints the library's cap
//! warning, if any.

use activation_kernels::Isa;
use std::process::Command;

/// Runs the `report` binary; when cross-testing under qemu (the runner is exported by CI and
/// set in `.cargo/config.toml`), through the same runner, since the host cannot exec it.
fn report_command() -> Command {
    let bin = env!("CARGO_BIN_EXE_report");
    let runner = if cfg!(target_arch = "aarch64") {
        std::env::var("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER").ok()
    } else {
        None
    };
    match runner.as_deref().map(str::split_whitespace) {
        Some(mut parts) => {
            let mut c = Command::new(parts.next().expect("runner command"));
            c.args(parts).arg(bin);
            c
        }
        None => Command::new(bin),
    }
}

fn best_with_env(value: &str) -> (String, String) {
    let out = report_command()
        .arg("--print-isa")
        .env("ACTIVATION_KERNELS_ISA", value)
        .output()
        .expect("run report");
    assert!(out.status.success());
    (
        String::from_utf8(out.stdout).unwrap().trim().to_string(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn environment_variable_caps_the_whole_process() {
    let (isa, err) = best_with_env("scalar");
    assert_eq!(isa, "scalar");
    assert!(err.is_empty(), "{err}");
    let (isa, err) = best_with_env("bogus");
    assert_eq!(isa, Isa::detect_hardware().name());
    assert!(
        err.contains("ACTIVATION_KERNELS_ISA") && err.contains("bogus"),
        "{err}"
    );
    for req in Isa::ALL.into_iter().filter(|i| !i.is_available()) {
        let (isa, err) = best_with_env(req.name());
        assert!(isa.parse::<Isa>().unwrap().is_available(), "{req} -> {isa}");
        assert!(err.contains("does not support"), "{err}");
    }
}
