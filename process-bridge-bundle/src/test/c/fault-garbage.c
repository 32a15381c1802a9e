/* Answers create_vm with something that is not JSON. */
#include "fault.h"
static void fault(const char *request) {
    (void) request;
    printf("this is not json at all\n");
}
