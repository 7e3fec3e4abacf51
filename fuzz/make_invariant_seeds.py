#!/usr/bin/env python3
"""Regenerates the committed seed corpus fuzz/corpus/invariants/seed-*.

Input format (see fuzz_targets/invariants.rs): byte 0 selects the activation (`b % N` in
`registry::ALL` order, listed below), then one byte per parameter (0 = default; bit 6 clear =
±CHOICES[b & 0x3F], bit 7 the sign; bit 6 set = the next 4 bytes as an f32), then little-endian
f32 bit patterns.
"""
import os
import struct

# registry::ALL order and parameter counts, at the time of writing. (If the registry grows, the
# selector byte maps these seeds onto other activations; they remain valid inputs.)
ACTIVATIONS = [
    ("relu", 0), ("leaky_relu", 1), ("relu6", 0), ("hardtanh", 2), ("elu", 1), ("selu", 0),
    ("sigmoid", 0), ("hard_sigmoid", 2), ("swish", 1), ("gelu", 0), ("gelu_tanh", 0),
    ("mish", 0), ("hard_swish", 0), ("softplus", 1), ("softsign", 0), ("tanh", 0),
    ("linear", 0), ("exponential", 0), ("tanhshrink", 0), ("general_relu", 3),
]
# Indices into CHOICES in invariants.rs.
CHOICE = {0.0: 0, 1e-30: 1, 1e-7: 2, 1e-3: 3, 0.01: 4, 0.1: 5, 0.2: 6, 1 / 6: 7, 0.25: 8,
          0.5: 9, 0.9: 10, 1.0: 11, 1.5: 12, 1.6732632: 13, 2.0: 14, 3.0: 15, 6.0: 16, 10.0: 17,
          100.0: 18, 1e4: 19, 1e10: 20, 1e30: 21}
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "invariants")


def bits(v):
    return struct.unpack("<I", struct.pack("<f", v))[0]


def choice(v):
    """The parameter byte naming `v` from CHOICES."""
    return CHOICE[abs(v)] | (0x80 if v < 0 else 0)


specials = [
    0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FA12345, 0xFFFFFFFF,  # NaNs
    0x7F800000, 0xFF800000, 0x00000000, 0x80000000,  # ±inf, ±0
    0x00000001, 0x80000001, 0x007FFFFF, 0x807FFFFF, 0x00800000, 0x80800000,  # subnormals
    0x7F7FFFFF, 0xFF7FFFFF,  # ±f32::MAX
]
# Corners, saturation bounds and overflow thresholds of the built-ins, each with both signs
# (odd/even checks compare f(x) with f(-x) for every x given).
points = [1e-30, 1e-7, 0.1, 0.5, 0.7518, 1.0, 1.1924, 1.2785, 1.5, 2.0, 2.5, 3.0, 5.0, 6.0,
          8.0, 10.0, 16.0, 20.0, 30.0, 87.3, 88.72, 89.0, 104.0, 1e4, 1e10, 1e30, 3e38]
grid = [i / 8 for i in range(-40, 41)]  # a dense run for the monotonicity check
values = list(specials)
for p in points:
    values += [bits(p), bits(-p), bits(p) + 1, bits(-p) + 1]
values += [bits(g) for g in grid]
values = [v & 0xFFFFFFFF for v in values]


def write(name, index, params, vals):
    with open(os.path.join(OUT, f"seed-{index:02}-{name}"), "wb") as fh:
        fh.write(bytes([index]) + bytes(params) + b"".join(struct.pack("<I", v) for v in vals))


os.makedirs(OUT, exist_ok=True)
for i, (a, n) in enumerate(ACTIVATIONS):
    write(f"{a}-defaults", i, [0] * n, values)
# Non-default parameters (valid ones; the target ignores invalid ones).
extra = {
    "leaky_relu": [[choice(0.0)], [choice(1.5)], [choice(0.2)]],
    "hardtanh": [[choice(-2.0), choice(2.0)], [choice(-0.5), choice(3.0)],
                 [choice(0.5), choice(6.0)], [choice(-1e30), choice(1e30)]],
    "elu": [[choice(0.5)], [choice(2.0)], [choice(1e-7)]],
    "hard_sigmoid": [[choice(1 / 6), 0], [choice(0.2), choice(2.0)]],
    "swish": [[choice(1.5)], [choice(0.1)], [choice(10.0)]],
    "softplus": [[choice(2.0)], [choice(0.5)], [choice(10.0)]],
    # alpha, max_value, threshold
    "general_relu": [[choice(0.1), choice(6.0), 0], [choice(0.2), 0, choice(0.5)],
                     [choice(0.01), choice(1.0), choice(-0.5)]],
}
for i, (a, n) in enumerate(ACTIVATIONS):
    for k, ps in enumerate(extra.get(a, [])):
        write(f"{a}-param{k}", i, ps, values)
# An arbitrary f32 parameter (bit 6): elu with alpha = 1.75, and a short slice.
with open(os.path.join(OUT, "seed-04-elu-raw-param"), "wb") as fh:
    fh.write(bytes([4, 0x40]) + struct.pack("<f", 1.75) + struct.pack("<ff", -1e30, 0.5))
