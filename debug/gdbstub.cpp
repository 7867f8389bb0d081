#include "debug/gdbstub.h"

#include <cstring>
#include <vector>

#include "core/cpu.h"
#include "debug/gdb_packets.h"
#include "debug/gdb_target_xml.h"

namespace tessera {

using namespace gdb;

namespace {

bool valid_size(const RegInfo& r) { return r.bits != 0 && r.bits % 8 == 0; }

// "0", "-1", "1" and "p1.1"-style ids all name our one thread (or any thread).
bool our_thread(std::string_view id) {
    if (id.substr(0, 1) == "p") {
        auto dot = split_once(id.substr(1), '.');
        if (!dot) return id == "p1" || id == "p-1";
        id = dot->second;
    }
    if (id == "-1" || id == "0") return true;
    auto n = parse_hex_u64(id);
    return n && *n == 1;
}

}  // namespace

GdbStub::GdbStub(DebugTarget& target, const std::string& spec, bool start_stopped)
    : target_(target), running_(!start_stopped), link_(spec, *this) {}

GdbStub::~GdbStub() { link_.close(); }

void GdbStub::on_connect() {
    std::lock_guard lock(mu_);
    if (running_) target_.request_debug_stop();  // GDB expects to find the target stopped
}

void GdbStub::on_interrupt() {
    std::lock_guard lock(mu_);
    if (running_)
        target_.request_debug_stop();
    else
        interrupt_pending_ = true;  // GDB's 'c' may already be queued behind us
}

void GdbStub::on_disconnect() {
    std::lock_guard lock(mu_);
    cleanup_pending_ = true;
    if (running_ && points_maybe_set_) target_.request_debug_stop();  // to remove them
}

Resume GdbStub::stopped(const StopEvent& ev, bool wait_for_debugger) {
    bool cleanup;
    {
        std::lock_guard lock(mu_);
        running_ = false;
        interrupt_pending_ = false;  // this stop answers any Ctrl-C so far
        cleanup = cleanup_pending_;
        cleanup_pending_ = false;
        if (cleanup) points_maybe_set_ = false;
    }
    if (cleanup) target_.remove_all_points();

    uint64_t gen = link_.connection();
    if (ev.reason == StopReason::Exited) {
        if (gen != 0 && gen == gen_ && gdb_waiting_) reply(stop_reply(ev));
        gdb_waiting_ = false;
        return Resume::Kill;
    }
    if (gen == 0 && wait_for_debugger) {
        gen = link_.wait_connection();
        if (gen == 0) return Resume::Kill;  // closed while waiting
    }
    if (gen == 0) return resume(Resume::Continue);
    if (gen != gen_) {  // a new debugger: it has not asked for a stop reply
        gen_ = gen;
        gdb_waiting_ = false;
    }
    last_ = ev;
    if (gdb_waiting_) {
        reply(stop_reply(ev));
        gdb_waiting_ = false;
    }
    for (;;) {
        auto in = link_.next_packet(gen_);
        if (in.kind == GdbLink::Incoming::Closed) return Resume::Kill;
        if (in.kind == GdbLink::Incoming::Dropped) {
            {
                std::lock_guard lock(mu_);
                cleanup_pending_ = false;
                points_maybe_set_ = false;
            }
            target_.remove_all_points();
            gdb_waiting_ = false;
            return resume(Resume::Continue);
        }
        std::optional<Resume> done;
        handle(in.body, &done);
        if (done) return resume(*done);
    }
}

Resume GdbStub::resume(Resume how) {
    std::lock_guard lock(mu_);
    running_ = true;
    // A Ctrl-C that came while we served, or a debugger that connected meanwhile (it found
    // the guest stopped but nobody served it): stop again at once.
    uint64_t now = link_.connection();
    if (interrupt_pending_ || (now != 0 && now != gen_)) {
        interrupt_pending_ = false;
        target_.request_debug_stop();
    }
    return how;
}

std::string GdbStub::stop_reply(const StopEvent& ev) const {
    char buf[64];
    switch (ev.reason) {
    case StopReason::Interrupt: return "T02thread:1;";
    case StopReason::Breakpoint:
    case StopReason::Step: return "T05thread:1;";
    case StopReason::Watchpoint: {
        const char* kind = ev.watch_kind == 'r' ? "rwatch" : ev.watch_kind == 'a' ? "awatch" : "watch";
        snprintf(buf, sizeof buf, "T05%s:%llx;thread:1;", kind, (unsigned long long)ev.watch_addr);
        return buf;
    }
    case StopReason::Exited: snprintf(buf, sizeof buf, "W%02x", unsigned(ev.exit_status) & 0xff); return buf;
    }
    return "T05thread:1;";
}

void GdbStub::handle(std::string_view pkt, std::optional<Resume>* done) {
    if (pkt.empty()) return reply("");
    std::string_view args = pkt.substr(1);
    switch (pkt[0]) {
    case '?': return reply(stop_reply(last_));
    case 'g': return reply(read_registers());
    case 'G': return reply(write_registers(args));
    case 'p': return reply(read_register(args));
    case 'P': return reply(write_register(args));
    case 'm': return reply(read_memory(args));
    case 'M': return reply(write_memory(args, false));
    case 'X': return reply(write_memory(args, true));
    case 'Z': return reply(point(args, true));
    case 'z': return reply(point(args, false));
    case 'H': return reply(args.size() >= 2 && (args[0] == 'g' || args[0] == 'c') && our_thread(args.substr(1)) ? "OK" : "E01");
    case 'T': return reply(our_thread(args) ? "OK" : "E01");
    case 'c':
    case 's':
    case 'C':
    case 'S': {
        // c[ADDR], s[ADDR], Csig[;ADDR], Ssig[;ADDR]: the signal is not delivered to a machine.
        std::string_view addr = args;
        if (pkt[0] == 'C' || pkt[0] == 'S') {
            auto sig_addr = split_once(args, ';');
            if (!parse_hex_u64(sig_addr ? sig_addr->first : args)) return reply("E01");
            addr = sig_addr ? sig_addr->second : std::string_view{};
        }
        if (!addr.empty() && !set_pc(addr)) return reply("E01");
        gdb_waiting_ = true;
        *done = (pkt[0] == 'c' || pkt[0] == 'C') ? Resume::Continue : Resume::Step;
        return;
    }
    case 'D':
        reply("OK");
        {
            std::lock_guard lock(mu_);
            points_maybe_set_ = false;
        }
        target_.remove_all_points();
        gdb_waiting_ = false;
        *done = Resume::Detach;
        return;
    case 'k': *done = Resume::Kill; return;  // no reply: GDB does not wait for one
    case 'v': {
        if (pkt == "vCont?") return reply("vCont;c;C;s;S");
        if (pkt.starts_with("vCont;")) {
            std::string err;
            auto how = vcont(pkt.substr(6), &err);
            if (!how) return reply(err);
            gdb_waiting_ = true;
            *done = *how;
            return;
        }
        if (pkt.starts_with("vKill;")) {
            reply("OK");
            *done = Resume::Kill;
            return;
        }
        return reply("");  // vMustReplyEmpty and everything we do not do
    }
    case 'q': {
        if (pkt.starts_with("qSupported")) {
            char size[24];
            snprintf(size, sizeof size, "%zx", kMaxPacket);
            return reply(std::string("PacketSize=") + size + ";qXfer:features:read+;QStartNoAckMode+;vContSupported+");
        }
        constexpr std::string_view xfer = "qXfer:features:read:";
        if (pkt.starts_with(xfer)) {
            if (xml_.empty()) {
                Cpu& cpu = target_.debug_cpu();
                xml_ = target_xml(cpu.facts().gdb_arch, cpu.registers());
            }
            return reply(xfer_read(xml_, pkt.substr(xfer.size()), kMaxPacket));
        }
        if (pkt == "qAttached" || pkt.starts_with("qAttached:")) return reply("1");
        if (pkt == "qC") return reply("QC1");
        if (pkt == "qfThreadInfo") return reply("m1");
        if (pkt == "qsThreadInfo") return reply("l");
        return reply("");
    }
    case 'Q':
        if (pkt == "QStartNoAckMode") return reply("OK", true);
        return reply("");
    default: return reply("");
    }
}

std::optional<Resume> GdbStub::vcont(std::string_view actions, std::string* err) {
    // Actions are tried in order; the first that applies to thread 1 (no id, -1, or 1) wins.
    while (!actions.empty()) {
        std::string_view one = actions.substr(0, actions.find(';'));
        actions.remove_prefix(std::min(actions.size(), one.size() + 1));
        auto action_tid = split_once(one, ':');
        std::string_view action = action_tid ? action_tid->first : one;
        if (action_tid && !our_thread(action_tid->second)) continue;
        if (action == "c") return Resume::Continue;
        if (action == "s") return Resume::Step;
        if (action.size() > 1 && (action[0] == 'C' || action[0] == 'S') && parse_hex_u64(action.substr(1)))
            return action[0] == 'C' ? Resume::Continue : Resume::Step;
        break;  // 't', 'r' and anything unknown
    }
    *err = "E01";
    return std::nullopt;
}

std::string GdbStub::read_registers() {
    Cpu& cpu = target_.debug_cpu();
    std::string out;
    uint8_t buf[64];
    std::vector<uint8_t> big;
    auto regs = cpu.registers();
    for (unsigned index = 0; index < regs.size(); index++) {
        const RegInfo& r = regs[index];
        // GDB lays the 'g' packet out by register number: only a leading run is valid.
        if (!r.in_g_packet || !valid_size(r)) break;
        size_t n = r.bits / 8;
        uint8_t* p = buf;
        if (n > sizeof buf) {
            big.assign(n, 0);
            p = big.data();
        }
        if (out.size() + 2 * n > kMaxPacket) break;
        out += cpu.read_register(index, p) ? hex_encode(p, n) : std::string(2 * n, 'x');
    }
    return out;
}

std::string GdbStub::write_registers(std::string_view hex) {
    Cpu& cpu = target_.debug_cpu();
    auto regs = cpu.registers();
    auto bytes = hex_decode(hex);
    if (!bytes) return "E01";
    // The layout must be exactly what 'g' sent.
    size_t total = 0, count = 0;
    for (const RegInfo& r : regs) {
        if (!r.in_g_packet || !valid_size(r) || 2 * (total + r.bits / 8) > kMaxPacket) break;
        total += r.bits / 8;
        count++;
    }
    if (bytes->size() != total) return "E01";
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        cpu.write_register(unsigned(i), bytes->data() + at);  // read-only ones stay as they are
        at += regs[i].bits / 8;
    }
    return "OK";
}

std::string GdbStub::read_register(std::string_view args) {
    Cpu& cpu = target_.debug_cpu();
    auto regs = cpu.registers();
    auto n = parse_hex_u64(args);
    if (!n || *n >= regs.size() || !valid_size(regs[*n])) return "E01";
    std::vector<uint8_t> buf(regs[*n].bits / 8);
    if (!cpu.read_register(unsigned(*n), buf.data())) return std::string(2 * buf.size(), 'x');
    return hex_encode(buf.data(), buf.size());
}

std::string GdbStub::write_register(std::string_view args) {
    Cpu& cpu = target_.debug_cpu();
    auto regs = cpu.registers();
    auto num_val = split_once(args, '=');
    if (!num_val) return "E01";
    auto n = parse_hex_u64(num_val->first);
    auto bytes = hex_decode(num_val->second);
    if (!n || !bytes || *n >= regs.size() || !valid_size(regs[*n]) || bytes->size() != regs[*n].bits / 8u)
        return "E01";
    return cpu.write_register(unsigned(*n), bytes->data()) ? "OK" : "E01";
}

std::string GdbStub::read_memory(std::string_view args) {
    auto addr_len = split_once(args, ',');
    if (!addr_len) return "E01";
    auto addr = parse_hex_u64(addr_len->first);
    auto len = parse_hex_u64(addr_len->second);
    if (!addr || !len) return "E01";
    // A short answer is allowed: GDB asks again for the rest. Never wrap past 2^64.
    uint64_t n = std::min<uint64_t>(*len, kMaxPacket / 2);
    if (n > ~*addr) n = ~*addr + 1;
    if (n == 0) return "";
    std::vector<uint8_t> buf(n);
    size_t got = target_.debug_cpu().debug_read(*addr, buf.data(), buf.size());
    if (got == 0) return "E14";  // EFAULT, as other stubs answer
    return hex_encode(buf.data(), std::min(got, buf.size()));
}

std::string GdbStub::write_memory(std::string_view args, bool binary) {
    auto head_data = split_once(args, ':');
    if (!head_data) return "E01";
    auto addr_len = split_once(head_data->first, ',');
    if (!addr_len) return "E01";
    auto addr = parse_hex_u64(addr_len->first);
    auto len = parse_hex_u64(addr_len->second);
    if (!addr || !len) return "E01";
    std::vector<uint8_t> data;
    if (binary) {
        auto raw = unescape_binary(head_data->second);
        if (!raw) return "E01";
        data.assign(raw->begin(), raw->end());
    } else {
        auto hex = hex_decode(head_data->second);
        if (!hex) return "E01";
        data = std::move(*hex);
    }
    if (data.size() != *len) return "E01";
    if (data.empty()) return "OK";  // GDB probes X support with an empty write
    if (data.size() - 1 > ~*addr) return "E01";
    size_t done = target_.debug_cpu().debug_write(*addr, data.data(), data.size());
    return done == data.size() ? "OK" : "E14";
}

std::string GdbStub::point(std::string_view args, bool insert) {
    // TYPE,ADDR,KIND[;conditions]: conditions are evaluated by GDB, not by us.
    std::string_view head = args.substr(0, args.find(';'));
    auto type_rest = split_once(head, ',');
    if (!type_rest) return "E01";
    auto addr_kind = split_once(type_rest->second, ',');
    auto type = parse_hex_u64(type_rest->first);
    if (!type || *type > 4) return "";  // a kind we do not know: "not supported"
    if (!addr_kind) return "E01";
    auto addr = parse_hex_u64(addr_kind->first);
    auto kind = parse_hex_u64(addr_kind->second);
    if (!addr || !kind) return "E01";
    auto pk = PointKind(*type);
    if (!insert) return target_.remove_point(pk, *addr, *kind) ? "OK" : "E01";
    if (!target_.insert_point(pk, *addr, *kind)) return "E01";
    std::lock_guard lock(mu_);
    points_maybe_set_ = true;
    return "OK";
}

bool GdbStub::set_pc(std::string_view hex_addr) {
    auto addr = parse_hex_u64(hex_addr);
    if (!addr) return false;
    Cpu& cpu = target_.debug_cpu();
    auto regs = cpu.registers();
    for (size_t i = 0; i < regs.size(); i++) {
        if (regs[i].name && std::strcmp(regs[i].name, "pc") == 0 && valid_size(regs[i]) && regs[i].bits <= 64) {
            uint8_t bytes[8];
            for (int b = 0; b < 8; b++) bytes[b] = uint8_t(*addr >> (8 * b));  // little-endian
            return cpu.write_register(unsigned(i), bytes);
        }
    }
    return false;
}

}  // namespace tessera
