//! The committed accuracy record (ACCURACY.md) has a `NAME'(y)` row for every built-in
//! activation with `backward_from_output`: all 2^32 inputs, the declared derivative bound,
//! within it, and bit-identical across ISAs (the rows `sweep -- NAME'(y)` writes).

use activation_kernels::registry::ALL;

fn row(text: &str, name: &str) -> Option<Vec<String>> {
    text.lines()
        .filter(|l| l.starts_with("| "))
        .map(|l| {
            l.split('|')
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        })
        .find(|r| r[1] == name)
}

#[test]
fn every_output_derivative_has_an_exhaustive_row_within_its_bound() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ACCURACY.md"))
        .expect("ACCURACY.md in the crate");
    let mut checked = 0;
    for a in ALL.iter().filter(|a| a.info().from_output) {
        let info = a.info();
        let name = format!("{}'(y)", info.name);
        let r = row(&text, &name).unwrap_or_else(|| panic!("ACCURACY.md has no row `{name}`"));
        // | function | ISAs | inputs | max ULP | worst input | > 1 ULP | bound | bit-identical | time |
        assert_eq!(r[3], "4294967296", "`{name}`: not all 2^32 inputs");
        let isas: Vec<&str> = r[2].split('+').collect();
        for isa in ["scalar", "avx2", "avx512"] {
            assert!(
                isas.contains(&isa),
                "`{name}`: the record does not cover {isa}"
            );
        }
        let measured: f64 = r[4].parse().unwrap();
        let bound: f64 = r[7].split_whitespace().next().unwrap().parse().unwrap();
        assert_eq!(
            bound, info.derivative_ulp,
            "`{name}`: recorded bound differs"
        );
        assert!(
            measured <= bound && r[7].ends_with("ok"),
            "`{name}`: {measured} > {bound}"
        );
        assert_eq!(r[8], "yes", "`{name}`: not bit-identical across ISAs");
        checked += 1;
    }
    assert!(
        checked >= 10,
        "only {checked} activations with backward_from_output"
    );
}
