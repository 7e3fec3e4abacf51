#!/usr/bin/env python3
"""Assembles ACCURACY.md from the sweep tool's markdown output (docs/records/sweep-*.md).

Usage: python3 tools/make_accuracy_md.py MATH.md [MATH2.md ...] -- ACTIVATIONS.md [MORE.md ...] \
           [-- IDENTITY.md ...]
Later files override earlier rows of the same function (re-sweeps after a fix). Files after the
second `--` are `sweep --identity-only` outputs (every ISA against scalar, no reference): their
ISA list and bit-identity replace those of the measured row of the same name, and their time is
added to its time column.

The committed ACCURACY.md is
    T=docs/records/sweep-2026-11-23
    python3 tools/make_accuracy_md.py $T-part1.md $T-part2.md $T-part3-resweep.md \
        docs/records/sweep-2026-12-01-softplus.md -- \
        $T-activations-full.md $T-activations-resweep.md $T-activations-stride3.md \
        $T-activations-stride3b.md $T-activations-from-math.md $T-catalogue2.md \
        $T-activations-exhaustive.md $T-activations-from-output.md \
        docs/records/sweep-2026-12-01-general-relu.md \
        docs/records/sweep-2026-12-01-softsign.md \
        docs/records/sweep-2026-12-01-softplus.md -- \
        docs/records/sweep-2026-12-01-avx512-math.md \
        docs/records/sweep-2026-12-01-avx512-activations.md
"""
import sys, pathlib

def rows(paths):
    out = {}
    for p in paths:
        for line in pathlib.Path(p).read_text().splitlines():
            if line.startswith('| ') and not line.startswith('| function') and '---' not in line:
                out[line.split('|')[1].strip()] = line
    return out

args = sys.argv[1:] + ['--']
sep = args.index('--')
sep2 = args.index('--', sep + 1)
math, acts = rows(args[:sep]), rows(args[sep + 1:sep2])
# A math-group file may also hold activation rows (derivatives `NAME'`, `NAME'(y)`): not math.
math = {k: v for k, v in math.items() if "'" not in k}
identity = rows(args[sep2 + 1:-1] if sep2 + 1 < len(args) else [])

def merge(table):
    for name, line in table.items():
        idl = identity.get(name)
        if idl is None:
            continue
        c, ic = line.split('|'), idl.split('|')
        # columns: '', function, ISAs, inputs, max ULP, worst, >1, bound, bit-identical, time, ''
        if c[3].strip() != ic[3].strip():
            sys.exit(f"{name}: identity sweep covered {ic[3].strip()} inputs, the measured one {c[3].strip()}")
        if c[2].strip() == ic[2].strip():
            continue  # measured on the same ISAs already (a fresh measured sweep)
        c[2], c[8] = ic[2], ic[8]
        c[9] = f" {c[9].strip()} + {ic[9].strip()} |"[:-1]
        table[name] = '|'.join(c)
    return table

merge(math)
merge(acts)
head = "| function | ISAs | inputs | max ULP | worst input | > 1 ULP | bound | bit-identical | time |\n|---|---|---|---|---|---|---|---|---|"
text = f"""# Accuracy record

Produced by `cargo run --release -p activation-tools --bin sweep -- all` (math core) and
`... --bin sweep -- activations` (every built-in activation, forward and derivative `f'`), over
**all 2^32 f32 inputs** on **scalar, AVX2 and AVX-512**. For each input every ISA's bits are
compared with scalar ("bit-identical"), and the scalar result with the f64 reference
(`ulp_error`: ULP of the exact value; subnormal results in absolute subnormal ULPs; at ±inf the
limit). Derivative rows with "or abs ≤ …" accept that absolute error inside the documented
neighbourhood of a zero of f' (where ULP error is meaningless). The bounds are the ones the code
declares (`accuracy.rs` for the math core, each `#[activation]` definition for the activations)
and the tests assert.

Two machines, two passes:

* **2026-11-23**, a 2-core AMD EPYC VM with AVX2+FMA (no AVX-512): the measured sweeps, scalar
  against the f64 reference and AVX2 against scalar, every row over all 2^32 inputs.
* **2026-12-01**, a 2-core AMD EPYC (Zen 5) with AVX-512 F/BW/CD/DQ/VL: every row again over all
  2^32 inputs with `sweep --identity-only` (scalar, AVX2 and AVX-512, each ISA's bits against
  scalar's, no reference). Every ISA gave scalar's bits for every input, so the errors measured
  on the scalar path are those of all three ISAs. The time column is "measured sweep + identity
  sweep". `general_relu` and `general_relu'` (changed after 2026-11-23: the overflow fix of
  a13851d), the three `softsign` rows (its forward is now the monotone `math::softsign`) and
  `softplus` (math core and activation), `softplus'` and `softplus'(y)` (`math::softplus` is
  now `ln1p(e^x)` up to 16, monotone) were re-measured against the reference on all three
  ISAs on 2026-12-01.

Every activation row covers all 2^32 inputs. Twelve of them (`mish`, `mish'`, `hard_swish`,
`hard_swish'`, `softplus'`, `softsign`, `softsign'`, `tanh'`, `linear`, `linear'`,
`exponential`, `exponential'`; first recorded with stride 3) were re-swept exhaustively by a sweep
binary built with `RUSTFLAGS="-C target-cpu=native"` (the scalar path then uses the hardware FMA
instead of a software one; both are correctly rounded, so the results are the same; the time
column is from a machine shared with other builds), as were all the 2026-12-01 identity sweeps.
Rows re-swept after a fix replace the earlier row (`selu'`, `elu'`: `mul_exp`; `mish`:
corrected quotient). The `tanh` and `softplus` activation forward rows are the math-core sweeps
of the same names: with default parameters the activations compute exactly those functions.

Rows `NAME'(y)` are `backward_from_output(y, dy = 1)` for the activations that have it, with
`y = f(x)` from the scalar forward of every f32 `x` (the worst input column is that `x`), measured
against the output-derivative formula evaluated in f64 at the same `y` (as
`testing::check_from_output` does), within the derivative's bound (or an absolute error of at most
2^-149, the smallest subnormal, as that check accepts).

NEON was checked under qemu with coarser strides (65537 for the math core, 2053 for every
activation row in CI): bit-identical to scalar everywhere.

## Math core

{head}
""" + "\n".join(math.values()) + f"""

## Activations

{head}
""" + "\n".join(acts.values()) + """

## Row-wise functions

Not elementwise, so not swept bit pattern by bit pattern: `tests/rowwise.rs` runs every ISA on
adversarial rows (lengths 1 to 10^5; normal logits at scales 1 to 2000; flat rows; magnitudes up
to ±1e30 and ±f32::MAX; rows whose `x - max` is not representable; one dominant logit with
subnormal probabilities; `-inf`, `-0` and subnormal inputs mixed in), compares every element with
the f64 reference (compensated sums, `ln1p` of the sum minus the max's term), and asserts the
4-ULP bound, bit-identity with scalar, and `|Σ softmax - 1| ≤ n·ε`. Max error measured there
(2026-11-23, scalar = AVX2 = NEON under qemu; the same tests assert AVX-512 = scalar bit for bit
since 2026-12-01):

| function | max ULP | bound |
|---|---|---|
| softmax | 1.642 | 4 |
| log_softmax | 1.125 | 4 |
| softmin | 1.473 | 4 |
"""
# The f64 section: measured by the MPFR tests (not by sweep), kept here so regeneration keeps it.
text += (pathlib.Path(__file__).resolve().parent / "accuracy-f64.md").read_text()
root = pathlib.Path(__file__).resolve().parent.parent
root.joinpath("activation-kernels", "ACCURACY.md").write_text(text)

# The README's per-activation summary (between its activation-accuracy markers): max ULP of
# forward, derivative and backward_from_output per activation, from the same rows.
def cell(name):
    line = acts.get(name)
    if line is None:
        return "–", None
    c = [x.strip() for x in line.split('|')]
    return c[4], c[7].split()[0]
names = [n for n in acts if not n.endswith("'") and not n.endswith("'(y)")]
summary = ["| activation | f max ULP (bound) | f' max ULP (bound) | f'(y) max ULP (bound) |",
           "|---|---|---|---|"]
for n in names:
    cols = []
    for key in (n, n + "'", n + "'(y)"):
        v, b = cell(key)
        cols.append(v if b is None else f"{v} ({b})")
    summary.append(f"| `{n}` | " + " | ".join(cols) + " |")
readme = root.joinpath("README.md")
r = readme.read_text()
start, end = "<!-- activation-accuracy-start -->", "<!-- activation-accuracy-end -->"
if start in r and end in r:
    a, b = r.index(start) + len(start), r.index(end)
    readme.write_text(r[:a] + "\n" + "\n".join(summary) + "\n" + r[b:])
else:
    print("README.md has no activation-accuracy markers; not updated", file=sys.stderr)
print(f"ACCURACY.md: {len(math)} math rows, {len(acts)} activation rows", file=sys.stderr)
