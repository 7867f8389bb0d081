#!/bin/sh
# Diff one group of an FP guest test between QEMU and Tessera: fp_dump.sh fp|simd_fp GROUP [build dir]
# Every result of the group is printed (input, FPCR or second input, result, FPSR).
set -e
d=$(dirname "$0"); b=${3:-$d/../../../build}
aarch64-linux-gnu-gcc -march=armv8-a+crc -static -nostdlib -nostartfiles -ffreestanding \
  -fno-tree-loop-distribute-patterns -O2 -Wall -I"$d/common" -T "$d/common/link.ld" \
  -Wl,--build-id=none,--no-warn-rwx-segments -DFP_DUMP="$2" "$d/common/crt.S" "$d/common/lib.c" "$d/$1.c" -o /tmp/fp_dump_$$.elf
timeout 120 qemu-system-aarch64 -M virt -cpu cortex-a57 -nographic -nic none -kernel /tmp/fp_dump_$$.elf | grep '^0x' > /tmp/fp_dump_q_$$.txt || true
timeout 120 "$b/tessera" -M aarch64-virt -nographic -kernel /tmp/fp_dump_$$.elf | grep '^0x' > /tmp/fp_dump_t_$$.txt || true
echo "qemu $(wc -l < /tmp/fp_dump_q_$$.txt) lines, tessera $(wc -l < /tmp/fp_dump_t_$$.txt) lines"
diff /tmp/fp_dump_q_$$.txt /tmp/fp_dump_t_$$.txt | head -${LINES_SHOWN:-40} || true
rm -f /tmp/fp_dump_$$.elf /tmp/fp_dump_q_$$.txt /tmp/fp_dump_t_$$.txt
