#include "debug/gdb_target_xml.h"

#include <vector>

#include "debug/gdb_packets.h"

namespace tessera::gdb {

namespace {

// Register names come from our own tables, but a quote in one must not break the document.
std::string xml_text(const char* s) {
    std::string out;
    for (; s && *s; s++) {
        switch (*s) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += *s;
        }
    }
    return out;
}

bool same(const char* a, const char* b) { return std::string_view(a ? a : "") == std::string_view(b ? b : ""); }

}  // namespace

std::string target_xml(const char* arch, std::span<const RegInfo> regs) {
    std::string x = "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n";
    x += "  <architecture>" + xml_text(arch) + "</architecture>\n";
    std::vector<const char*> features;
    for (const RegInfo& r : regs) {
        bool seen = false;
        for (const char* f : features) seen |= same(f, r.feature);
        if (!seen) features.push_back(r.feature);
    }
    for (const char* f : features) {
        x += "  <feature name=\"" + xml_text(f) + "\">\n";
        std::vector<const char*> types;  // the feature's own type definitions, once each
        for (const RegInfo& r : regs) {
            if (!same(r.feature, f) || !r.type_xml) continue;
            bool seen = false;
            for (const char* t : types) seen |= same(t, r.type_xml);
            if (!seen) {
                types.push_back(r.type_xml);
                x += r.type_xml;
            }
        }
        for (size_t n = 0; n < regs.size(); n++) {
            const RegInfo& r = regs[n];
            if (!same(r.feature, f) || r.bits == 0 || r.bits % 8) continue;
            x += "    <reg name=\"" + xml_text(r.name) + "\" bitsize=\"" + std::to_string(r.bits) +
                 "\" type=\"" + xml_text(r.type ? r.type : "int") + "\" regnum=\"" + std::to_string(n) + "\"";
            if (r.group) x += " group=\"" + xml_text(r.group) + "\"";
            x += "/>\n";
        }
        x += "  </feature>\n";
    }
    x += "</target>\n";
    return x;
}

std::string xfer_read(std::string_view document, std::string_view args, size_t max_reply) {
    auto annex_rest = split_once(args, ':');
    if (!annex_rest) return "E01";
    if (annex_rest->first != "target.xml") return "E00";
    auto off_len = split_once(annex_rest->second, ',');
    if (!off_len) return "E01";
    auto offset = parse_hex_u64(off_len->first);
    auto length = parse_hex_u64(off_len->second);
    if (!offset || !length) return "E01";
    if (*offset >= document.size()) return "l";
    // Escaping can double a byte, so take raw bytes until the escaped reply would not fit.
    std::string_view rest = document.substr(*offset);
    size_t budget = max_reply > 1 ? max_reply - 1 : 0;
    std::string data;
    size_t taken = 0;
    while (taken < rest.size() && taken < *length) {
        std::string e = escape_binary(rest.substr(taken, 1));
        if (data.size() + e.size() > budget) break;
        data += e;
        taken++;
    }
    return (taken == rest.size() ? "l" : "m") + data;
}

}  // namespace tessera::gdb
