//! Summary of criterion results as markdown tables.
//!
//! Reads every `target/criterion/**/new/{benchmark,estimates}.json` (the latest run of each
//! benchmark), converts the **median** time and the benchmark's `Throughput::Elements` into
//! elements per nanosecond, and prints one section per kind of benchmark present:
//!
//! * **activations** (bench `activations`, groups `act/{activation}/{entry}/{n}`): per
//!   activation, entry point and size, our best ISA, the best peer crate (`tract`, `rten`,
//!   `candle`: any variant that is neither an ISA nor a plain loop) and the ratio, and the best
//!   textbook loop (`plain-loop`, `plain-loop-avx2`) and the ratio. Peers are compared within
//!   the entry point, so in-place peers (tract) appear on `fwd-inplace` rows against our
//!   in-place call;
//! * **multi-core scaling** (bench `parallel`, group `parallel/{n}`, variants `{act}-1t` and
//!   `{act}-par`) and the **per-call overhead** (group `overhead/16`, ns per call);
//! * **math core** (bench `math`, group `{func}/{n}`, variant = an ISA name (`avx2`), an ISA
//!   name + `-inplace`, `plain-loop`, or anything else, listed under "others"), and the copy
//!   baselines (group `copy/{n}`: `copy`, `copy-4k-alias`, `loop-copy` and `nt-copy`).

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
/// Prefix of the activations bench's groups (`act/{activation}/{entry}/{n}`).
pub const ACT_PREFIX: &str = "act/";
/// Entry points of the activations bench, in display order.
pub const ACT_ENTRIES: [&str; 4] = ["fwd", "fwd-inplace", "bwd", "fwd-deriv"];
/// Group prefix of the parallel bench (`parallel/{n}`).
pub const PARALLEL_PREFIX: &str = "parallel/";
/// Group prefix of the per-call overhead benchmarks (`overhead/{n}`).
pub const OVERHEAD_PREFIX: &str = "overhead/";

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

/// The criterion directory of a running bench binary: `$CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else `criterion` next to the `release`/`debug` directory
/// the binary lives in (`target/release/deps/activations-*` -> `target/criterion`, where
/// criterion writes when run by `cargo bench`), else [`default_criterion_dir`].
pub fn criterion_dir_of_bench() -> PathBuf {
    if let Some(h) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(h);
    }
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(t).join("criterion");
    }
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(4) {
            if dir.join("criterion").is_dir() {
                return dir.join("criterion");
            }
        }
    }
    default_criterion_dir()
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

/// Renders the markdown summary of `records`: one section per kind of benchmark present.
pub fn render(records: &[Record]) -> String {
    let is = |r: &&Record, p: &str| r.group.starts_with(p);
    let act: Vec<&Record> = records.iter().filter(|r| is(r, ACT_PREFIX)).collect();
    let par: Vec<&Record> = records
        .iter()
        .filter(|r| is(r, PARALLEL_PREFIX) || is(r, OVERHEAD_PREFIX))
        .collect();
    let math: Vec<&Record> = records
        .iter()
        .filter(|r| !is(r, ACT_PREFIX) && !is(r, PARALLEL_PREFIX) && !is(r, OVERHEAD_PREFIX))
        .collect();
    // copy_from_slice rate per size, for the activations' "vs copy" column.
    let copy_rates: BTreeMap<u64, f64> = records
        .iter()
        .filter(|r| r.variant == "copy")
        .filter_map(|r| {
            let (f, n) = split_group(&r.group)?;
            (f == COPY_GROUP).then_some((n, r.elem_per_ns()?))
        })
        .collect();
    let mut sections = Vec::new();
    if !act.is_empty() {
        sections.push(render_activations(&act, &copy_rates));
    }
    if !par.is_empty() {
        sections.push(render_parallel(&par));
    }
    if !math.is_empty() {
        sections.push(render_math(&math));
    }
    sections.join("\n")
}

/// Row-wise activations (bench ids `{name}-r{row_len}`), in display order after the
/// elementwise ones.
const ROW_ACTIVATIONS: [&str; 3] = ["softmax", "log_softmax", "softmin"];

/// Sort key of an activation id: `registry::ALL` order, then the softmax family by row length,
/// then the rest by name.
fn act_rank(id: &str) -> (usize, u64, String) {
    let all = activation_kernels::registry::ALL;
    if let Some(i) = all.iter().position(|a| a.info().name == id) {
        return (i, 0, id.to_owned());
    }
    if let Some((base, row)) = id.rsplit_once("-r")
        && let (Some(i), Ok(row)) = (
            ROW_ACTIVATIONS.iter().position(|r| *r == base),
            row.parse::<u64>(),
        )
    {
        return (all.len() + i, row, id.to_owned());
    }
    (usize::MAX, 0, id.to_owned())
}

fn entry_rank(entry: &str) -> (usize, String) {
    let i = ACT_ENTRIES.iter().position(|e| *e == entry);
    (i.unwrap_or(usize::MAX), entry.to_owned())
}

/// Splits `act/{activation}/{entry}/{n}`.
fn split_act_group(group: &str) -> Option<(&str, &str, u64)> {
    let rest = group.strip_prefix(ACT_PREFIX)?;
    let (rest, n) = rest.rsplit_once('/')?;
    let (act, entry) = rest.split_once('/')?;
    Some((act, entry, n.parse().ok()?))
}

/// Whether a variant is a textbook loop (`plain-loop`, `plain-loop-avx2`, ...).
fn is_plain(variant: &str) -> bool {
    variant.starts_with(PLAIN_LOOP)
}

fn is_isa(variant: &str) -> bool {
    variant.parse::<Isa>().is_ok()
}

/// The fastest of `variants` accepted by `keep`, as (elements/ns, variant).
fn best_of<'a>(
    variants: &BTreeMap<&'a str, f64>,
    keep: impl Fn(&str) -> bool,
) -> Option<(f64, &'a str)> {
    variants
        .iter()
        .filter(|(v, _)| keep(v))
        .map(|(v, r)| (*r, *v))
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

/// Rows of the activations table keyed by (activation, n, entry); each maps variant -> elem/ns.
type ActTable<'a> = BTreeMap<((usize, u64, String), u64, (usize, String)), BTreeMap<&'a str, f64>>;

/// The activations section; `copy` maps n to the `copy_from_slice` rate (`copy/{n}`, variant
/// `copy`), shown as a last column when present.
fn render_activations(records: &[&Record], copy: &BTreeMap<u64, f64>) -> String {
    let mut table: ActTable<'_> = BTreeMap::new();
    for r in records {
        if let (Some((a, e, n)), Some(v)) = (split_act_group(&r.group), r.elem_per_ns()) {
            table
                .entry((act_rank(a), n, entry_rank(e)))
                .or_default()
                .insert(&r.variant, v);
        }
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Activations: elements per nanosecond (median), single thread. `ours`: our fastest ISA; \
         `best peer`: the fastest peer crate on the same entry point (tract works in place only, \
         so it appears on `fwd-inplace` rows; candle's ops allocate their result); `plain loop`: \
         the faster textbook scalar loop (`(avx2)`, `(avx512)`: the build with those features enabled).{}",
        if copy.is_empty() {
            ""
        } else {
            " `ours / copy`: against `copy_from_slice` of the same size (`copy/{n}`)."
        }
    );
    let _ = writeln!(s);
    let with_copy = !copy.is_empty();
    let _ = writeln!(
        s,
        "| activation | entry | n | ours (ISA) | best peer | ours / peer | plain loop | ours / plain |{}",
        if with_copy { " ours / copy |" } else { "" }
    );
    let _ = writeln!(
        s,
        "|---|---|--:|--:|--:|--:|--:|--:|{}",
        if with_copy { "--:|" } else { "" }
    );
    for (((_, _, a), n, (_, e)), m) in &table {
        let ours = best_of(m, is_isa);
        let peer = best_of(m, |v| !is_isa(v) && !is_plain(v));
        let plain = best_of(m, is_plain);
        let o = ours.map(|o| o.0);
        let fmt_ours = match ours {
            Some((r, isa)) => format!("{} ({isa})", rate(Some(r))),
            None => "–".into(),
        };
        let fmt_peer = match peer {
            Some((r, p)) => format!("{p} {}", rate(Some(r))),
            None => "–".into(),
        };
        let fmt_plain = match plain {
            Some((r, v)) => match v.strip_prefix(PLAIN_LOOP).and_then(|t| t.strip_prefix('-')) {
                Some(build) => format!("{} ({build})", rate(Some(r))),
                None => rate(Some(r)),
            },
            None => "–".into(),
        };
        let _ = write!(
            s,
            "| {a} | {e} | {n} | {fmt_ours} | {fmt_peer} | {} | {fmt_plain} | {} |",
            ratio(o, peer.map(|p| p.0), "x"),
            ratio(o, plain.map(|p| p.0), "x"),
        );
        if with_copy {
            let _ = write!(s, " {} |", ratio(o, copy.get(n).copied(), "x"));
        }
        let _ = writeln!(s);
    }
    s
}

/// (n, activation) -> (1 thread, rayon pool) elements/ns.
type Scaling<'a> = BTreeMap<(u64, &'a str), (Option<f64>, Option<f64>)>;

/// The multi-core scaling and per-call overhead section.
fn render_parallel(records: &[&Record]) -> String {
    // (n, activation) -> (1t, par)
    let mut scaling: Scaling<'_> = BTreeMap::new();
    let mut overhead: BTreeMap<(u64, &str), f64> = BTreeMap::new();
    for r in records {
        if let Some(n) = r.group.strip_prefix(PARALLEL_PREFIX) {
            let (Ok(n), Some(v)) = (n.parse::<u64>(), r.elem_per_ns()) else {
                continue;
            };
            if let Some(a) = r.variant.strip_suffix("-1t") {
                scaling.entry((n, a)).or_default().0 = Some(v);
            } else if let Some(a) = r.variant.strip_suffix("-par") {
                scaling.entry((n, a)).or_default().1 = Some(v);
            }
        } else if let Some(n) = r.group.strip_prefix(OVERHEAD_PREFIX)
            && let Ok(n) = n.parse::<u64>()
        {
            overhead.insert((n, &r.variant), r.median_ns);
        }
    }
    let mut s = String::new();
    if !scaling.is_empty() {
        let threads = std::thread::available_parallelism().map_or(0, |t| t.get());
        let _ = writeln!(
            s,
            "Multi-core scaling (`activation_kernels::par`, rayon default pool: one thread per \
             core, {threads} here), forward out of place, elements per nanosecond (median):"
        );
        let _ = writeln!(s);
        let _ = writeln!(s, "| activation | n | 1 thread | rayon pool | speed-up |");
        let _ = writeln!(s, "|---|--:|--:|--:|--:|");
        for ((n, a), (one, par)) in &scaling {
            let _ = writeln!(
                s,
                "| {a} | {n} | {} | {} | {} |",
                rate(*one),
                rate(*par),
                ratio(*par, *one, "x")
            );
        }
    }
    if !overhead.is_empty() {
        if !s.is_empty() {
            let _ = writeln!(s);
        }
        let _ = writeln!(s, "Per-call cost (`forward`, best ISA), median:");
        let _ = writeln!(s);
        let _ = writeln!(s, "| activation | n | ns per call |");
        let _ = writeln!(s, "|---|--:|--:|");
        for ((n, a), ns) in &overhead {
            let _ = writeln!(s, "| {a} | {n} | {ns:.1} |");
        }
    }
    s
}

/// The math-core and copy-baseline section.
fn render_math(records: &[&Record]) -> String {
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
    let any_functions = table.keys().any(|((_, f), _)| f != COPY_GROUP);
    if any_functions {
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
    }
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
        if any_functions {
            let _ = writeln!(s);
        }
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
        assert!(!s.contains("Activations"), "{s}");
    }

    #[test]
    fn renders_activation_rows_with_best_peer_and_plain_loop() {
        let rs = [
            rec("act/sigmoid/fwd-inplace/4096", "scalar", 4096, 4096.0),
            rec("act/sigmoid/fwd-inplace/4096", "avx2", 4096, 512.0),
            rec("act/sigmoid/fwd-inplace/4096", "tract", 4096, 1024.0),
            rec("act/sigmoid/fwd-inplace/4096", "rten", 4096, 2048.0),
            rec("act/sigmoid/fwd-inplace/4096", "plain-loop", 4096, 8192.0),
            rec(
                "act/sigmoid/fwd-inplace/4096",
                "plain-loop-avx2",
                4096,
                4096.0,
            ),
            rec("act/sigmoid/fwd/4096", "avx2", 4096, 1024.0),
            rec("act/sigmoid/fwd/4096", "plain-loop", 4096, 8192.0),
            rec("act/relu/bwd/262144", "avx2", 262144, 65536.0),
            rec("act/my_own/fwd/4096", "avx2", 4096, 4096.0),
            rec("act/softmax-r4096/fwd/4096", "avx2", 4096, 4096.0),
            rec("act/softmax-r128/fwd/4096", "avx2", 4096, 4096.0),
            rec("act/log_softmax-r128/fwd/4096", "avx2", 4096, 4096.0),
            rec("exp/4096", "avx2", 4096, 1024.0),
        ];
        let s = render(&rs);
        assert!(
            s.contains("| sigmoid | fwd-inplace | 4096 | 8.00 (avx2) | tract 4.00 | 2.00x | 1.00 (avx2) | 8.00x |"),
            "{s}"
        );
        assert!(
            s.contains("| sigmoid | fwd | 4096 | 4.00 (avx2) | – | – | 0.500 | 8.00x |"),
            "{s}"
        );
        assert!(
            s.contains("| relu | bwd | 262144 | 4.00 (avx2) | – | – | – | – |"),
            "{s}"
        );
        // Registry order (relu before sigmoid), entries in order, unknown names last.
        let pos = |p: &str| s.find(p).unwrap_or_else(|| panic!("{p} in {s}"));
        assert!(pos("| relu |") < pos("| sigmoid | fwd |"));
        assert!(pos("| sigmoid | fwd |") < pos("| sigmoid | fwd-inplace |"));
        assert!(pos("| sigmoid |") < pos("| softmax-r128 |"));
        assert!(pos("| softmax-r128 |") < pos("| softmax-r4096 |"));
        assert!(pos("| softmax-r4096 |") < pos("| log_softmax-r128 |"));
        assert!(pos("| log_softmax-r128 |") < pos("| my_own |"));
        // The math table is a separate section and holds no activation rows.
        assert!(
            pos("| exp | 4096 | 4.00 (avx2) |") > pos("| my_own |"),
            "{s}"
        );
        assert!(!s.contains("| act/"), "{s}");
    }

    #[test]
    fn activation_rows_compare_with_copy_when_present() {
        let rs = [
            rec("act/relu/fwd/16777216", "avx2", 16777216, 16777216.0),
            rec("act/relu/fwd/4096", "avx2", 4096, 1024.0),
            rec("copy/16777216", "copy", 16777216, 8388608.0),
            rec("copy/16777216", "nt-copy", 16777216, 4194304.0),
        ];
        let s = render(&rs);
        assert!(
            s.contains("| relu | fwd | 16777216 | 1.00 (avx2) | – | – | – | – | 0.50x |"),
            "{s}"
        );
        assert!(
            s.contains("| relu | fwd | 4096 | 4.00 (avx2) | – | – | – | – | – |"),
            "{s}"
        );
        assert!(s.contains("| 16777216 | 2.00 | – | – | 4.00 |"), "{s}");
        assert!(!s.contains("| function |"), "{s}");
    }

    #[test]
    fn renders_scaling_and_overhead() {
        let rs = [
            rec("parallel/16777216", "swish-1t", 16777216, 16777216.0),
            rec("parallel/16777216", "swish-par", 16777216, 8388608.0),
            rec("overhead/16", "relu", 16, 6.25),
        ];
        let s = render(&rs);
        assert!(
            s.contains("| swish | 16777216 | 1.00 | 2.00 | 2.00x |"),
            "{s}"
        );
        assert!(s.contains("| relu | 16 | 6.2 |"), "{s}");
        assert!(!s.contains("ours / copy"), "{s}");
        assert!(!s.contains("| function |"), "{s}");
    }
}
