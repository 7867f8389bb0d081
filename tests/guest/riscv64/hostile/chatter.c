/* Prints numbered lines on the UART forever: a guest whose reader goes away
 * (tessera ... | head -1) or who is interrupted by a signal mid-output.
 * tests/app/terminal_modes.py runs it. */
#include "test.h"

void puts_(const char *s);
void put_dec(uint64_t v);

int main(void)
{
    for (uint64_t i = 0;; i++) {
        puts_("line ");
        put_dec(i);
        puts_("\n");
    }
    return 0;
}
