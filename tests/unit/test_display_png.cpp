// display/png_writer.h and display/screendump.h: PNGs that libpng reads back pixel for pixel,
// written atomically, refused at start where they could not be written.
#include <doctest/doctest.h>
#include <png.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <thread>

#include "display/display_session.h"
#include "display/png_writer.h"
#include "display/screendump.h"
#include "util/error.h"

using namespace tessera;
namespace fs = std::filesystem;

namespace {
// libpng's simplified API: the image as 8-bit RGB, or an empty frame if it is not a PNG.
Frame read_png(const std::vector<uint8_t>& data) {
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    Frame f;
    if (!png_image_begin_read_from_memory(&img, data.data(), data.size())) return f;
    img.format = PNG_FORMAT_RGB;
    std::vector<uint8_t> rgb(PNG_IMAGE_SIZE(img));
    if (!png_image_finish_read(&img, nullptr, rgb.data(), 0, nullptr)) return f;
    f.width = img.width, f.height = img.height;
    for (size_t i = 0; i < rgb.size(); i += 3) f.pixels.push_back(uint32_t(rgb[i]) << 16 | rgb[i + 1] << 8 | rgb[i + 2]);
    return f;
}

std::vector<uint8_t> slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string temp_dir() {
    char tmpl[] = "/tmp/tessera-png-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    return tmpl;
}

std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const ConfigError& e) {
        return e.message;
    }
    return "";
}
}  // namespace

TEST_CASE("png: libpng reads back every pixel") {
    for (auto [w, h] : {std::pair{1u, 1u}, {7u, 5u}, {300u, 211u}}) {
        Frame f;
        f.width = w, f.height = h;
        std::mt19937 rng(w * 31 + h);
        for (uint32_t i = 0; i < w * h; i++) f.pixels.push_back(rng() & 0xffffff);
        std::vector<uint8_t> png = encode_png(f);
        REQUIRE(png.size() > 8);
        CHECK(memcmp(png.data(), "\x89PNG\r\n\x1a\n", 8) == 0);
        CHECK(memcmp(png.data() + 12, "IHDR", 4) == 0);
        Frame back = read_png(png);
        CHECK(back.width == w);
        CHECK(back.height == h);
        CHECK(back.pixels == f.pixels);
    }
    // Alpha bits in the frame are not the picture's.
    Frame f;
    f.width = 2, f.height = 1;
    f.pixels = {0x00123456, 0x00abcdef};
    CHECK(read_png(encode_png(f)).pixels == f.pixels);
}

TEST_CASE("png: a corrupted CRC is caught by libpng (the CRCs are real)") {
    Frame f;
    f.width = 4, f.height = 4;
    f.pixels.assign(16, 0x808080);
    std::vector<uint8_t> png = encode_png(f);
    png[8 + 8 + 13] ^= 1;  // IHDR's CRC
    CHECK(read_png(png).width == 0);
    Frame empty;
    CHECK_THROWS(encode_png(empty));
}

TEST_CASE("screendump: the display's frame, atomically; a black 640x480 when there is no mode") {
    std::string dir = temp_dir();
    Display d;
    std::string path = dir + "/shot.png";
    check_screendump_path(path);
    CHECK_FALSE(fs::exists(path));  // the check creates nothing
    write_screendump(d, path);
    Frame black = read_png(slurp(path));
    CHECK(black.width == 640);
    CHECK(black.height == 480);
    CHECK(std::all_of(black.pixels.begin(), black.pixels.end(), [](uint32_t p) { return p == 0; }));

    d.set_mode(3, 2);
    uint8_t px[3 * 2 * 4];
    for (int i = 0; i < 6; i++) px[i * 4] = uint8_t(i * 40), px[i * 4 + 1] = 1, px[i * 4 + 2] = 2, px[i * 4 + 3] = 0;
    d.update({0, 0, 3, 2}, px, 12, PixelFormat::Bgrx);
    write_screendump(d, path);
    Frame got = read_png(slurp(path));
    CHECK(got.pixels == d.snapshot().pixels);
    CHECK(got.at(2, 1) == 0x020100u + 200);
    // Nothing left behind but the file itself.
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
    fs::remove_all(dir);
}

TEST_CASE("screendump: paths that cannot be written are refused at start") {
    std::string dir = temp_dir();
    CHECK(error_of([&] { check_screendump_path(dir + "/missing/x.png"); }).find("no directory") != std::string::npos);
    CHECK(error_of([&] { check_screendump_path(dir); }).find("is a directory") != std::string::npos);
    CHECK(error_of([&] { check_screendump_path(""); }) != "");
    if (geteuid() != 0) {  // root writes anywhere
        fs::create_directory(dir + "/ro");
        chmod((dir + "/ro").c_str(), 0555);
        CHECK(error_of([&] { check_screendump_path(dir + "/ro/x.png"); }).find("not writable") != std::string::npos);
        chmod((dir + "/ro").c_str(), 0755);
    }
    CHECK(error_of([&] { check_screendump_path("shot.png"); }) == "");  // the current directory
    fs::remove_all(dir);
}

TEST_CASE("display session: headless, -screendump at the end, -keys typed from start()") {
    std::string dir = temp_dir();
    std::string shot = dir + "/end.png", keys = dir + "/k.keys";
    {
        std::ofstream(keys) << "delay 0\ntype x\n";
    }
    Display d;
    DisplaySessionOptions o;
    o.mode = "none";
    o.screendump = shot;
    // No display device: refused at start, nothing written.
    CHECK(error_of([&] { DisplaySession s(d, o, [] {}); }) == "-screendump needs a display device, e.g. -device virtio-gpu-device");
    d.attach_source("test-gpu");
    o.keys = dir + "/missing.keys";
    CHECK(error_of([&] { DisplaySession s(d, o, [] {}); }).find("-keys: cannot read") == 0);
    o.keys = keys;
    std::mutex mu;
    std::vector<uint16_t> typed;
    d.input().subscribe([&](const InputEvent& e) {
        std::lock_guard lock(mu);
        if (e.kind == InputKind::Key) typed.push_back(e.code);
    });
    DisplaySession s(d, o, [] {});
    CHECK_FALSE(s.has_window());
    d.set_mode(2, 2);
    uint8_t px[16] = {0xff, 0, 0, 0, 0, 0xff, 0, 0, 0, 0, 0xff, 0, 1, 2, 3, 0};
    d.update({0, 0, 2, 2}, px, 8, PixelFormat::Bgrx);
    s.start();
    for (int i = 0; i < 500; i++) {
        {
            std::lock_guard lock(mu);
            if (typed.size() == 2) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    CHECK_FALSE(fs::exists(shot));
    s.finish();
    {
        std::lock_guard lock(mu);
        CHECK(typed == std::vector<uint16_t>{45, 45});  // KEY_X down, up
    }
    Frame got = read_png(slurp(shot));
    CHECK(got.width == 2);
    CHECK(got.pixels == std::vector<uint32_t>{0x0000ff, 0x00ff00, 0xff0000, 0x030201});
    fs::remove_all(dir);
}
