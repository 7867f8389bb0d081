/* A wrong expectation on purpose: the suite must see this test fail (WILL_FAIL), which
 * shows the PASS/FAIL protocol can fail at all. */
#include "test.h"

static volatile uint64_t two = 2;

int main(void)
{
    CHECK(7, two + two == 5);
    return 0;
}
