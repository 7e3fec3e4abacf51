//! Summary of criterion results as a markdown table.
//!
//! Reads every `target/criterion/**/new/{benchmark,estimates}.json` (the latest run of each
//! benchmark), converts the **median** time and the benchmark's `Throughput::Elements` into
//! elements per nanosecond, and prints, per function and size, our best ISA next to the plain
//! scalar loop and the copy baselines. Benchmarks are keyed by their ids (see the crate docs):
//! group `{func}/{n}`, variant = an ISA name (`avx2`), an ISA name + `-inplace`, `plain-loop`,
//! or anything else (a peer crate, listed under "others"); group `copy/{n}` holds `copy`,
//! `copy-4k-alias`, `loop-copy` and `nt-copy`.

use activation_kernels::Isa;
use activation_kernels::math::MathFn;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The group holding the copy baselines (`copy/{n}`).
pub const COPY_GROUP: &str = "copy";
/// Variant name of the plain scalar Rust loop.
pub const PLAIN_LOOP: &str = "plain-loop";
/// Suffix of in-place variants (`avx2-inplace`).
pub const INPLACE_SUFFIX: &str = "-inplace";

/// One benchmark's latest result.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Criterion group id, e.g. `exp/4096`.
    pub group: String,
    /// Function id (and parameter, if any) inside the group, e.g. `avx2`.
    pub variant: String,
    /// `Throughput::Elements`, if the benchmark declared it.
    pub elements: Option<u64>,
    /// Median time per iteration, nanoseconds.
    pub median_ns: f64,
}

impl Record {
    /// Elements per nanosecond (median), if the benchmark has an element throughput.
    pub fn elem_per_ns(&self) -> Option<f64> {
        Some(self.elements? as f64 / self.median_ns)
    }
}

/// Parses one benchmark's `benchmark.json` and `estimates.json`.
pub fn parse_record(benchmark_json: &str, estimates_json: &str) -> Option<Record> {
    let b: Value = serde_json::from_str(benchmark_json).ok()?;
    let e: Value = serde_json::from_str(estimates_json).ok()?;
    let group = b.get("group_id")?.as_str()?.to_owned();
    let parts: Vec<&str> = ["function_id", "value_str"]
        .iter()
        .filter_map(|k| b.get(*k).and_then(Value::as_str))
        .collect();
    let elements = b
        .get("throughput")
        .and_then(|t| t.get("Elements"))
        .and_then(Value::as_u64);
    let median_ns = e.get("median")?.get("point_estimate")?.as_f64()?;
    Some(Record {
        group,
        variant: parts.join("/"),
        elements,
        median_ns,
    })
}

/// Where criterion writes its results when nothing is given on the command line:
/// `$CARGO_TARGET_DIR/criterion`, else the `target` directory this binary was built into,
/// else `<workspace>/target/criterion`.
pub fn default_criterion_dir() -> PathBuf {
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(t).join("criterion");
    }
    // target/release/summary -> target/criterion
    if let Ok(exe) = std::env::current_exe()
        && let Some(target) = exe.parent().and_then(Path::parent)
        && target.join("criterion").is_dir()
    {
        return target.join("criterion");
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/criterion")
}

/// Every benchmark result under `dir` (criterion's output directory), in no particular order.
pub fn collect(dir: &Path) -> std::io::Result<Vec<Record>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let p = entry?.path();
            if !p.is_dir() {
                continue;
            }
            if p.file_name().is_some_and(|n| n == "new") {
                let b = std::fs::read_to_string(p.join("benchmark.json"));
                let e = std::fs::read_to_string(p.join("estimates.json"));
                if let (Ok(b), Ok(e)) = (b, e)
                    && let Some(r) = parse_record(&b, &e)
                {
                    out.push(r);
                }
            } else {
                stack.push(p);
            }
        }
    }
    Ok(out)
}

/// Splits a group id `func/n` into its parts.
fn split_group(group: &str) -> Option<(&str, u64)> {
    let (f, n) = group.rsplit_once('/')?;
    Some((f, n.parse().ok()?))
}

/// Sort key for function names: the math core in [`MathFn::ALL`] order, then the rest by name.
fn func_rank(name: &str) -> (usize, String) {
    let i = MathFn::ALL.iter().position(|f| f.name() == name);
    (i.unwrap_or(usize::MAX), name.to_owned())
}

fn rate(v: Option<f64>) -> String {
    match v {
        None => "–".into(),
        Some(v) if v >= 10.0 => format!("{v:.1}"),
        Some(v) if v >= 1.0 => format!("{v:.2}"),
        Some(v) => format!("{v:.3}"),
    }
}

fn ratio(a: Option<f64>, b: Option<f64>, suffix: &str) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}{suffix}", a / b),
        _ => "–".into(),
    }
}

/// The fastest variant among those whose name, after removing `suffix`, is an ISA name.
fn best_isa(variants: &BTreeMap<&str, f64>, suffix: &str) -> Option<(f64, String)> {
    variants
        .iter()
        .filter_map(|(v, &r)| {
            let isa: Isa = v.strip_suffix(suffix).unwrap_or(v).parse().ok()?;
            (suffix.is_empty() != v.ends_with(INPLACE_SUFFIX)).then(|| (r, isa.name().to_owned()))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

/// Rows keyed by (function sort key, n); each maps variant -> elements/ns.
type Table<'a> = BTreeMap<((usize, String), u64), BTreeMap<&'a str, f64>>;

/// Renders the markdown summary of `records`.
pub fn render(records: &[Record]) -> String {
    // (func, n) -> variant -> elem/ns
    let mut table: Table<'_> = BTreeMap::new();
    for r in records {
        if let (Some((f, n)), Some(v)) = (split_group(&r.group), r.elem_per_ns()) {
            table
                .entry((func_rank(f), n))
                .or_default()
                .insert(&r.variant, v);
        }
    }
    let copy = |n: u64, variant: &str| {
        table
            .get(&(func_rank(COPY_GROUP), n))
            .and_then(|m| m.get(variant).copied())
    };
    let known = |v: &str| {
        v == PLAIN_LOOP
            || v.strip_suffix(INPLACE_SUFFIX)
                .unwrap_or(v)
                .parse::<Isa>()
                .is_ok()
    };
    let any_others = table
        .iter()
        .any(|(((_, f), _), m)| f != COPY_GROUP && m.keys().any(|v| !known(v)));

    let mut s = String::new();
    let _ = writeln!(
        s,
        "Elements per nanosecond (median), single thread; `best` is our fastest ISA out of place."
    );
    let _ = writeln!(s);
    let _ = write!(
        s,
        "| function | n | best (ISA) | in-place best | plain loop | best / plain | loop-copy | best / loop-copy |"
    );
    let _ = writeln!(s, "{}", if any_others { " others |" } else { "" });
    let _ = write!(s, "|---|--:|--:|--:|--:|--:|--:|--:|");
    let _ = writeln!(s, "{}", if any_others { "---|" } else { "" });
    for (((_, f), n), m) in &table {
        if f == COPY_GROUP {
            continue;
        }
        let best = best_isa(m, "");
        let inplace = best_isa(m, INPLACE_SUFFIX);
        let plain = m.get(PLAIN_LOOP).copied();
        let lc = copy(*n, "loop-copy");
        let b = best.as_ref().map(|b| b.0);
        let with_isa = |x: Option<(f64, String)>| match x {
            Some((r, isa)) => format!("{} ({isa})", rate(Some(r))),
            None => "–".into(),
        };
        let _ = write!(
            s,
            "| {f} | {n} | {} | {} | {} | {} | {} | {} |",
            with_isa(best),
            with_isa(inplace),
            rate(plain),
            ratio(b, plain, "x"),
            rate(lc),
            ratio(b, lc, ""),
        );
        if any_others {
            let others: Vec<String> = m
                .iter()
                .filter(|(v, _)| !known(v))
                .map(|(v, r)| format!("{v} {}", rate(Some(*r))))
                .collect();
            let _ = write!(s, " {} |", others.join(", "));
        }
        let _ = writeln!(s);
    }

    let sizes: Vec<u64> = table
        .keys()
        .filter(|((_, f), _)| f == COPY_GROUP)
        .map(|(_, n)| *n)
        .collect();
    if !sizes.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "Copy baselines (elements per nanosecond, median):");
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "| n | copy_from_slice (`copy`) | copy_from_slice, dst 16 B mod 4 KiB after src (`copy-4k-alias`) | element loop (`loop-copy`) | streaming stores (`nt-copy`) |"
        );
        let _ = writeln!(s, "|--:|--:|--:|--:|--:|");
        for n in sizes {
            let _ = writeln!(
                s,
                "| {n} | {} | {} | {} | {} |",
                rate(copy(n, "copy")),
                rate(copy(n, "copy-4k-alias")),
                rate(copy(n, "loop-copy")),
                rate(copy(n, "nt-copy")),
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const EST: &str = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":3.0},"point_estimate":2.0,"standard_error":0.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":3.0},"point_estimate":1024.0,"standard_error":0.1}}"#;

    fn rec(group: &str, variant: &str, elements: u64, median_ns: f64) -> Record {
        Record {
            group: group.into(),
            variant: variant.into(),
            elements: Some(elements),
            median_ns,
        }
    }

    #[test]
    fn parses_criterion_json() {
        let b = r#"{"group_id":"exp/4096","function_id":"avx2","value_str":null,"throughput":{"Elements":4096},"full_id":"exp/4096/avx2","directory_name":"exp_4096/avx2","title":"exp/4096/avx2"}"#;
        let r = parse_record(b, EST).unwrap();
        assert_eq!(r, rec("exp/4096", "avx2", 4096, 1024.0));
        assert_eq!(r.elem_per_ns(), Some(4.0));
        let no_tp = r#"{"group_id":"g","function_id":null,"value_str":null,"throughput":null}"#;
        assert_eq!(parse_record(no_tp, EST).unwrap().elem_per_ns(), None);
    }

    #[test]
    fn renders_best_isa_ratios_and_others() {
        let rs = [
            rec("exp/4096", "scalar", 4096, 4096.0),
            rec("exp/4096", "avx2", 4096, 1024.0),
            rec("exp/4096", "avx2-inplace", 4096, 2048.0),
            rec("exp/4096", "plain-loop", 4096, 8192.0),
            rec("exp/4096", "peer", 4096, 4096.0),
            rec("copy/4096", "loop-copy", 4096, 512.0),
            rec("copy/4096", "copy", 4096, 8192.0),
        ];
        let s = render(&rs);
        assert!(
            s.contains("| exp | 4096 | 4.00 (avx2) | 2.00 (avx2) | 0.500 | 8.00x | 8.00 | 0.50 | peer 1.00 |"),
            "{s}"
        );
        assert!(s.contains("| 4096 | 0.500 | – | 8.00 | – |"), "{s}");
    }
}
