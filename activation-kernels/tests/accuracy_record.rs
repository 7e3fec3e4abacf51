//! The committed accuracy record (ACCURACY.md) must agree with the bounds the code declares
//! and asserts: every math function and every built-in activation (forward and derivative) has
//! a row covering all 2^32 inputs on scalar, AVX2 and AVX-512, with the same bound, within it,
//! and bit-identical across those ISAs.

use activation_kernels::accuracy::MATH;
use activation_kernels::registry::ALL;

fn rows() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ACCURACY.md"))
        .expect("ACCURACY.md in the crate");
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| function") && !l.contains("---"))
        .map(|l| {
            l.split('|')
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn row<'a>(rows: &'a [Vec<String>], name: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[1] == name)
        .unwrap_or_else(|| panic!("ACCURACY.md has no row for `{name}`"))
}

fn check(r: &[String], name: &str, bound: f64, min_inputs: u64) {
    // | function | ISAs | inputs | max ULP | worst input | > 1 ULP | bound | bit-identical | time |
    let inputs: u64 = r[3].parse().unwrap();
    assert!(inputs >= min_inputs, "`{name}`: only {inputs} inputs swept");
    let isas: Vec<&str> = r[2].split('+').collect();
    for isa in ["scalar", "avx2", "avx512"] {
        assert!(
            isas.contains(&isa),
            "`{name}`: the record does not cover {isa}"
        );
    }
    let measured: f64 = r[4].parse().unwrap();
    let recorded_bound: f64 = r[7].split_whitespace().next().unwrap().parse().unwrap();
    assert_eq!(
        recorded_bound, bound,
        "`{name}`: recorded bound differs from the declared one"
    );
    assert!(
        measured <= bound && r[7].ends_with("ok"),
        "`{name}`: {measured} > {bound}"
    );
    assert_eq!(r[8], "yes", "`{name}`: not bit-identical across ISAs");
}

#[test]
fn accuracy_md_agrees_with_the_declared_bounds() {
    let rows = rows();
    for m in MATH {
        let r = row(&rows, m.func.name());
        check(r, m.func.name(), m.bound_ulp, 1 << 32);
        let recorded: f64 = r[4].parse().unwrap();
        assert_eq!(
            Some(recorded),
            m.measured_ulp,
            "`{}`: accuracy.rs and ACCURACY.md differ",
            m.func.name()
        );
    }
    for a in ALL {
        let info = a.info();
        check(row(&rows, info.name), info.name, info.forward_ulp, 1 << 32);
        let d = format!("{}'", info.name);
        check(row(&rows, &d), &d, info.derivative_ulp, 1 << 32);
    }
}
