// virtio-input (virtio-keyboard/mouse/tablet-device) through the fake driver: the
// configuration space as Linux reads it, events from the InputHub (on this thread and on
// others) arriving in order as evdev records with their SYN, only whole reports dropped when
// the driver gives no buffers, nothing before DRIVER_OK, LED events on the statusq, reset,
// short buffers, and no listener call once the device is gone.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "display/display.h"
#include "machines/virtio/virtio_input.h"
#include "machines/virtio/virtio_registry.h"
#include "tests/unit/virtio_test_driver.h"
#include "util/error.h"

using namespace tessera;
using namespace tessera::test;
using namespace tessera::virtio_input;

namespace {

struct Ev {
    uint16_t type, code;
    int32_t value;
    bool operator==(const Ev& o) const { return type == o.type && code == o.code && value == o.value; }
};

doctest::String evs_string(const std::vector<Ev>& v) {
    std::string s = "[";
    for (const Ev& e : v) s += "(" + std::to_string(e.type) + "," + std::to_string(e.code) + "," + std::to_string(e.value) + ")";
    return (s + "]").c_str();
}

}  // namespace

namespace doctest {
template <>
struct StringMaker<std::vector<Ev>> {
    static String convert(const std::vector<Ev>& v) { return evs_string(v); }
};
}  // namespace doctest

namespace {

const Ev kSyn{EV_SYN, SYN_REPORT, 0};

// The fake driver: eventq (queue 0) at the bench's usual place with 8-byte buffers at kBuf +
// 8 * head, statusq (queue 1) at +0x4000, its buffers at kBuf + 0x8000.
struct InputBench : VirtioBench {
    static constexpr uint32_t kNum = 64;
    static constexpr uint64_t kSDesc = kDesc + 0x4000, kSAvail = kAvail + 0x4000, kSUsed = kUsed + 0x4000;
    static constexpr uint64_t kSBuf = kBuf + 0x8000;
    InputHub& hub;
    VirtioInput* dev;
    uint16_t next_head = 0, last_used = 0, s_next = 0, s_last = 0;

    InputBench(InputHub& h, Kind kind, const std::string& serial = {}) : hub(h) {
        auto d = std::make_unique<VirtioInput>(kind, &hub, serial);
        dev = d.get();
        t.plug(std::move(d));
    }
    void start() {
        REQUIRE((negotiate(0) & STATUS_FEATURES_OK));
        setup_queue(0, kNum, kDesc, kAvail, kUsed);
        setup_queue(1, kNum, kSDesc, kSAvail, kSUsed);
        wr(mmio::STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
        work.run_pending();
    }
    // n more event buffers of len writable bytes each (Linux: 8).
    void give(unsigned n, uint32_t len = 8, bool kick = true) {
        for (unsigned i = 0; i < n; i++) {
            uint16_t head = next_head++ % kNum;
            poke<uint64_t>(kBuf + 8 * head, 0xdeadbeefdeadbeefull);
            desc(kDesc, head, kBuf + 8 * head, len, DESC_F_WRITE);
            make_available(head, kNum);
        }
        if (kick) notify(0);
    }
    // The events in the buffers used since the last look (each used length checked).
    std::vector<Ev> events() {
        std::vector<Ev> out;
        for (; last_used != used_idx(); last_used++) {
            unsigned slot = last_used % kNum;
            uint32_t id = used_id(slot);
            REQUIRE(id < kNum);
            CHECK(used_len(slot) == 8);
            out.push_back({peek<uint16_t>(kBuf + 8 * id), peek<uint16_t>(kBuf + 8 * id + 2),
                           peek<int32_t>(kBuf + 8 * id + 4)});
        }
        return out;
    }
    // Gives buffers (never more than the ring holds) until n events came; what came.
    std::vector<Ev> drain(size_t n) {
        std::vector<Ev> got;
        for (int round = 0; round < 100 && got.size() < n; round++) {
            size_t outstanding = uint16_t(next_head - last_used);
            size_t want = std::min(n - got.size() - std::min(outstanding, n - got.size()), kNum - outstanding);
            if (want) give(unsigned(want));
            else work.run_pending();
            for (const Ev& e : events()) got.push_back(e);
        }
        return got;
    }
    // As Linux: take the used events and put their buffers back.
    std::vector<Ev> recycle() {
        std::vector<Ev> got = events();
        if (!got.empty()) give(unsigned(got.size()));
        return got;
    }
    // One status buffer holding `bytes`; returns the used length once served.
    void status(const std::string& bytes) {
        uint16_t head = s_next++ % kNum;
        REQUIRE(as.write_phys(kSBuf + 64 * head, bytes.data(), bytes.size()));
        desc(kSDesc, head, kSBuf + 64 * head, uint32_t(bytes.size()), 0);
        make_available(head, kNum, kSAvail);
        notify(1);
    }
    static std::string ev_bytes(uint16_t type, uint16_t code, int32_t value) {
        std::string s(8, '\0');
        memcpy(s.data(), &type, 2);
        memcpy(s.data() + 2, &code, 2);
        memcpy(s.data() + 4, &value, 4);
        return s;
    }
    // Config space as Linux's driver reads it: select and subsel bytes, then size.
    uint8_t select(uint8_t sel, uint8_t sub) {
        t.write(mmio::CONFIG + 0, 1, sel);
        t.write(mmio::CONFIG + 1, 1, sub);
        return uint8_t(t.read(mmio::CONFIG + 2, 1));
    }
    std::vector<uint8_t> payload(unsigned n) {
        std::vector<uint8_t> v;
        for (unsigned i = 0; i < n; i++) v.push_back(uint8_t(t.read(mmio::CONFIG + 8 + i, 1)));
        return v;
    }
    std::string string_of(uint8_t sel) {
        uint8_t n = select(sel, 0);
        std::vector<uint8_t> p = payload(n);
        return std::string(p.begin(), p.end());
    }
    bool has_bit(uint8_t type, uint16_t code) {
        uint8_t n = select(CFG_EV_BITS, type);
        if (code / 8u >= n) return false;
        return t.read(mmio::CONFIG + 8 + code / 8, 1) >> (code % 8) & 1;
    }
};

}  // namespace

TEST_CASE("virtio-input: identity, queues and the configuration space of each kind") {
    InputHub hub;
    {
        InputBench b(hub, Kind::Keyboard);
        CHECK(b.rd(mmio::DEVICE_ID) == 18);
        b.wr(mmio::DEVICE_FEATURES_SEL, 0);
        CHECK(b.rd(mmio::DEVICE_FEATURES) == (bit(F_INDIRECT_DESC) | bit(F_EVENT_IDX)));  // none of its own
        for (unsigned q : {0u, 1u}) {
            b.wr(mmio::QUEUE_SEL, q);
            CHECK(b.rd(mmio::QUEUE_NUM_MAX) == 64);
        }
        b.wr(mmio::QUEUE_SEL, 2);
        CHECK(b.rd(mmio::QUEUE_NUM_MAX) == 0);
        CHECK(b.string_of(CFG_ID_NAME) == "QEMU Virtio Keyboard");
        CHECK(b.select(CFG_ID_SERIAL, 0) == 0);  // no serial= given
        CHECK(b.select(CFG_ID_DEVIDS, 0) == 8);
        CHECK(b.t.read(mmio::CONFIG + 8, 4) == (0x0627u << 16 | BUS_VIRTUAL));  // bustype, vendor
        CHECK(b.t.read(mmio::CONFIG + 12, 4) == (0x0001u << 16 | 0x0001));      // product, version
        CHECK(b.select(CFG_PROP_BITS, 0) == 0);
        CHECK(b.select(CFG_EV_BITS, EV_KEY) == KEY_MEDIA / 8 + 1);  // QEMU's keys, up to KEY_MEDIA
        CHECK(b.has_bit(EV_KEY, KEY_MEDIA));
        CHECK_FALSE(b.has_bit(EV_KEY, 0xf0));  // KEY_UNKNOWN: QEMU's map never sends it
        CHECK(b.has_bit(EV_KEY, KEY_A));
        CHECK(b.has_bit(EV_KEY, KEY_ESC));
        CHECK_FALSE(b.has_bit(EV_KEY, 0));  // KEY_RESERVED
        CHECK_FALSE(b.has_bit(EV_KEY, BTN_LEFT));
        CHECK(b.select(CFG_EV_BITS, EV_REP) == 1);  // supported, no codes
        CHECK(b.payload(1) == std::vector<uint8_t>{0});
        CHECK(b.select(CFG_EV_BITS, EV_LED) == 1);
        CHECK(b.payload(1) == std::vector<uint8_t>{0x07});  // NUML, CAPSL, SCROLLL
        CHECK(b.select(CFG_EV_BITS, EV_REL) == 0);
        CHECK(b.select(CFG_EV_BITS, EV_ABS) == 0);
        CHECK(b.select(CFG_ABS_INFO, ABS_X) == 0);
        // Unknown selects, and subsels where there are none, read size 0 and a zero union.
        CHECK(b.select(0x42, 0) == 0);
        CHECK(b.payload(8) == std::vector<uint8_t>(8, 0));
        CHECK(b.select(CFG_ID_NAME, 1) == 0);
        CHECK(b.select(CFG_UNSET, 0) == 0);
        // select and subsel read back; the rest is read-only (a guest-error line).
        b.select(CFG_EV_BITS, EV_LED);
        CHECK(b.t.read(mmio::CONFIG, 2) == (EV_LED << 8 | CFG_EV_BITS));
        GuestErrorLog log;
        b.t.write(mmio::CONFIG + 2, 1, 99);
        b.t.write(mmio::CONFIG + 8, 4, 0xffffffff);
        CHECK(b.t.read(mmio::CONFIG + 2, 1) == 1);
        CHECK(b.t.read(mmio::CONFIG + 8, 1) == 0x07);
        CHECK(log.count("only select and subsel are writable") == 2);
        // One 2-byte write sets both.
        b.t.write(mmio::CONFIG, 2, CFG_EV_BITS | EV_KEY << 8);
        CHECK(b.t.read(mmio::CONFIG + 2, 1) == KEY_MEDIA / 8 + 1);
        CHECK_FALSE(hub.has_absolute_pointer());
    }
    {
        InputBench b(hub, Kind::Mouse);
        CHECK(b.string_of(CFG_ID_NAME) == "QEMU Virtio Mouse");
        CHECK(b.select(CFG_ID_DEVIDS, 0) == 8);
        CHECK(b.t.read(mmio::CONFIG + 12, 4) == (0x0002u << 16 | 0x0002));
        CHECK(b.select(CFG_EV_BITS, EV_REL) == 2);
        CHECK(b.payload(2) == std::vector<uint8_t>{0x03, 0x01});  // REL_X, REL_Y, REL_WHEEL
        for (uint16_t btn : {BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA}) CHECK(b.has_bit(EV_KEY, btn));
        CHECK_FALSE(b.has_bit(EV_KEY, KEY_A));
        CHECK(b.select(CFG_EV_BITS, EV_ABS) == 0);
        CHECK(b.select(CFG_EV_BITS, EV_LED) == 0);
        CHECK(b.select(CFG_EV_BITS, EV_REP) == 0);
        CHECK_FALSE(hub.has_absolute_pointer());
    }
    {
        InputBench b(hub, Kind::Tablet, "tab-01");
        CHECK(b.string_of(CFG_ID_NAME) == "QEMU Virtio Tablet");
        CHECK(b.string_of(CFG_ID_SERIAL) == "tab-01");
        CHECK(b.select(CFG_ID_DEVIDS, 0) == 8);
        CHECK(b.t.read(mmio::CONFIG + 12, 4) == (0x0002u << 16 | 0x0003));
        CHECK(b.select(CFG_EV_BITS, EV_ABS) == 1);
        CHECK(b.payload(1) == std::vector<uint8_t>{0x03});
        CHECK(b.select(CFG_EV_BITS, EV_REL) == 2);
        CHECK(b.payload(2) == std::vector<uint8_t>{0x00, 0x01});  // the wheel only
        CHECK(b.has_bit(EV_KEY, BTN_LEFT));
        for (uint8_t axis : {ABS_X, ABS_Y}) {
            CHECK(b.select(CFG_ABS_INFO, axis) == 20);
            CHECK(b.t.read(mmio::CONFIG + 8, 4) == 0);            // min
            CHECK(b.t.read(mmio::CONFIG + 12, 4) == 0x7fff);      // max
            CHECK(b.t.read(mmio::CONFIG + 16, 8) == 0);           // fuzz, flat
            CHECK(b.t.read(mmio::CONFIG + 24, 4) == 0);           // res
        }
        CHECK(b.select(CFG_ABS_INFO, 2) == 0);
        CHECK(b.select(CFG_ABS_INFO, 0x35) == 0);  // ABS_MT_POSITION_X: not a multitouch device
        CHECK(hub.has_absolute_pointer());
    }
    CHECK_FALSE(hub.has_listeners());
}

TEST_CASE("virtio-input: the registry's devices, serial= checked") {
    Display display;
    MachineConfig cfg;
    for (const char* name : {"virtio-keyboard-device", "virtio-mouse-device", "virtio-tablet-device"}) {
        const VirtioDeviceInfo* info = find_virtio_device(name);
        REQUIRE(info);
        DeviceConfig d{name, {{"serial", "s1"}}};
        auto dev = info->create(d, cfg, DeviceContext{&display});
        CHECK(std::string(dev->name()) == name);
        CHECK(dev->device_id() == 18);
        CHECK(display.input().has_listeners());
        DeviceConfig bad{name, {{"serial", std::string(128, 'x')}}};
        CHECK_THROWS_AS(info->create(bad, cfg, DeviceContext{&display}), ConfigError);
        DeviceConfig longest{name, {{"serial", std::string(127, 'x')}}};
        CHECK(info->create(longest, cfg, DeviceContext{&display}) != nullptr);
    }
    CHECK(find_virtio_device("virtio-keyboard") == find_virtio_device("virtio-keyboard-device"));
    CHECK(find_virtio_device("virtio-tablet") == find_virtio_device("virtio-tablet-device"));
    CHECK(find_virtio_device("virtio-mouse") == find_virtio_device("virtio-mouse-device"));
    CHECK_FALSE(display.input().has_listeners());
    // No display: a device without input, still a device.
    auto dev = find_virtio_device("virtio-mouse-device")->create(DeviceConfig{"virtio-mouse-device", {}}, cfg, DeviceContext{});
    CHECK(dev->device_id() == 18);
}

TEST_CASE("virtio-input: hub events arrive in order as evdev records, each report with its SYN") {
    InputHub hub;
    SUBCASE("keyboard") {
        InputBench b(hub, Kind::Keyboard);
        b.start();
        b.give(16);
        hub.key(KEY_A, true);
        hub.key(KEY_A, false);
        hub.send_report({{InputKind::Key, KEY_CAPSLOCK, 1}, {InputKind::Key, KEY_ESC, 1}});
        CHECK(b.events().empty());  // delivered on the vCPU thread's service step
        b.work.run_pending();
        CHECK(b.events() == std::vector<Ev>{{EV_KEY, KEY_A, 1}, kSyn, {EV_KEY, KEY_A, 0}, kSyn,
                                            {EV_KEY, KEY_CAPSLOCK, 1}, {EV_KEY, KEY_ESC, 1}, kSyn});
        CHECK(b.irq.level);
        // What a keyboard does not take: buttons, motion, codes it does not advertise. A
        // report with nothing left is not sent (no lone SYN).
        hub.send_report({{InputKind::Button, BTN_LEFT, 1}, {InputKind::Rel, REL_X, 3}, {InputKind::Abs, ABS_X, 9}});
        hub.key(0x2ff, true);
        hub.key(0xf0, true);
        hub.key(0, true);
        b.work.run_pending();
        CHECK(b.events().empty());
    }
    SUBCASE("mouse") {
        InputBench b(hub, Kind::Mouse);
        b.start();
        b.give(16);
        hub.send_report({{InputKind::Rel, REL_X, 5}, {InputKind::Rel, REL_Y, -3}, {InputKind::Button, BTN_LEFT, 1}});
        hub.send_report({{InputKind::Rel, REL_WHEEL, -1}, {InputKind::Abs, ABS_X, 7}, {InputKind::Key, KEY_A, 1}});
        hub.send_report({{InputKind::Abs, ABS_X, 7}});
        b.work.run_pending();
        CHECK(b.events() == std::vector<Ev>{{EV_REL, REL_X, 5}, {EV_REL, REL_Y, -3}, {EV_KEY, BTN_LEFT, 1}, kSyn,
                                            {EV_REL, REL_WHEEL, -1}, kSyn});
    }
    SUBCASE("tablet") {
        InputBench b(hub, Kind::Tablet);
        b.start();
        b.give(16);
        hub.send_report({{InputKind::Abs, ABS_X, 0}, {InputKind::Abs, ABS_Y, kInputAbsMax}});
        hub.send_report({{InputKind::Button, BTN_RIGHT, 1}, {InputKind::Rel, REL_X, 4}, {InputKind::Rel, REL_WHEEL, 1}});
        b.work.run_pending();
        CHECK(b.events() == std::vector<Ev>{{EV_ABS, ABS_X, 0}, {EV_ABS, ABS_Y, 0x7fff}, kSyn,
                                            {EV_KEY, BTN_RIGHT, 1}, {EV_REL, REL_WHEEL, 1}, kSyn});
    }
    SUBCASE("a report waits for buffers, split across them as they come") {
        InputBench b(hub, Kind::Mouse);
        b.start();
        b.give(2);
        hub.send_report({{InputKind::Rel, REL_X, 1}, {InputKind::Rel, REL_Y, 2}});
        b.work.run_pending();
        CHECK(b.events() == std::vector<Ev>{{EV_REL, REL_X, 1}, {EV_REL, REL_Y, 2}});
        b.give(4);  // the driver's kick delivers the rest
        CHECK(b.events() == std::vector<Ev>{kSyn});
    }
}

TEST_CASE("virtio-input: events from other threads, while the driver recycles its buffers") {
    InputHub hub;
    InputBench b(hub, Kind::Keyboard);
    b.start();
    b.give(8);  // few buffers: delivery keeps waiting on the driver
    constexpr int kPerThread = 60;
    auto sender = [&hub](uint16_t base) {
        for (int i = 0; i < kPerThread; i++) {
            hub.key(uint16_t(base + i % 20), i % 2 == 0);
            if (i % 7 == 0) std::this_thread::yield();
        }
    };
    std::thread t1(sender, 2), t2(sender, 30);
    std::vector<Ev> got;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (got.size() < 4u * kPerThread && std::chrono::steady_clock::now() < deadline) {
        b.work.run_pending();
        for (const Ev& e : b.recycle()) got.push_back(e);
        std::this_thread::yield();
    }
    t1.join();
    t2.join();
    b.work.run_pending();
    for (const Ev& e : b.recycle()) got.push_back(e);
    // 240 events fit the pending bound: none dropped, each thread's reports whole and in order.
    CHECK(b.dev->dropped_reports() == 0);
    REQUIRE(got.size() == 4u * kPerThread);
    int seen[2] = {0, 0};
    for (size_t i = 0; i < got.size(); i += 2) {
        CHECK(got[i + 1] == kSyn);
        REQUIRE(got[i].type == EV_KEY);
        int who = got[i].code >= 30 ? 1 : 0;
        int n = seen[who]++;
        CHECK(got[i].code == uint16_t((who ? 30 : 2) + n % 20));
        CHECK(got[i].value == (n % 2 == 0 ? 1 : 0));
    }
    CHECK(seen[0] == kPerThread);
    CHECK(seen[1] == kPerThread);
}

TEST_CASE("virtio-input: with no buffers the pending queue stays bounded and drops whole old reports") {
    InputHub hub;
    InputBench b(hub, Kind::Mouse);
    GuestErrorLog log;
    b.start();
    // 200 reports of 3 events: 600 > kMaxPendingEvents (256).
    for (int i = 0; i < 200; i++) hub.send_report({{InputKind::Rel, REL_X, i}, {InputKind::Rel, REL_Y, -i}});
    b.work.run_pending();
    constexpr int kKept = int(VirtioInput::kMaxPendingEvents / 3);  // 85
    CHECK(b.dev->dropped_reports() == uint64_t(200 - kKept));
    CHECK(log.count("the driver takes no events") == 1);  // one line per episode
    std::vector<Ev> got = b.drain(3u * kKept);
    REQUIRE(got.size() == 3u * kKept);
    b.give(1);
    CHECK(b.events().empty());  // nothing more
    for (int r = 0; r < kKept; r++) {
        int i = 200 - kKept + r;  // the newest reports, in order, each whole
        CHECK(got[3 * r] == Ev{EV_REL, REL_X, i});
        CHECK(got[3 * r + 1] == Ev{EV_REL, REL_Y, -i});
        CHECK(got[3 * r + 2] == kSyn);
    }
    SUBCASE("a report the guest has partly seen is finished, not dropped") {
        hub.send_report({{InputKind::Rel, REL_X, 1000}, {InputKind::Rel, REL_Y, 1000}});
        b.work.run_pending();
        CHECK(b.events() == std::vector<Ev>{{EV_REL, REL_X, 1000}});  // the one buffer left
        for (int i = 0; i < 200; i++) hub.send_report({{InputKind::Rel, REL_X, i}, {InputKind::Rel, REL_Y, -i}});
        b.work.run_pending();
        constexpr size_t kLeft = 2 + 3 * ((VirtioInput::kMaxPendingEvents - 3) / 3);  // the rest of it, 84 more
        got = b.drain(kLeft);
        REQUIRE(got.size() == kLeft);
        CHECK(got[0] == Ev{EV_REL, REL_Y, 1000});
        CHECK(got[1] == kSyn);
        CHECK((got.size() - 2) % 3 == 0);
        CHECK(got.size() - 2 <= VirtioInput::kMaxPendingEvents);
        CHECK(got[got.size() - 3] == Ev{EV_REL, REL_X, 199});
    }
    SUBCASE("a report too long for the device is dropped whole") {
        std::vector<InputEvent> longr;
        for (size_t i = 0; i <= VirtioInput::kMaxReportEvents; i++) longr.push_back({InputKind::Rel, REL_X, int32_t(i)});
        hub.send_report(longr);
        hub.send_report({{InputKind::Rel, REL_Y, 5}});
        b.work.run_pending();
        CHECK(b.drain(2) == std::vector<Ev>{{EV_REL, REL_Y, 5}, kSyn});
        CHECK(log.count("a report of more than") == 1);
    }
}

TEST_CASE("virtio-input: nothing reaches the guest before DRIVER_OK") {
    InputHub hub;
    InputBench b(hub, Kind::Keyboard);
    REQUIRE((b.negotiate(0) & STATUS_FEATURES_OK));
    b.setup_queue(0, InputBench::kNum, InputBench::kDesc, InputBench::kAvail, InputBench::kUsed);
    b.setup_queue(1, InputBench::kNum, InputBench::kSDesc, InputBench::kSAvail, InputBench::kSUsed);
    b.give(8);  // buffers before DRIVER_OK: the notify waits
    hub.key(KEY_A, true);
    CHECK(b.work.empty());  // nothing even posted
    b.work.run_pending();
    CHECK(b.used_idx() == 0);
    b.wr(mmio::STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    b.work.run_pending();
    // As QEMU: what came while the driver was not up is dropped, not replayed.
    CHECK(b.used_idx() == 0);
    hub.key(KEY_A, false);
    b.work.run_pending();
    CHECK(b.events() == std::vector<Ev>{{EV_KEY, KEY_A, 0}, kSyn});
}

TEST_CASE("virtio-input: the statusq's LED events are taken and the buffers returned") {
    InputHub hub;
    InputBench b(hub, Kind::Keyboard);
    GuestErrorLog log;
    b.start();
    b.status(InputBench::ev_bytes(EV_LED, LED_CAPSL, 1));
    CHECK(b.used_idx(InputBench::kSUsed) == 1);
    CHECK(b.used_len(0, InputBench::kSUsed) == 0);  // nothing written into it
    CHECK(b.dev->leds() == 1u << LED_CAPSL);
    b.status(InputBench::ev_bytes(EV_LED, LED_NUML, 1) + InputBench::ev_bytes(EV_LED, LED_SCROLLL, 1));
    CHECK(b.dev->leds() == 7);
    b.status(InputBench::ev_bytes(EV_LED, LED_CAPSL, 0));
    CHECK(b.dev->leds() == 5);
    // Ignored (5.8.6.2), returned: other event types, LEDs it does not have, a short buffer.
    b.status(InputBench::ev_bytes(EV_REP, 0, 250));
    b.status(InputBench::ev_bytes(EV_LED, 5, 1));
    b.status(InputBench::ev_bytes(EV_SYN, 0, 0));
    b.status(std::string("\x11\x00\x01\x00", 4));
    CHECK(b.dev->leds() == 5);
    CHECK(b.used_idx(InputBench::kSUsed) == 7);
    CHECK(log.count("status buffer of 4 readable bytes") == 1);
    CHECK_FALSE(b.needs_reset());
    // A mouse has no LEDs: an LED event is returned and changes nothing.
    InputHub hub2;
    InputBench m(hub2, Kind::Mouse);
    m.start();
    m.status(InputBench::ev_bytes(EV_LED, LED_CAPSL, 1));
    CHECK(m.used_idx(InputBench::kSUsed) == 1);
    CHECK(m.dev->leds() == 0);
}

TEST_CASE("virtio-input: a short event buffer comes back empty, the event waits for the next") {
    InputHub hub;
    InputBench b(hub, Kind::Keyboard);
    GuestErrorLog log;
    b.start();
    b.give(1, 4);  // 4 writable bytes
    // A read-only buffer: no writable byte at all.
    uint16_t head = b.next_head++ % InputBench::kNum;
    b.desc(InputBench::kDesc, head, InputBench::kBuf + 8 * head, 8, 0);
    b.make_available(head, InputBench::kNum);
    b.give(2);
    hub.key(KEY_A, true);
    b.work.run_pending();
    REQUIRE(b.used_idx() == 4);
    CHECK(b.used_len(0) == 0);
    CHECK(b.used_len(1) == 0);
    CHECK(b.peek<uint64_t>(InputBench::kBuf + 8 * b.used_id(0)) == 0xdeadbeefdeadbeefull);  // untouched
    CHECK(b.used_len(2) == 8);
    CHECK(b.used_len(3) == 8);
    CHECK(b.peek<uint16_t>(InputBench::kBuf + 8 * b.used_id(2) + 2) == KEY_A);
    CHECK(log.count("returned empty") == 2);
    CHECK_FALSE(b.needs_reset());
}

TEST_CASE("virtio-input: reset drops pending events, LEDs and the selection") {
    InputHub hub;
    InputBench b(hub, Kind::Keyboard);
    b.start();
    hub.key(KEY_A, true);  // no buffers: it waits
    b.work.run_pending();
    b.status(InputBench::ev_bytes(EV_LED, LED_NUML, 1));
    CHECK(b.dev->leds() == 1);
    b.select(CFG_ID_NAME, 0);
    hub.key(KEY_A, false);  // posted, and the reset comes before the service step
    b.wr(mmio::STATUS, 0);
    CHECK(b.dev->leds() == 0);
    CHECK(b.t.read(mmio::CONFIG, 4) == 0);  // select, subsel, size
    b.last_used = 0;
    b.next_head = 0;
    b.poke<uint16_t>(InputBench::kAvail + 2, 0);
    b.start();
    b.give(8);
    b.work.run_pending();
    CHECK(b.used_idx() == 0);  // nothing from before the reset
    hub.key(KEY_ESC, true);
    b.work.run_pending();
    CHECK(b.events() == std::vector<Ev>{{EV_KEY, KEY_ESC, 1}, kSyn});
}

TEST_CASE("virtio-input: the device unsubscribes when it goes; no listener call after") {
    InputHub hub;
    std::atomic<bool> stop{false};
    std::atomic<long> sent{0};
    auto b = std::make_unique<InputBench>(hub, Kind::Tablet);
    b->start();
    b->give(64);
    CHECK(hub.has_listeners());
    CHECK(hub.has_absolute_pointer());
    // A sender keeps going while the device is destroyed (ASan/TSan builds see any call into
    // the freed device).
    std::thread sender([&] {
        while (!stop) {
            hub.send_report({{InputKind::Abs, ABS_X, int32_t(sent % 100)}, {InputKind::Abs, ABS_Y, 1}});
            sent++;
        }
    });
    while (sent < 50) std::this_thread::yield();
    b->work.run_pending();
    CHECK(b->used_idx() > 0);
    b.reset();
    CHECK_FALSE(hub.has_listeners());
    CHECK_FALSE(hub.has_absolute_pointer());
    long at = sent;
    while (sent < at + 50) std::this_thread::yield();
    stop = true;
    sender.join();
}
