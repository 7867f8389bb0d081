#!/bin/sh
# Regenerate an FP test's expected hashes from QEMU: fp_expected.sh fp|simd_fp
# (builds the test with -DFP_PRINT_HASHES, so every group prints its hash, and runs it on
# qemu-system-aarch64 -cpu cortex-a57).
set -e
d=$(dirname "$0")
out="$d/$1_expected.h"
elf=/tmp/fp_expected_$$.elf
aarch64-linux-gnu-gcc -march=armv8-a+crc -static -nostdlib -nostartfiles -ffreestanding \
  -fno-tree-loop-distribute-patterns -O2 -Wall -I"$d/common" -T "$d/common/link.ld" \
  -Wl,--build-id=none,--no-warn-rwx-segments -DFP_PRINT_HASHES "$d/common/crt.S" "$d/common/lib.c" "$d/$1.c" -o $elf
{
  echo "/* Expected group hashes (QEMU 7.2, -cpu cortex-a57), made by fp_expected.sh. */"
  echo "static const uint64_t expected[] = {"
  timeout 300 qemu-system-aarch64 -M virt -cpu cortex-a57 -nographic -nic none -kernel $elf |
    sed -n 's/^group 0x\([0-9a-f]*\) hash \(0x[0-9a-f]*\).*/\1 \2/p' |
    while read -r g h; do echo "    [0x$g] = ${h}ull,"; done
  echo "};"
} > "$out.tmp"
rm -f $elf
mv "$out.tmp" "$out"
echo "$out: $(grep -c ull "$out") groups"
