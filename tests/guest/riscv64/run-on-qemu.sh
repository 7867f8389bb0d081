#!/usr/bin/env bash
# Run the built riscv64 guest tests under Debian's QEMU (or another emulator)
# to prove the tests themselves are right.
#   run-on-qemu.sh [-e "EMULATOR ARGS"] [DIR_WITH_ELFS | ELF...]
# DIR defaults to build/tests/guest/riscv64 under the repository root.
# sanity_fail.elf must fail with status 7; it counts as passed when it does.
set -u
emu="qemu-system-riscv64 -M virt"
if [[ "${1:-}" == "-e" ]]; then emu="$2"; shift 2; fi

root=$(cd "$(dirname "$0")/../../.." && pwd)
if [[ $# -eq 0 ]]; then set -- "$root/build/tests/guest/riscv64"; fi
elves=()
for arg in "$@"; do
  if [[ -d "$arg" ]]; then elves+=("$arg"/*.elf); else elves+=("$arg"); fi
done
if [[ ! -e "${elves[0]:-}" ]]; then
  echo "run-on-qemu.sh: no .elf files found in $*" >&2
  exit 2
fi

passed=0 failed=0
for elf in "${elves[@]}"; do
  name=$(basename "$elf" .elf)
  out=$(timeout 60 $emu -bios none -nographic -kernel "$elf" </dev/null 2>&1)
  rc=$?
  want=0
  [[ "$name" == sanity_fail ]] && want=7
  if [[ $rc -eq $want ]]; then
    passed=$((passed + 1)); printf 'ok    %-14s (exit %d)\n' "$name" "$rc"
  else
    failed=$((failed + 1)); printf 'FAIL  %-14s (exit %d, want %d): %s\n' "$name" "$rc" "$want" "$(tail -n 2 <<<"$out" | tr '\n' ' ')"
  fi
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
