/* Writes 8 MiB to stderr before a good create_vm answer: the bridge must drain both pipes. */
#include "fault.h"
static void fault(const char *request) {
    (void) request;
    for (int i = 0; i < 8 * 1024 * 16; i++) {
        fprintf(stderr, "flood line %07d %s\n", i,
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    }
    fprintf(stderr, "flood end\n");
    answer("[\"vm-flood\",{}]");
}
