/* Integer workload: a switch-dispatch bytecode interpreter. A stack VM with
 * local slots and a data array runs two programs assembled at start-up:
 * total/maximum Collatz steps over a range, and a sieve of Eratosthenes. */
#include "bench.h"

#ifndef VM_COLLATZ_LIMIT
#define VM_COLLATZ_LIMIT 20000
#endif
#ifndef VM_SIEVE_LIMIT
#define VM_SIEVE_LIMIT 200000
#endif
#ifndef VM_ROUNDS
#define VM_ROUNDS 2
#endif
#define VM_EXPECT 0xcb9f6cb713fba464ull

enum op {
  OP_HALT, OP_PUSH, OP_LOAD, OP_STORE, OP_INC, OP_ADD, OP_SUB, OP_MUL,
  OP_AND, OP_SHR, OP_LT, OP_GT, OP_EQ, OP_JMP, OP_JZ, OP_JNZ, OP_ALOAD,
  OP_ASTORE, OP_DUP, OP_DROP,
};

#define VM_CODE 512
#define VM_STACK 64
#define VM_SLOTS 16
#define VM_LABELS 16

static int32_t code[VM_CODE];
static int code_len;
static int label_at[VM_LABELS];
static int fixup_pos[VM_LABELS * 4], fixup_label[VM_LABELS * 4], nfixups;
static int64_t vm_mem[VM_SIEVE_LIMIT];

static void emit(int32_t v) { code[code_len++] = v; }
static void emit1(enum op o, int32_t arg) { emit(o); emit(arg); }
static void emit_jump(enum op o, int label)
{
  emit(o);
  fixup_pos[nfixups] = code_len;
  fixup_label[nfixups++] = label;
  emit(0);
}
static void label(int l) { label_at[l] = code_len; }
static void begin(void) { code_len = 0; nfixups = 0; }
static void finish(void)
{
  for (int i = 0; i < nfixups; i++)
    code[fixup_pos[i]] = label_at[fixup_label[i]];
}

/* Returns the value left on top of the stack at HALT (or -1 on a VM fault). */
static int64_t run(int64_t *slots)
{
  int64_t stack[VM_STACK];
  int sp = 0;
  int pc = 0;
  for (;;) {
    int32_t o = code[pc++];
    switch (o) {
    case OP_HALT:
      return sp ? stack[sp - 1] : 0;
    case OP_PUSH: stack[sp++] = code[pc++]; break;
    case OP_LOAD: stack[sp++] = slots[code[pc++]]; break;
    case OP_STORE: slots[code[pc++]] = stack[--sp]; break;
    case OP_INC: slots[code[pc++]]++; break;
    case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
    case OP_SHR: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> stack[sp]); break;
    case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
    case OP_GT: sp--; stack[sp - 1] = stack[sp - 1] > stack[sp]; break;
    case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
    case OP_JMP: pc = code[pc]; break;
    case OP_JZ: pc = stack[--sp] ? pc + 1 : code[pc]; break;
    case OP_JNZ: pc = stack[--sp] ? code[pc] : pc + 1; break;
    case OP_ALOAD: {
      int64_t i = stack[sp - 1];
      if (i < 0 || i >= VM_SIEVE_LIMIT)
        return -1;
      stack[sp - 1] = vm_mem[i];
      break;
    }
    case OP_ASTORE: {
      int64_t v = stack[--sp], i = stack[--sp];
      if (i < 0 || i >= VM_SIEVE_LIMIT)
        return -1;
      vm_mem[i] = v;
      break;
    }
    case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case OP_DROP: sp--; break;
    default:
      return -1;
    }
    if (sp < 0 || sp >= VM_STACK - 1)
      return -1;
  }
}

enum { S_N, S_X, S_STEPS, S_TOTAL, S_LIMIT, S_MAX };

static void assemble_collatz(void)
{
  enum { L_LOOP_N, L_LOOP_X, L_EVEN, L_NEXT, L_DONE_X, L_SKIP, L_END };
  begin();
  emit1(OP_PUSH, 1); emit1(OP_STORE, S_N);
  label(L_LOOP_N);
  emit1(OP_LOAD, S_N); emit1(OP_LOAD, S_LIMIT); emit(OP_LT); emit_jump(OP_JZ, L_END);
  emit1(OP_LOAD, S_N); emit1(OP_STORE, S_X); emit1(OP_PUSH, 0); emit1(OP_STORE, S_STEPS);
  label(L_LOOP_X);
  emit1(OP_LOAD, S_X); emit1(OP_PUSH, 1); emit(OP_EQ); emit_jump(OP_JNZ, L_DONE_X);
  emit1(OP_LOAD, S_X); emit1(OP_PUSH, 1); emit(OP_AND); emit_jump(OP_JZ, L_EVEN);
  emit1(OP_LOAD, S_X); emit(OP_DUP); emit(OP_ADD); emit1(OP_LOAD, S_X); emit(OP_ADD);
  emit1(OP_PUSH, 1); emit(OP_ADD); emit1(OP_STORE, S_X); emit_jump(OP_JMP, L_NEXT);
  label(L_EVEN);
  emit1(OP_LOAD, S_X); emit1(OP_PUSH, 1); emit(OP_SHR); emit1(OP_STORE, S_X);
  label(L_NEXT);
  emit1(OP_INC, S_STEPS); emit_jump(OP_JMP, L_LOOP_X);
  label(L_DONE_X);
  emit1(OP_LOAD, S_TOTAL); emit1(OP_LOAD, S_STEPS); emit(OP_ADD); emit1(OP_STORE, S_TOTAL);
  emit1(OP_LOAD, S_STEPS); emit1(OP_LOAD, S_MAX); emit(OP_GT); emit_jump(OP_JZ, L_SKIP);
  emit1(OP_LOAD, S_STEPS); emit1(OP_STORE, S_MAX);
  label(L_SKIP);
  emit1(OP_INC, S_N); emit_jump(OP_JMP, L_LOOP_N);
  label(L_END);
  emit1(OP_LOAD, S_TOTAL); emit(OP_HALT);
  finish();
}

enum { S_I, S_J, S_COUNT, S_M };

static void assemble_sieve(void)
{
  enum { L_LOOP_I, L_LOOP_J, L_NEXT_I, L_END };
  begin();
  emit1(OP_PUSH, 2); emit1(OP_STORE, S_I); emit1(OP_PUSH, 0); emit1(OP_STORE, S_COUNT);
  label(L_LOOP_I);
  emit1(OP_LOAD, S_I); emit1(OP_LOAD, S_M); emit(OP_LT); emit_jump(OP_JZ, L_END);
  emit1(OP_LOAD, S_I); emit(OP_ALOAD); emit_jump(OP_JNZ, L_NEXT_I);
  emit1(OP_INC, S_COUNT);
  emit1(OP_LOAD, S_I); emit(OP_DUP); emit(OP_MUL); emit1(OP_STORE, S_J);
  label(L_LOOP_J);
  emit1(OP_LOAD, S_J); emit1(OP_LOAD, S_M); emit(OP_LT); emit_jump(OP_JZ, L_NEXT_I);
  emit1(OP_LOAD, S_J); emit1(OP_PUSH, 1); emit(OP_ASTORE);
  emit1(OP_LOAD, S_J); emit1(OP_LOAD, S_I); emit(OP_ADD); emit1(OP_STORE, S_J);
  emit_jump(OP_JMP, L_LOOP_J);
  label(L_NEXT_I);
  emit1(OP_INC, S_I); emit_jump(OP_JMP, L_LOOP_I);
  label(L_END);
  emit1(OP_LOAD, S_COUNT); emit(OP_HALT);
  finish();
}

int main(void)
{
  uint64_t h = 0;
  int64_t slots[VM_SLOTS];
  for (int round = 0; round < VM_ROUNDS; round++) {
    int64_t limit = VM_COLLATZ_LIMIT + round;
    assemble_collatz();
    for (int i = 0; i < VM_SLOTS; i++)
      slots[i] = 0;
    slots[S_LIMIT] = limit;
    int64_t total = run(slots);
    h = bench_mix(h, (uint64_t)total);
    h = bench_mix(h, (uint64_t)slots[S_MAX]);

    assemble_sieve();
    for (int i = 0; i < VM_SLOTS; i++)
      slots[i] = 0;
    slots[S_M] = VM_SIEVE_LIMIT - round;
    for (int i = 0; i < VM_SIEVE_LIMIT; i++)
      vm_mem[i] = 0;
    int64_t primes = run(slots);
    h = bench_mix(h, (uint64_t)primes);
  }
  return bench_report("vm", "int", h == VM_EXPECT, "checksum", h, VM_EXPECT);
}
