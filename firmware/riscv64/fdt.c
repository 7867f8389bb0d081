/* Just enough flattened-device-tree reading for the banner: the root model
 * (or compatible), /memory reg and /cpus timebase-frequency. */
#include "fw.h"

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

/* Read `cells` big-endian 32-bit cells as one number. */
static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++) v = (v << 32) | be32(p + 4 * i);
    return v;
}

/* "memory" or "memory@..." */
static int is_node(const char *name, const char *want)
{
    size_t n = strlen_(want);
    for (size_t i = 0; i < n; i++)
        if (name[i] != want[i]) return 0;
    return name[n] == '\0' || name[n] == '@';
}

void fdt_parse(const void *fdt, struct fdt_info *out)
{
    const uint8_t *base = fdt;
    out->valid = 0;
    out->model = NULL;
    out->mem_base = out->mem_size = out->timebase = 0;
    if (!fdt || ((uintptr_t)fdt & 3) || be32(base) != FDT_MAGIC) return;

    uint32_t total = be32(base + 4);
    uint32_t off_struct = be32(base + 8), off_strings = be32(base + 12);
    if (off_struct >= total || off_strings >= total) return;
    const uint8_t *p = base + off_struct, *end = base + total;
    const char *strings = (const char *)base + off_strings;
    const char *compat = NULL;
    uint32_t addr_cells = 2, size_cells = 1;
    int depth = 0, in_memory = 0, in_cpus = 0;

    while (p + 4 <= end) {
        uint32_t tok = be32(p);
        p += 4;
        if (tok == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            depth++;
            if (depth == 2) {
                in_memory = is_node(name, "memory");
                in_cpus = is_node(name, "cpus");
            }
            p += (strlen_(name) + 4) & ~3ul;        /* name + NUL, padded */
        } else if (tok == FDT_END_NODE) {
            if (depth == 2) in_memory = in_cpus = 0;
            depth--;
        } else if (tok == FDT_PROP) {
            if (p + 8 > end) return;
            uint32_t len = be32(p), nameoff = be32(p + 4);
            const uint8_t *val = p + 8;
            const char *name = strings + nameoff;
            if (val + len > end) return;
            if (depth == 1) {
                if (streq(name, "model")) out->model = (const char *)val;
                else if (streq(name, "compatible")) compat = (const char *)val;
                else if (streq(name, "#address-cells") && len == 4) addr_cells = be32(val);
                else if (streq(name, "#size-cells") && len == 4) size_cells = be32(val);
            } else if (depth == 2 && in_memory && streq(name, "reg")) {
                uint32_t entry = 4 * (addr_cells + size_cells);
                for (uint32_t o = 0; entry && o + entry <= len; o += entry) {
                    if (!out->mem_size) out->mem_base = read_cells(val + o, addr_cells);
                    out->mem_size += read_cells(val + o + 4 * addr_cells, size_cells);
                }
            } else if (depth == 2 && in_cpus && streq(name, "timebase-frequency")) {
                out->timebase = read_cells(val, len / 4 > 2 ? 2 : len / 4);
            }
            p = val + ((len + 3) & ~3ul);
        } else if (tok == FDT_NOP) {
            continue;
        } else {
            break;                                  /* FDT_END or garbage */
        }
    }
    if (!out->model) out->model = compat;
    out->valid = 1;
}
