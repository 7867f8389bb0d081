#include "display/png_writer.h"

#include <zlib.h>

#include <stdexcept>
#include <string>

namespace tessera {

namespace {

void put32(std::vector<uint8_t>& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(v >> s));
}

// length, type, data, then the CRC of type and data (PNG spec, chunk layout).
void chunk(std::vector<uint8_t>& out, const char type[4], const uint8_t* data, size_t len) {
    put32(out, uint32_t(len));
    size_t start = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data, data + len);
    uLong crc = crc32(0L, Z_NULL, 0);
    // crc32 takes a uInt length: walk in pieces for frames past 4 GiB of compressed data.
    for (size_t off = start; off < out.size();) {
        uInt n = uInt(std::min<size_t>(out.size() - off, 1u << 30));
        crc = crc32(crc, out.data() + off, n);
        off += n;
    }
    put32(out, uint32_t(crc));
}

}  // namespace

std::vector<uint8_t> encode_png(const Frame& f) {
    if (f.width == 0 || f.height == 0 || f.pixels.size() != size_t(f.width) * f.height)
        throw std::invalid_argument("encode_png: an empty or inconsistent frame");
    // Rows of filter byte 0 (none), then R, G, B per pixel.
    size_t row = 1 + size_t(f.width) * 3;
    std::vector<uint8_t> raw(row * f.height);
    for (uint32_t y = 0; y < f.height; y++) {
        uint8_t* d = &raw[y * row];
        *d++ = 0;
        const uint32_t* s = &f.pixels[size_t(y) * f.width];
        for (uint32_t x = 0; x < f.width; x++) {
            *d++ = uint8_t(s[x] >> 16);
            *d++ = uint8_t(s[x] >> 8);
            *d++ = uint8_t(s[x]);
        }
    }
    uLongf zlen = compressBound(uLong(raw.size()));
    std::vector<uint8_t> z(zlen);
    if (compress2(z.data(), &zlen, raw.data(), uLong(raw.size()), Z_BEST_SPEED) != Z_OK)
        throw std::runtime_error("encode_png: zlib failed");
    z.resize(zlen);

    std::vector<uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    std::vector<uint8_t> ihdr;
    put32(ihdr, f.width);
    put32(ihdr, f.height);
    ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});  // 8 bits, RGB, deflate, no filter method, no interlace
    chunk(out, "IHDR", ihdr.data(), ihdr.size());
    chunk(out, "IDAT", z.data(), z.size());
    chunk(out, "IEND", nullptr, 0);
    return out;
}

}  // namespace tessera
