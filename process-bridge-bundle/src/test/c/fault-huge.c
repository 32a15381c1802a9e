/* Answers create_vm with 17 MiB of stdout, more than the bridge accepts by default. */
#include "fault.h"
static void fault(const char *request) {
    (void) request;
    static char chunk[65536];
    memset(chunk, 'a', sizeof chunk);
    fputs("{\"result\":\"", stdout);
    for (int i = 0; i < 17 * 16; i++) {
        if (fwrite(chunk, 1, sizeof chunk, stdout) != sizeof chunk) {
            exit(2);
        }
    }
    fputs("\",\"error\":null,\"log\":\"\"}\n", stdout);
}
