// block_tool: drives Tessera's block layer from the command line, for the interop tests
// (tests/block/qemu_interop.py) and for timing. A drive is given in -drive syntax.
//
//   block_tool dump DRIVE OUT [SEED]         read the whole disk (in random-sized pieces when
//                                            SEED is given) into the raw file OUT
//   block_tool random-writes DRIVE MODEL SEED COUNT MAXLEN [noreopen]
//                                            MODEL: a raw file of what the disk holds; does
//                                            COUNT random writes (unaligned, up to MAXLEN
//                                            bytes), checks reads against the model, flushes
//                                            and reopens now and then; writes the model back
//   block_tool write DRIVE OFFSET LEN BYTE   one write; prints its status (exit 3 if not ok)
//   block_tool crash-writer DRIVE SEED [KILL_AT]
//                                            writes generation after generation, flushing each
//                                            and printing "gen N" once it is durable, forever;
//                                            or until its KILL_AT-th host write or sync, where
//                                            it sends itself SIGKILL
//   block_tool crash-check RAW SEED GEN SECTORS [patterned]
//                                            checks a raw copy of a disk killed after "gen GEN"
//                                            (that started as zeros, or as crash-init wrote it)
//   block_tool crash-init RAW SECTORS        writes "generation 0" of the crash tests
//   block_tool bench DRIVE [CHUNK [write|sg]] sequential read (or write, then flush) of the
//                                            whole disk, MB/s; sg: each request's buffer is
//                                            4 KiB pages in scattered order, as in a guest
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "machines/block/block_backend.h"
#include "machines/block/file_io.h"
#include "util/error.h"

using namespace tessera;
using namespace tessera::block;

namespace {

struct Rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }
};

[[noreturn]] void die(const std::string& m) {
    fprintf(stderr, "block_tool: %s\n", m.c_str());
    exit(1);
}

void check(IoStatus s, BlockBackend& b, const char* what) {
    if (s != IoStatus::ok) die(std::string(what) + ": " + io_status_name(s) + ": " + b.last_error());
}

std::unique_ptr<BlockBackend> open(const std::string& spec) {
    std::vector<std::string> warnings;
    auto b = open_drive(parse_drive_options(spec), &warnings);
    for (auto& w : warnings) fprintf(stderr, "warning: %s\n", w.c_str());
    return b;
}

std::vector<uint8_t> read_file(const std::string& path) {
    FILE* f = fopen(path.c_str(), "rb");
    if (!f) die("cannot open " + path);
    std::vector<uint8_t> d;
    uint8_t buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) d.insert(d.end(), buf, buf + n);
    fclose(f);
    return d;
}

void write_file(const std::string& path, const std::vector<uint8_t>& d) {
    FILE* f = fopen(path.c_str(), "wb");
    if (!f || (!d.empty() && fwrite(d.data(), 1, d.size(), f) != d.size()) || fclose(f) != 0) die("cannot write " + path);
}

// [p, p + n) as a scatter-gather list of random pieces (some empty), as a guest's request.
std::vector<struct iovec> scatter(uint8_t* p, uint64_t n, Rng& rng) {
    std::vector<struct iovec> v;
    while (n > 0 || rng.below(8) == 0) {
        uint64_t k = std::min<uint64_t>(n, rng.below(3) ? 4096 - (uint64_t(p) & 4095) : rng.below(20000));
        v.push_back({p, k});
        p += k;
        n -= k;
        if (v.size() > 300 && n > 0) {
            v.push_back({p, n});
            break;
        }
    }
    return v;
}

int cmd_dump(const std::string& spec, const std::string& out, const char* seed) {
    auto b = open(spec);
    std::vector<uint8_t> d(b->size());
    Rng rng{seed ? strtoull(seed, nullptr, 0) : 0};
    for (uint64_t off = 0; off < d.size();) {
        uint64_t n = seed ? 1 + rng.below(rng.below(4) == 0 ? 300000 : 5000) : 1 << 20;
        n = std::min<uint64_t>(n, d.size() - off);
        if (seed && rng.below(2)) {
            auto v = scatter(d.data() + off, n, rng);
            check(b->readv(off, v.data(), int(v.size())), *b, "readv");
        } else {
            check(b->read(off, n, d.data() + off), *b, "read");
        }
        off += n;
    }
    write_file(out, d);
    return 0;
}

int cmd_random_writes(const std::string& spec, const std::string& model_path, uint64_t seed, int count, uint64_t max_len,
                      bool reopen) {
    std::vector<uint8_t> model = read_file(model_path);
    auto b = open(spec);
    if (b->size() != model.size()) die("the model's size differs from the disk's");
    Rng rng{seed};
    std::vector<uint8_t> buf;
    auto verify = [&](uint64_t off, uint64_t len) {
        buf.resize(len);
        check(b->read(off, len, buf.data()), *b, "read");
        if (memcmp(buf.data(), model.data() + off, len) != 0) {
            uint64_t i = 0;
            while (buf[i] == model[off + i]) i++;
            die("read at " + std::to_string(off) + "+" + std::to_string(len) + " differs from the model at byte " +
                std::to_string(off + i));
        }
    };
    const uint64_t size = model.size();
    for (int k = 0; k < count; k++) {
        uint64_t len = 1 + rng.below(rng.below(3) == 0 ? max_len : std::min<uint64_t>(max_len, 8192));
        len = std::min(len, size);
        uint64_t off;
        switch (rng.below(4)) {
        case 0: off = rng.below(size - len + 1) & ~511ull; break;  // sector aligned
        case 1: off = std::min(size - len, rng.below(size / 65536 + 1) * 65536 - rng.below(700)); break;  // across a boundary
        default: off = rng.below(size - len + 1); break;
        }
        off = std::min(off, size - len);
        buf.resize(len);
        uint8_t tag = uint8_t(rng.next());
        for (uint64_t i = 0; i < len; i++) buf[i] = uint8_t(tag + i * 7 + (i >> 9));
        if (rng.below(5) == 0) memset(buf.data(), 0, len);  // zeros must land too
        if (rng.below(2)) {
            auto v = scatter(buf.data(), len, rng);
            check(b->writev(off, v.data(), int(v.size())), *b, "writev");
        } else {
            check(b->write(off, len, buf.data()), *b, "write");
        }
        memcpy(model.data() + off, buf.data(), len);
        if (rng.below(3) == 0) verify(off > 1000 ? off - 1000 : 0, std::min<uint64_t>(len + 2000, size - (off > 1000 ? off - 1000 : 0)));
        if (rng.below(50) == 0) check(b->flush(), *b, "flush");
        if (reopen && rng.below(200) == 0) {
            b.reset();  // closing writes everything back
            b = open(spec);
        }
    }
    check(b->flush(), *b, "flush");
    verify(0, size);
    b.reset();
    write_file(model_path, model);
    return 0;
}

// One 512-byte sector's contents as generation `gen` writes it.
void fill_sector(uint8_t* p, uint64_t gen, uint64_t sector) {
    for (int i = 0; i < 512; i += 8) {
        uint64_t v = gen << 40 | sector << 8 | uint64_t(i / 8);
        memcpy(p + i, &v, 8);
    }
}

// The writes of one generation: (first sector, sector count), 4 KiB aligned.
std::vector<std::pair<uint64_t, uint64_t>> generation(uint64_t seed, uint64_t gen, uint64_t sectors) {
    Rng rng{seed * 1000003 + gen};
    std::vector<std::pair<uint64_t, uint64_t>> w;
    int n = 1 + int(rng.below(24));
    for (int i = 0; i < n; i++) {
        uint64_t count = 8 * (1 + rng.below(rng.below(4) == 0 ? 64 : 4));
        uint64_t first = rng.below(sectors / 8) * 8;
        if (first + count > sectors) count = sectors - first;
        w.emplace_back(first, count);
    }
    return w;
}

uint64_t g_writes_left = 0;

void count_down_to_kill() {
    if (--g_writes_left == 0) kill(getpid(), SIGKILL);
}

int cmd_crash_writer(const std::string& spec, uint64_t seed, uint64_t kill_at) {
    auto b = open(spec);
    if (kill_at) {
        g_writes_left = kill_at;
        g_before_host_write = count_down_to_kill;
    }
    uint64_t sectors = b->size() / 512;
    std::vector<uint8_t> buf;
    for (uint64_t gen = 1;; gen++) {
        for (auto [first, count] : generation(seed, gen, sectors)) {
            buf.resize(count * 512);
            for (uint64_t s = 0; s < count; s++) fill_sector(&buf[s * 512], gen, first + s);
            check(b->write(first * 512, buf.size(), buf.data()), *b, "write");
        }
        check(b->flush(), *b, "flush");
        printf("gen %llu\n", (unsigned long long)gen);
        fflush(stdout);
    }
}

int cmd_crash_init(const std::string& raw, uint64_t sectors) {
    std::vector<uint8_t> disk(sectors * 512);
    for (uint64_t s = 0; s < sectors; s++) fill_sector(&disk[s * 512], 0, s);
    write_file(raw, disk);
    return 0;
}

int cmd_crash_check(const std::string& raw, uint64_t seed, uint64_t last_gen, uint64_t sectors, bool patterned) {
    std::vector<uint8_t> disk = read_file(raw);
    if (disk.size() < sectors * 512) die("the disk copy is short");
    // What each sector held after last_gen, and which later generations may have reached it.
    std::vector<uint64_t> have(sectors, 0);
    std::vector<std::vector<uint64_t>> maybe(sectors);
    for (uint64_t gen = 1; gen <= last_gen + 2; gen++)
        for (auto [first, count] : generation(seed, gen, sectors))
            for (uint64_t s = first; s < first + count; s++) {
                if (gen <= last_gen) have[s] = gen;
                else maybe[s].push_back(gen);
            }
    uint8_t want[512];
    uint64_t bad = 0, newer = 0;
    for (uint64_t s = 0; s < sectors; s++) {
        const uint8_t* got = &disk[s * 512];
        auto is = [&](uint64_t gen) {
            if (gen == 0 && !patterned) {
                for (int i = 0; i < 512; i++)
                    if (got[i]) return false;
                return true;
            }
            fill_sector(want, gen, s);
            return memcmp(got, want, 512) == 0;
        };
        if (is(have[s])) continue;
        bool ok = false;
        for (uint64_t g : maybe[s]) ok = ok || is(g);
        if (ok) {
            newer++;
            continue;
        }
        if (bad++ < 5) fprintf(stderr, "sector %llu: not what generation %llu wrote (nor a later one)\n", (unsigned long long)s,
                               (unsigned long long)have[s]);
    }
    printf("%llu sectors checked after generation %llu: %llu from later generations, %llu wrong\n",
           (unsigned long long)sectors, (unsigned long long)last_gen, (unsigned long long)newer, (unsigned long long)bad);
    return bad ? 1 : 0;
}

int cmd_write(const std::string& spec, uint64_t off, uint64_t len, int byte) {
    auto b = open(spec);
    std::vector<uint8_t> buf(len, uint8_t(byte));
    IoStatus s = b->write(off, len, buf.data());
    if (s == IoStatus::ok) s = b->flush();
    printf("%s\n", io_status_name(s));
    return s == IoStatus::ok ? 0 : 3;
}

int cmd_bench(const std::string& spec, uint64_t chunk, bool write, bool sg) {
    auto b = open(spec);
    // Page-aligned, as guest RAM is for the virtio-blk device.
    AlignedBuffer mem = aligned_buffer(chunk);
    uint8_t* buf = mem.get();
    memset(buf, 0x5a, chunk);
    std::vector<struct iovec> pages;
    for (uint64_t p = 0; p < chunk / 4096; p++) pages.push_back({buf + ((p * 7919) % (chunk / 4096)) * 4096, 4096});
    auto t0 = std::chrono::steady_clock::now();
    uint64_t sum = 0;
    for (uint64_t off = 0; off < b->size(); off += chunk) {
        uint64_t n = std::min<uint64_t>(chunk, b->size() - off);
        if (write) {
            buf[0] = uint8_t(off >> 20);
            check(b->write(off, n, buf), *b, "write");
        } else if (sg && n == chunk && !pages.empty()) {
            check(b->readv(off, pages.data(), int(pages.size())), *b, "readv");
        } else {
            check(b->read(off, n, buf), *b, "read");
        }
        sum += buf[0];
    }
    double unflushed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (write) check(b->flush(), *b, "flush");
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (write) printf("written in %.3f s, flushed after %.3f s\n", unflushed, s);
    printf("%s: %.0f MiB in %.3f s: %.0f MB/s (chunk %llu, checksum %llu)\n", b->describe().c_str(), b->size() / 1048576.0, s,
           b->size() / s / 1e6, (unsigned long long)chunk, (unsigned long long)sum);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> a(argv + 1, argv + argc);
    try {
        if (a.size() >= 3 && a[0] == "dump") return cmd_dump(a[1], a[2], a.size() > 3 ? a[3].c_str() : nullptr);
        if ((a.size() == 6 || a.size() == 7) && a[0] == "random-writes")
            return cmd_random_writes(a[1], a[2], strtoull(a[3].c_str(), nullptr, 0), atoi(a[4].c_str()),
                                     strtoull(a[5].c_str(), nullptr, 0), a.size() == 6);
        if (a.size() == 5 && a[0] == "write")
            return cmd_write(a[1], strtoull(a[2].c_str(), nullptr, 0), strtoull(a[3].c_str(), nullptr, 0),
                             int(strtol(a[4].c_str(), nullptr, 0)));
        if ((a.size() == 3 || a.size() == 4) && a[0] == "crash-writer")
            return cmd_crash_writer(a[1], strtoull(a[2].c_str(), nullptr, 0),
                                    a.size() == 4 ? strtoull(a[3].c_str(), nullptr, 0) : 0);
        if ((a.size() == 5 || a.size() == 6) && a[0] == "crash-check")
            return cmd_crash_check(a[1], strtoull(a[2].c_str(), nullptr, 0), strtoull(a[3].c_str(), nullptr, 0),
                                   strtoull(a[4].c_str(), nullptr, 0), a.size() == 6);
        if (a.size() == 3 && a[0] == "crash-init") return cmd_crash_init(a[1], strtoull(a[2].c_str(), nullptr, 0));
        if (a.size() >= 2 && a[0] == "bench")
            return cmd_bench(a[1], a.size() > 2 ? strtoull(a[2].c_str(), nullptr, 0) : 1 << 20, a.size() > 3 && a[3] == "write",
                             a.size() > 3 && a[3] == "sg");
    } catch (const ConfigError& e) {
        fprintf(stderr, "tessera: %s\n", e.message.c_str());
        return 2;
    }
    fprintf(stderr, "usage: see the top of tests/tools/block_tool.cpp\n");
    return 2;
}
