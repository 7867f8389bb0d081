#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "machines/devices/pl011.h"
#include "fake_devices.h"

using namespace tessera;
using namespace tessera::test;

namespace {

enum : unsigned {
    DR = 0x00, RSR = 0x04, FR = 0x18, ILPR = 0x20, IBRD = 0x24, FBRD = 0x28, LCR_H = 0x2c,
    CR = 0x30, IFLS = 0x34, IMSC = 0x38, RIS = 0x3c, MIS = 0x40, ICR = 0x44, DMACR = 0x48,
};
enum : uint32_t {
    FR_CTS = 0x01, FR_DSR = 0x02, FR_DCD = 0x04, FR_BUSY = 0x08, FR_RXFE = 0x10, FR_TXFF = 0x20,
    FR_RXFF = 0x40, FR_TXFE = 0x80, FR_RI = 0x100,
};
enum : uint32_t { CR_UARTEN = 0x001, CR_LBE = 0x080, CR_TXE = 0x100, CR_RXE = 0x200 };
enum : uint32_t { LCR_FEN = 0x10, LCR_WLEN8 = 0x60 };
enum : uint32_t { RXI = 0x10, TXI = 0x20, RTI = 0x40, OEI = 0x400 };

struct Fixture {
    RecordingSink sink;
    Capture tx;
    Pl011 uart{&tx, IrqLine{&sink, 33}};
    uint32_t rd(unsigned off) { return static_cast<uint32_t>(uart.read(off, 4)); }
    void wr(unsigned off, uint32_t v) { uart.write(off, 4, v); }
    void enable(bool fifo) {
        wr(LCR_H, fifo ? LCR_WLEN8 | LCR_FEN : LCR_WLEN8);
        wr(CR, CR_UARTEN | CR_TXE | CR_RXE);
    }
    void feed(const std::string& s) {
        for (char c : s) {
            REQUIRE(uart.can_receive());
            uart.receive(static_cast<uint8_t>(c));
        }
    }
    // What Linux's pl011_rx_chars does: read DR until FR says the FIFO is empty.
    std::string drain() {
        std::string s;
        for (int i = 0; i < 100 && !(rd(FR) & FR_RXFE); i++) s += static_cast<char>(rd(DR) & 0xff);
        return s;
    }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "pl011: reset state and ID registers") {
    CHECK(rd(FR) == (FR_TXFE | FR_RXFE | FR_CTS | FR_DSR | FR_DCD));
    CHECK(rd(CR) == 0x300);
    CHECK(rd(IFLS) == 0x12);
    CHECK(rd(LCR_H) == 0);
    CHECK(rd(IMSC) == 0);
    CHECK(rd(RIS) == TXI);  // the empty transmit FIFO is below its trigger level
    CHECK(rd(MIS) == 0);
    CHECK(rd(RSR) == 0);
    CHECK(!sink.level);
    CHECK(sink.events.empty());
    const uint32_t ids[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (unsigned i = 0; i < 8; i++) CHECK(rd(0xfe0 + 4 * i) == ids[i]);
}

TEST_CASE_FIXTURE(Fixture, "pl011: transmit goes to the backend, even before the UART is enabled") {
    wr(DR, 'h');  // UARTEN clear: sent anyway, as on QEMU
    enable(true);
    uart.write(DR, 1, 'i');  // earlycon writes DR with byte stores
    uart.write(DR, 2, 0x0a);
    CHECK(tx.out == std::vector<uint8_t>{'h', 'i', '\n'});
    uint32_t fr = rd(FR);
    CHECK((fr & FR_TXFE) != 0);
    CHECK((fr & (FR_TXFF | FR_BUSY)) == 0);  // what console polling waits for
}

TEST_CASE_FIXTURE(Fixture, "pl011: receive only while UARTEN and RXE are set") {
    CHECK(!uart.can_receive());  // reset: RXE set but UARTEN clear
    uart.receive('x');            // dropped, like a byte on a disabled receiver
    CHECK((rd(FR) & FR_RXFE) != 0);
    wr(CR, CR_UARTEN | CR_TXE);
    CHECK(!uart.can_receive());
    wr(CR, CR_UARTEN | CR_TXE | CR_RXE);
    CHECK(uart.can_receive());
    uart.receive('y');
    CHECK((rd(FR) & FR_RXFE) == 0);
    CHECK(rd(DR) == 'y');
    CHECK((rd(FR) & FR_RXFE) != 0);
    CHECK(rd(DR) == 0);  // empty: reads 0
}

TEST_CASE_FIXTURE(Fixture, "pl011: without FEN the receiver holds one byte") {
    enable(false);
    wr(IMSC, RXI);
    feed("a");
    CHECK(!uart.can_receive());
    CHECK((rd(FR) & FR_RXFF) != 0);
    CHECK((rd(RIS) & RXI) != 0);  // one byte is the trigger level without a FIFO
    CHECK(sink.level);
    CHECK(rd(MIS) == RXI);
    CHECK(rd(DR) == 'a');
    CHECK(!sink.level);
    CHECK((rd(RIS) & (RXI | RTI)) == 0);
    CHECK(uart.can_receive());
}

TEST_CASE_FIXTURE(Fixture, "pl011: 32-entry FIFO keeps order and reports full") {
    enable(true);
    std::string in;
    for (int i = 0; i < 32; i++) in += static_cast<char>('A' + i);
    feed(in);
    CHECK(!uart.can_receive());
    CHECK((rd(FR) & (FR_RXFF | FR_RXFE)) == FR_RXFF);
    CHECK(drain() == in);
    CHECK(uart.can_receive());
}

TEST_CASE_FIXTURE(Fixture, "pl011: RX interrupt at the IFLS trigger level, timeout below it") {
    enable(true);
    wr(IMSC, RXI);
    SUBCASE("reset level: half of 32") {
        feed(std::string(15, 'x'));
        CHECK(!sink.level);
        CHECK((rd(RIS) & RXI) == 0);
        CHECK((rd(RIS) & RTI) != 0);  // data waits below the trigger: timeout
        feed("y");
        CHECK(sink.level);
        wr(ICR, RTI);
        rd(DR);  // 15 left: below the trigger again, and they time out
        CHECK(!sink.level);
        CHECK((rd(RIS) & RXI) == 0);
        CHECK((rd(RIS) & RTI) != 0);
    }
    SUBCASE("1/8: four entries") {
        wr(IFLS, 0 << 3);
        feed("abc");
        CHECK(!sink.level);
        feed("d");
        CHECK(sink.level);
    }
    SUBCASE("7/8: 28 entries") {
        wr(IFLS, 4 << 3);
        feed(std::string(27, 'x'));
        CHECK(!sink.level);
        feed("y");
        CHECK(sink.level);
    }
    SUBCASE("lowering the trigger level with data waiting raises RX") {
        feed("abcd");
        CHECK(!sink.level);
        wr(IFLS, 0);
        CHECK(sink.level);
    }
}

TEST_CASE_FIXTURE(Fixture, "pl011: RX timeout for data below the trigger, cleared when empty") {
    enable(true);
    wr(IMSC, RTI);
    feed("ab");
    CHECK(sink.level);
    CHECK(rd(MIS) == RTI);
    rd(DR);
    CHECK(sink.level);  // one byte still waits
    rd(DR);
    CHECK(!sink.level);
    feed("c");
    CHECK(sink.level);
    wr(ICR, RTI);  // write-one-to-clear
    CHECK(!sink.level);
    CHECK(rd(DR) == 'c');
}

TEST_CASE_FIXTURE(Fixture, "pl011: TX interrupt while the FIFO is empty; ICR clears it till a write") {
    enable(true);
    wr(IMSC, TXI);
    CHECK(sink.level);
    CHECK(rd(MIS) == TXI);
    wr(ICR, TXI);
    CHECK(!sink.level);
    CHECK(rd(RIS) == 0);
    wr(DR, 'z');
    CHECK(sink.level);
    wr(IMSC, 0);  // Linux's stop_tx masks TXIM
    CHECK(!sink.level);
    CHECK(rd(RIS) == TXI);
    CHECK(rd(MIS) == 0);
}

TEST_CASE_FIXTURE(Fixture, "pl011: ICR clears only the bits written") {
    enable(true);
    feed("a");
    CHECK(rd(RIS) == (TXI | RTI));
    wr(ICR, TXI);
    CHECK(rd(RIS) == RTI);
    wr(ICR, 0);
    CHECK(rd(RIS) == RTI);
    wr(ICR, 0x7ff);
    CHECK(rd(RIS) == 0);
}

TEST_CASE_FIXTURE(Fixture, "pl011: Linux-style startup and interrupt handler") {
    // pl011_startup: baud, line control, enable, clear and unmask RX interrupts.
    wr(IBRD, 0x27);
    wr(FBRD, 0x04);
    uart.write(LCR_H, 2, LCR_WLEN8 | LCR_FEN);
    uart.write(CR, 2, CR_UARTEN | CR_TXE | CR_RXE);
    wr(ICR, 0x7ff);
    uart.write(IMSC, 2, RTI | RXI);
    CHECK(uart.ibrd() == 0x27);
    CHECK(uart.fbrd() == 0x04);
    CHECK(!sink.level);
    feed("ls\r");
    CHECK(sink.level);
    // pl011_int: read MIS, acknowledge the others, read DR until RXFE.
    uint32_t mis = rd(MIS);
    CHECK((mis & (RXI | RTI)) != 0);
    wr(ICR, mis & ~(TXI | RTI | RXI));
    CHECK(drain() == "ls\r");
    CHECK(rd(MIS) == 0);
    CHECK(!sink.level);
    // Console output: poll FR.TXFF, write DR, wait for !BUSY.
    for (char c : std::string("ok\n")) {
        CHECK((rd(FR) & FR_TXFF) == 0);
        uart.write(DR, 2, static_cast<uint8_t>(c));
    }
    CHECK((rd(FR) & FR_BUSY) == 0);
    CHECK(tx.out == std::vector<uint8_t>{'o', 'k', '\n'});
}

TEST_CASE_FIXTURE(Fixture, "pl011: loopback feeds transmitted bytes back; overrun sets OE") {
    wr(LCR_H, LCR_WLEN8);  // no FIFO: one byte holds
    wr(CR, CR_UARTEN | CR_TXE | CR_RXE | CR_LBE);
    CHECK(!uart.can_receive());  // the input pin is disconnected in loopback
    wr(IMSC, OEI);
    wr(DR, 'p');
    CHECK(tx.out.empty());
    CHECK((rd(RSR) & 0x8) == 0);
    wr(DR, 'q');  // holding register full: overrun, first byte kept
    CHECK((rd(RSR) & 0x8) != 0);
    CHECK(sink.level);
    CHECK(rd(DR) == 'p');
    wr(RSR, 0);  // ECR: clears the error flags
    CHECK(rd(RSR) == 0);
    wr(ICR, OEI);
    CHECK(!sink.level);
}

TEST_CASE_FIXTURE(Fixture, "pl011: loopback routes the modem outputs to the inputs") {
    wr(IMSC, 0xf);  // modem status interrupts
    wr(CR, CR_LBE);
    CHECK((rd(FR) & (FR_CTS | FR_DSR | FR_DCD | FR_RI)) == 0);
    CHECK(sink.level);  // CTS, DSR and DCD all dropped
    CHECK(rd(RIS) == (TXI | 0xe));
    wr(ICR, 0xf);
    CHECK(!sink.level);
    wr(CR, CR_LBE | (1u << 11) | (1u << 13));  // RTS -> CTS, Out2 -> RI
    CHECK((rd(FR) & (FR_CTS | FR_DSR | FR_DCD | FR_RI)) == (FR_CTS | FR_RI));
    CHECK((rd(RIS) & 0xf) == 0x3);
}

TEST_CASE_FIXTURE(Fixture, "pl011: switching FEN discards received data") {
    enable(true);
    feed("abc");
    wr(LCR_H, LCR_WLEN8);
    CHECK((rd(FR) & FR_RXFE) != 0);
    CHECK((rd(RIS) & (RXI | RTI)) == 0);
    wr(LCR_H, LCR_WLEN8 | 0x02);  // other bits (parity) keep the FIFO state
    feed("d");
    wr(LCR_H, LCR_WLEN8 | 0x04);
    CHECK(rd(DR) == 'd');
}

TEST_CASE_FIXTURE(Fixture, "pl011: register widths and masks") {
    wr(IBRD, 0x12345);
    CHECK(rd(IBRD) == 0x2345);
    wr(FBRD, 0xff);
    CHECK(rd(FBRD) == 0x3f);
    wr(ILPR, 0x1ff);
    CHECK(rd(ILPR) == 0xff);
    wr(IFLS, 0xff);
    CHECK(rd(IFLS) == 0x3f);
    wr(IMSC, 0xffff);
    CHECK(rd(IMSC) == 0x7ff);
    wr(DMACR, 0xff);
    CHECK(rd(DMACR) == 0x7);
    wr(CR, 0xffff);
    CHECK(rd(CR) == 0xff87);
    // Narrow reads pick bytes out of the register.
    wr(CR, 0x0301);
    CHECK(uart.read(CR, 2) == 0x0301);
    CHECK(uart.read(CR + 1, 1) == 0x03);
    CHECK(uart.read(0xfe8, 1) == 0x14);
}

TEST_CASE_FIXTURE(Fixture, "pl011: bad accesses read 0 and change nothing") {
    enable(true);
    feed("k");
    uint32_t fr = rd(FR), ris = rd(RIS), cr = rd(CR);
    CHECK(uart.read(DR, 8) == 0);                // too wide
    CHECK(uart.read(CR + 2, 4) == 0);            // straddles two registers
    CHECK(uart.read(Pl011::kRegionSize, 4) == 0);
    CHECK(uart.read(~0ull, 1) == 0);
    CHECK(uart.read(0x008, 4) == 0);             // reserved
    CHECK(uart.read(0x800, 4) == 0);             // reserved
    CHECK(uart.read(ICR, 4) == 0);               // write-only
    uart.write(CR + 1, 1, 0xff);                 // unaligned write: ignored
    uart.write(CR, 8, 0);                        // too wide
    uart.write(CR, 3, 0);
    uart.write(0x4000, 4, 0);
    uart.write(FR, 4, 0);                        // read-only
    uart.write(RIS, 4, 0);
    uart.write(MIS, 4, 0);
    uart.write(0xfe0, 4, 0);
    CHECK(rd(FR) == fr);
    CHECK(rd(RIS) == ris);
    CHECK(rd(CR) == cr);
    CHECK(tx.out.empty());
    CHECK(rd(DR) == 'k');  // the FIFO was not popped by the rejected DR read
}

TEST_CASE_FIXTURE(Fixture, "pl011: reset empties the FIFO and lowers the line") {
    enable(true);
    wr(IMSC, RXI | RTI);
    feed("abc");
    CHECK(sink.level);
    uart.reset();
    CHECK(!sink.level);
    CHECK(rd(CR) == 0x300);
    CHECK(rd(IMSC) == 0);
    CHECK((rd(FR) & FR_RXFE) != 0);
    CHECK(!uart.can_receive());
}

TEST_CASE_FIXTURE(Fixture, "pl011: polling FR or reading DR flushes the backend") {
    wr(DR, 'a');
    rd(FR);  // once per byte while transmitting: no flush
    CHECK(tx.flushes == 0);
    rd(FR);  // again with nothing sent: polling
    CHECK(tx.flushes == 1);
    rd(DR);
    CHECK(tx.flushes == 2);
}
