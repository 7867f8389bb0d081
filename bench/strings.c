/* Integer workload: string processing over generated English-like text:
 * word/line/char counting, Horspool substring search for several patterns,
 * and a small LZ77 compressor whose output is decompressed and compared
 * with the input. The text is regenerated with a new seed on every pass. */
#include "bench.h"

#ifndef STR_TEXT
#define STR_TEXT (96u * 1024u)
#endif
#ifndef STR_PASSES
#define STR_PASSES 330
#endif
#define STR_EXPECT 0x57cc3ea0363cf3a4ull

static const char *const words[] = {
  "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was",
  "with", "be", "by", "on", "not", "he", "this", "are", "or", "his", "from",
  "at", "which", "but", "have", "an", "had", "they", "you", "were", "their",
  "emulator", "translation", "block", "register", "interpreter", "memory",
  "instruction", "device", "interrupt", "page", "table", "guest", "host",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static char text[STR_TEXT];
static uint8_t packed[STR_TEXT + STR_TEXT / 8 + 16];
static char unpacked[STR_TEXT];
static uint32_t lz_head[1u << 14];

static size_t str_len(const char *s)
{
  size_t n = 0;
  while (s[n])
    n++;
  return n;
}

static void generate(bench_rng *r)
{
  size_t pos = 0, on_line = 0;
  for (;;) {
    uint64_t v = bench_rng_next(r);
    const char *w = words[(v >> 8) % NWORDS];
    size_t len = str_len(w);
    if (pos + len + 2 > STR_TEXT)
      break;
    for (size_t i = 0; i < len; i++) {
      char ch = w[i];
      if (on_line == 0 && i == 0)
        ch = (char)(ch - 'a' + 'A');
      text[pos++] = ch;
    }
    if (++on_line >= 8 + (v & 7)) {
      text[pos++] = (v & 0x30) ? '.' : ',';
      text[pos++] = '\n';
      on_line = 0;
    } else {
      text[pos++] = ' ';
    }
  }
  while (pos < STR_TEXT)
    text[pos++] = '\n';
}

static int is_alpha(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static uint64_t word_count(void)
{
  uint64_t wordsn = 0, lines = 0, letters = 0;
  int in_word = 0;
  for (size_t i = 0; i < STR_TEXT; i++) {
    char c = text[i];
    if (is_alpha(c)) {
      letters++;
      if (!in_word)
        wordsn++;
      in_word = 1;
    } else {
      in_word = 0;
      if (c == '\n')
        lines++;
    }
  }
  return (wordsn << 40) ^ (lines << 20) ^ letters;
}

/* Boyer-Moore-Horspool: number of (possibly overlapping) matches. */
static uint64_t count_matches(const char *pat)
{
  size_t m = str_len(pat);
  size_t skip[256];
  for (int i = 0; i < 256; i++)
    skip[i] = m;
  for (size_t i = 0; i + 1 < m; i++)
    skip[(uint8_t)pat[i]] = m - 1 - i;
  uint64_t count = 0;
  size_t pos = 0;
  while (pos + m <= STR_TEXT) {
    size_t j = m;
    while (j > 0 && text[pos + j - 1] == pat[j - 1])
      j--;
    if (j == 0)
      count++;
    pos += skip[(uint8_t)text[pos + m - 1]];
  }
  return count;
}

/* LZ77 with a one-entry hash table: a flag byte announces 8 items, each a
 * literal byte or a (16-bit distance, 8-bit length) match of 4..259 bytes. */
static size_t lz_compress(const uint8_t *in, size_t n, uint8_t *out)
{
  for (size_t i = 0; i < sizeof(lz_head) / sizeof(lz_head[0]); i++)
    lz_head[i] = 0xffffffffu;
  size_t ip = 0, op = 0;
  while (ip < n) {
    size_t flag_pos = op++;
    uint8_t flags = 0;
    for (int item = 0; item < 8 && ip < n; item++) {
      size_t best = 0, dist = 0;
      if (ip + 4 <= n) {
        uint32_t key = (uint32_t)in[ip] | (uint32_t)in[ip + 1] << 8 |
                       (uint32_t)in[ip + 2] << 16 | (uint32_t)in[ip + 3] << 24;
        uint32_t hash = (key * 2654435761u) >> 18;
        uint32_t cand = lz_head[hash];
        lz_head[hash] = (uint32_t)ip;
        if (cand != 0xffffffffu && ip - cand <= 0xffff) {
          size_t len = 0;
          while (ip + len < n && len < 259 && in[cand + len] == in[ip + len])
            len++;
          if (len >= 4) {
            best = len;
            dist = ip - cand;
          }
        }
      }
      if (best) {
        flags |= (uint8_t)(1u << item);
        out[op++] = (uint8_t)dist;
        out[op++] = (uint8_t)(dist >> 8);
        out[op++] = (uint8_t)(best - 4);
        ip += best;
      } else {
        out[op++] = in[ip++];
      }
    }
    out[flag_pos] = flags;
  }
  return op;
}

static size_t lz_decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
  size_t ip = 0, op = 0;
  while (ip < n) {
    uint8_t flags = in[ip++];
    for (int item = 0; item < 8 && ip < n; item++) {
      if (flags & (1u << item)) {
        if (ip + 3 > n)
          return 0;
        size_t dist = (size_t)in[ip] | (size_t)in[ip + 1] << 8;
        size_t len = (size_t)in[ip + 2] + 4;
        ip += 3;
        if (dist == 0 || dist > op || op + len > cap)
          return 0;
        for (size_t k = 0; k < len; k++, op++)
          out[op] = out[op - dist];
      } else {
        if (op >= cap)
          return 0;
        out[op++] = in[ip++];
      }
    }
  }
  return op;
}

int main(void)
{
  static const char *const patterns[] = {
    "the", "interpreter", "page table", "guest memory", "block. ", "and the",
  };
  bench_rng rng;
  bench_rng_seed(&rng, 0x5eed0004);
  uint64_t h = 0;
  for (int pass = 0; pass < STR_PASSES; pass++) {
    generate(&rng);
    h = bench_mix(h, word_count());
    for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++)
      h = bench_mix(h, count_matches(patterns[p]));
    size_t packed_len = lz_compress((const uint8_t *)text, STR_TEXT, packed);
    size_t unpacked_len = lz_decompress(packed, packed_len, (uint8_t *)unpacked, STR_TEXT);
    if (unpacked_len != STR_TEXT || memcmp(unpacked, text, STR_TEXT) != 0) {
      bench_printf("strings: int FAIL LZ77 round trip (pass %d, %lu -> %lu -> %lu bytes)\n",
                   pass, (unsigned long)STR_TEXT, (unsigned long)packed_len,
                   (unsigned long)unpacked_len);
      return 1;
    }
    h = bench_mix(h, packed_len);
  }
  return bench_report("strings", "int", h == STR_EXPECT, "checksum", h, STR_EXPECT);
}
