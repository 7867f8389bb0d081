// The target description built from a CPU's register table, and its qXfer chunking.
#include <doctest/doctest.h>

#include "debug/gdb_packets.h"
#include "debug/gdb_target_xml.h"
#include "test_gdb_fakes.h"

using namespace tessera;
using namespace tessera::gdb;

namespace {
size_t count(const std::string& s, std::string_view what) {
    size_t n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) n++;
    return n;
}
}  // namespace

TEST_CASE("target.xml: architecture, one feature per name, regnum = index") {
    test::GdbFakeCpu cpu;
    std::string x = target_xml(cpu.facts().gdb_arch, cpu.registers());
    CHECK(x.find("<architecture>riscv:rv64</architecture>") != std::string::npos);
    CHECK(count(x, "<feature ") == 3);
    CHECK(count(x, "<feature name=\"org.gnu.gdb.riscv.cpu\">") == 1);
    CHECK(count(x, "<feature name=\"org.gnu.gdb.riscv.fpu\">") == 1);
    CHECK(count(x, "<feature name=\"org.gnu.gdb.riscv.csr\">") == 1);
    CHECK(count(x, "<reg ") == cpu.registers().size());
    CHECK(x.find("<reg name=\"zero\" bitsize=\"64\" type=\"int\" regnum=\"0\" group=\"general\"/>") != std::string::npos);
    CHECK(x.find("<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\" group=\"general\"/>") != std::string::npos);
    CHECK(x.find("<reg name=\"ft0\" bitsize=\"64\" type=\"ieee_double\" regnum=\"33\" group=\"float\"/>") != std::string::npos);
    CHECK(x.find("<reg name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"67\"") != std::string::npos);
    CHECK(x.find("<reg name=\"mstatus\" bitsize=\"64\" type=\"int\" regnum=\"68\" group=\"system\"/>") != std::string::npos);
    // Every register sits in its own feature: pc comes before the fpu feature opens.
    CHECK(x.find("name=\"pc\"") < x.find("org.gnu.gdb.riscv.fpu"));
    CHECK(x.find("name=\"mstatus\"") > x.find("org.gnu.gdb.riscv.csr"));
}

TEST_CASE("target.xml: features interleaved in the table, odd names, odd sizes") {
    RegInfo regs[] = {
        {"a", 32, "int", "f.one", nullptr, true},
        {"b<&\"", 32, "int", "f.two", "general", false},
        {"c", 12, "int", "f.one", nullptr, false},  // not whole bytes: left out
        {"d", 64, "int", "f.one", nullptr, false},
    };
    std::string x = target_xml("test", regs);
    CHECK(count(x, "<feature ") == 2);
    CHECK(x.find("name=\"b&lt;&amp;&quot;\"") != std::string::npos);
    CHECK(x.find("name=\"c\"") == std::string::npos);
    // d keeps its number although it is listed in f.one before b's feature.
    CHECK(x.find("name=\"d\" bitsize=\"64\" type=\"int\" regnum=\"3\"/>") != std::string::npos);
    CHECK(x.find("name=\"d\"") < x.find("f.two"));
}

TEST_CASE("qXfer:features:read: chunks reassemble, limits hold, bad requests are refused") {
    std::string doc = "<target>$#}*</target>";
    // Whole document at once.
    CHECK(xfer_read(doc, "target.xml:0,1000", 1000) == "l" + escape_binary(doc));
    // Small chunks: 'm' until the last, which is 'l'; each reply within the size limit.
    for (size_t max_reply : {3, 5, 8, 64}) {
        std::string got;
        for (size_t off = 0, rounds = 0; rounds < 100; rounds++) {
            char args[64];
            snprintf(args, sizeof args, "target.xml:%zx,%x", off, 7);
            std::string r = xfer_read(doc, args, max_reply);
            CHECK(r.size() <= max_reply);
            REQUIRE((r[0] == 'm' || r[0] == 'l'));
            auto data = unescape_binary(r.substr(1));
            REQUIRE(data);
            got += *data;
            off += data->size();
            if (r[0] == 'l') break;
        }
        CHECK(got == doc);
    }
    CHECK(xfer_read(doc, "target.xml:15,10", 100) == "l");   // at the end
    CHECK(xfer_read(doc, "target.xml:1000,10", 100) == "l"); // past it
    CHECK(xfer_read(doc, "other.xml:0,10", 100) == "E00");
    CHECK(xfer_read(doc, "target.xml:0", 100) == "E01");
    CHECK(xfer_read(doc, "target.xml:zz,10", 100) == "E01");
    CHECK(xfer_read(doc, "target.xml", 100) == "E01");
    CHECK(xfer_read(doc, "target.xml:0,ffffffffffffffffff", 100) == "E01");
}
