/* Takes 600 ms before it reads its request, as a CPI that loads a big runtime does. */
#include "fault.h"
static void fault(const char *request) {
    (void) request;
    answer("[\"vm-slow\",{}]");
}
__attribute__((constructor)) static void slow_start(void) {
    usleep(600 * 1000);
}
