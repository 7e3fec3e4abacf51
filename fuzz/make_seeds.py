#!/usr/bin/env python3
"""Regenerates the committed seed corpus fuzz/corpus/math_differential/seed-*.

Input format (see fuzz_targets/math_differential.rs): byte 0 selects the function
(`b % 9`, in `MathFn::ALL` order) and a buffer offset (`(b // 9) % 16`); the rest are
little-endian f32 bit patterns.
"""
import os
import struct

FUNCS = ["exp", "expm1", "ln", "ln1p", "tanh", "sigmoid", "erf", "erfc", "softplus"]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "math_differential")


def bits(v):
    return struct.unpack("<I", struct.pack("<f", v))[0]


def around(v, k=2):
    """v rounded to f32, its k neighbours on each side, and the same for -v."""
    b = bits(v) & 0x7FFFFFFF
    out = []
    for d in range(-k, k + 1):
        out += [b + d, (b + d) | 0x80000000]
    return out


specials = [
    # NaNs: quiet, signalling, various payloads and signs.
    0x7FC00000, 0xFFC00000, 0x7F800001, 0xFF800001, 0x7FA12345, 0x7FFFFFFF, 0xFFFFFFFF, 0x7FC00001,
    # infinities, zeros
    0x7F800000, 0xFF800000, 0x00000000, 0x80000000,
    # subnormals and the normal boundary
    0x00000001, 0x80000001, 0x00000002, 0x00400000, 0x807FFFFF, 0x007FFFFF, 0x00800000, 0x80800000,
    # f32::MAX and its neighbour
    0x7F7FFFFF, 0xFF7FFFFF, 0x7F7FFFFE, 0xFF7FFFFE,
]
# Thresholds of the kernels: exp overflow (88.72), exp normal/subnormal boundary (-87.34),
# exp underflow to zero (-103.97), erfc underflow (~10.05), erf/erfc and ln1p breakpoints.
points = [88.72283935546875, 88.7, 88.0, 89.0, -87.33654022216797, -87.3, -103.97207641601562,
          -103.9, 10.05, 10.0546, 0.4765, 0.921875, 1.5, 1.0, 0.5, 2.0, 9.0, 15.0, 1e-4, 1e-8,
          0.6931471805599453, 0.34657359027997264, 3.0, 4.0, 6.0, 20.0]
values = list(specials)
for p in points:
    values += around(p)
values = [v & 0xFFFFFFFF for v in values]


def write(name, sel, vals):
    with open(os.path.join(OUT, name), "wb") as fh:
        fh.write(bytes([sel]) + b"".join(struct.pack("<I", v) for v in vals))


os.makedirs(OUT, exist_ok=True)
for i, f in enumerate(FUNCS):
    # Everything, buffers at offset 0.
    write(f"seed-{f}-all", i, values)
    # A 17-element slice (body + tail on every lane width), offset input by 5 f32s.
    write(f"seed-{f}-tail", i + 9 * 5, values[i * 17 % len(values):][:17] or values[:17])
# One f32 per call, and a trailing partial f32 that must be ignored.
write("seed-single-nan", 0, [0x7FA12345])
with open(os.path.join(OUT, "seed-ragged"), "wb") as fh:
    fh.write(bytes([7]) + struct.pack("<f", 10.05) + b"\x01\x02")
