# cmake -DIN=file -DOUT=file.cpp -DNAME=symbol -P embed_file.cmake
# Writes a C++ source defining `const unsigned char NAME[]` (16-byte aligned) and
# `const size_t NAME_size` with the bytes of IN: a generated source, so ccache sees them.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR size "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){32})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}.tmp" "// Generated from ${IN} by cmake/embed_file.cmake: do not edit.\n#include <cstddef>\n"
  "alignas(16) extern const unsigned char ${NAME}[] = {\n${bytes}\n};\n"
  "extern const size_t ${NAME}_size = ${size};\n")
file(RENAME "${OUT}.tmp" "${OUT}")
