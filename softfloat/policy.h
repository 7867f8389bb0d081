// What an ISA chooses where IEEE 754 leaves a choice (or where the ISA departs from it).
// Every soft-float operation takes the policy as a template argument, so each ISA gets code
// specialised for its own rules and pays nothing for the others'.
#pragma once
#include <cstdint>

namespace tessera::softfloat {

// Exception flags. The bit values are RISC-V's fflags (so its mapping is the identity);
// other ISAs map them to their own status bits. ID is ARM's input-denormal flag.
enum Flag : uint32_t { NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16, ID = 32 };
// Rounding modes; the values are RISC-V's rm encodings. RMM: nearest, ties to max magnitude.
// ROD: round to odd (truncate, then set the last bit if inexact; ARM's FCVTXN), which RISC-V
// never passes (its rm 5 is reserved and rejected before any operation).
enum Rm : int { RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, ROD = 5 };

enum class Tininess : uint8_t {
    AfterRounding,   // tiny if rounding with an unbounded exponent gives < 2^emin (RISC-V, x86)
    BeforeRounding,  // tiny if the exact result is < 2^emin (ARM)
};

enum class NanRule : uint8_t {
    Default,         // every NaN result is the default NaN (RISC-V; ARM with FPCR.DN)
    FirstNan,        // the first NaN operand, quieted (x86 SSE: source 1, then source 2)
    SignalingFirst,  // the first signaling NaN, else the first quiet NaN, quieted (ARM)
};

// What a float-to-integer conversion returns for NaN and out-of-range values (always with NV).
enum class IntInvalid : uint8_t {
    SaturateNanMax,   // saturate; NaN gives the largest value (RISC-V)
    SaturateNanZero,  // saturate; NaN gives 0 (ARM)
    Indefinite,       // the "integer indefinite" 100...0 for every invalid case (x86)
};

// Structural, so it can be a template argument: softfloat::add<F64, kPolicy>(...).
struct Policy {
    Tininess tininess = Tininess::AfterRounding;
    NanRule nan = NanRule::Default;
    bool default_nan_negative = false;  // x86's default NaN has the sign bit set
    bool flush_to_zero = false;         // tiny results become a zero of their sign (x86 FTZ, ARM FZ)
    uint32_t ftz_flags = 0;             // what a flush raises (x86: UF|NX, ARM: UF)
    bool denormals_are_zero = false;    // subnormal operands read as zeros (x86 DAZ, ARM FZ)
    uint32_t daz_flags = 0;             // what reading one raises (ARM: ID)
    IntInvalid int_invalid = IntInvalid::SaturateNanMax;
};

}  // namespace tessera::softfloat
