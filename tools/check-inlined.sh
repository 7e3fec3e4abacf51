#!/usr/bin/env bash
# Fails if a binary holds an out-of-line SIMD intrinsic (a `core::core_arch::` function).
#
# pulp runs a kernel inside a `#[target_feature]` function; only code inlined into it is
# compiled with the vector ISA enabled. A kernel body that LLVM leaves out of line (a closure,
# a helper without `#[inline(always)]`) is compiled for the baseline target instead, and every
# vector intrinsic in it becomes a call to an out-of-line copy of that intrinsic: the kernel
# then runs tens of times slower, with the same results, so no test notices. Those copies are
# what this looks for. CPU-detection intrinsics (`_xgetbv`, `__cpuid`) are out of line by
# design and allowed.
#
# Usage: tools/check-inlined.sh BINARY [NM]   (NM defaults to `nm`; any nm that reads BINARY)
set -euo pipefail
bin="$1"
nm="${2:-nm}"
[[ -f "$bin" ]] || { echo "check-inlined: no such file: $bin" >&2; exit 2; }
found="$("$nm" -C "$bin" | grep -F 'core::core_arch::' | grep -vE '_xgetbv|__cpuid|_cpuid' || true)"
if [[ -n "$found" ]]; then
    echo "check-inlined: $bin holds out-of-line SIMD intrinsics (a kernel body was not inlined"
    echo "into its target-feature region; find the caller with objdump -d and make it"
    echo "#[inline(always)], or replace the closure with a struct and an #[inline(always)] method):"
    echo "$found" | sed 's/^/    /'
    exit 1
fi
echo "check-inlined: $bin: no out-of-line SIMD intrinsics"
