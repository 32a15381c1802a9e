/* Answers create_vm with a result and an error at once. */
#include "fault.h"
static void fault(const char *request) {
    (void) request;
    printf("{\"result\":\"vm-1\",\"error\":{\"type\":\"Bosh::Clouds::CloudError\","
           "\"message\":\"both\",\"ok_to_retry\":false},\"log\":\"\"}\n");
}
