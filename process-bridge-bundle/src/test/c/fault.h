/*
 * The main of a faulty fixture: answers info and has_vm like a good CPI and misbehaves, in
 * its own way, only for create_vm, so a test can check that the next call still works.
 */
#ifndef FAULT_H
#define FAULT_H

#include "fixture.h"

static void fault(const char *request);

int main(void) {
    char *request = read_all();
    if (is_method(request, "create_vm")) {
        fault(request);
    } else if (is_method(request, "info")) {
        answer("{\"api_version\":2,\"stemcell_formats\":[\"raw\"]}");
    } else if (is_method(request, "has_vm")) {
        answer("true");
    } else {
        answer_error("Bosh::Clouds::NotImplemented", "Method is not implemented.", 0);
    }
    return 0;
}

#endif
