/* Answers create_vm with nothing on stdout, a complaint on stderr and exit code 1. */
#include "fault.h"
static void fault(const char *request) {
    (void) request;
    fprintf(stderr, "fault-empty: cannot reach the cloud\n");
    exit(1);
}
