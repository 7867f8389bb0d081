#!/bin/sh
# Regenerate an FP test's expected hashes from QEMU: fp_expected.sh fp|simd_fp [build dir]
# (the ELF is built with an empty or stale table; every group prints its hash).
set -e
d=$(dirname "$0"); b=${2:-$d/../../../build}
out="$d/$1_expected.h"
{
  echo "/* Expected group hashes (QEMU 7.2, -cpu cortex-a57), made by fp_expected.sh. */"
  echo "static const uint64_t expected[] = {"
  timeout 300 qemu-system-aarch64 -M virt -cpu cortex-a57 -nographic -nic none -kernel "$b/tests/guest/aarch64/$1.elf" |
    sed -n 's/^group 0x\([0-9a-f]*\) hash \(0x[0-9a-f]*\).*/\1 \2/p' |
    while read -r g h; do echo "    [0x$g] = ${h}ull,"; done
  echo "};"
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out: $(grep -c ull "$out") groups"
