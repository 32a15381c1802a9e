/* Never answers create_vm: hangs with a child process (see hang_with_child). */
#include "fault.h"
static void fault(const char *request) {
    (void) request;
    hang_with_child();
}
