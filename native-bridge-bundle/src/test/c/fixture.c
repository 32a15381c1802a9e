/*
 * Test fixtures for the native bridge: one source, one misbehaviour per -D flag (pom.xml
 * builds each into target/fixtures/). Without flags it is a well-behaved "echo" component
 * without component_describe (so its methods take the single optional "params" parameter).
 *
 *   FIXTURE_MISSING_SYMBOLS  exports neither component_stop nor component_info
 *   FIXTURE_RPC_NULL         "echo" returns NULL
 *   FIXTURE_LAST_ERROR       exports component_last_error
 *   FIXTURE_INVALID_JSON     "echo" returns text that is not JSON
 *   FIXTURE_START_FAILS      component_start returns -1
 *   FIXTURE_DEGRADED         component_status starts as Degraded
 *
 * Methods of every variant:
 *   echo        returns params verbatim (unless the variant breaks it)
 *   strings     {"returned": n, "freed": m, "overlaps": k}: strings handed out and given back
 *               (excluding this answer), and how often two calls ran at once on one instance
 *   set_status  params is an integer; component_status returns it from now on
 *   sleep       params is a number of milliseconds to block
 *   fail        returns NULL (with a last error when exported)
 * Configuration: a config containing "fail_configure" makes component_configure return -1.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

#include "cpihost_component.h"

#if defined(FIXTURE_MISSING_SYMBOLS)
#define FIXTURE_ID "missing-symbols"
#elif defined(FIXTURE_RPC_NULL) && defined(FIXTURE_LAST_ERROR)
#define FIXTURE_ID "rpc-null-last-error"
#elif defined(FIXTURE_RPC_NULL)
#define FIXTURE_ID "rpc-null"
#elif defined(FIXTURE_INVALID_JSON)
#define FIXTURE_ID "invalid-json"
#elif defined(FIXTURE_START_FAILS)
#define FIXTURE_ID "start-fails"
#elif defined(FIXTURE_DEGRADED)
#define FIXTURE_ID "degraded"
#else
#define FIXTURE_ID "echo"
#endif

static atomic_long returned;
static atomic_long freed;

typedef struct {
    atomic_int in_call;
    long overlaps;
    int status;
    const char *error; /* static JSON of the last error, or NULL */
} fixture;

static char *give(const char *text) {
    char *copy = strdup(text);
    if (copy != NULL) {
        atomic_fetch_add(&returned, 1);
    }
    return copy;
}

void *component_create(void) {
    fixture *f = calloc(1, sizeof *f);
    if (f != NULL) {
#ifdef FIXTURE_DEGRADED
        f->status = CPIHOST_STATUS_DEGRADED;
#else
        f->status = CPIHOST_STATUS_OK;
#endif
    }
    return f;
}

void component_destroy(void *instance) {
    free(instance);
}

int component_configure(void *instance, const char *config_json) {
    fixture *f = instance;
    if (strstr(config_json, "fail_configure") != NULL) {
        f->error = "{\"type\":\"InvalidParameter\",\"message\":\"Setting 'fail_configure' is not "
                   "supported.\",\"ok_to_retry\":false}";
        return CPIHOST_FAILED;
    }
    return CPIHOST_OK;
}

int component_start(void *instance) {
#ifdef FIXTURE_START_FAILS
    fixture *f = instance;
    f->error = "{\"type\":\"CloudError\",\"message\":\"Port 8080 is already in use.\","
               "\"ok_to_retry\":true}";
    return CPIHOST_FAILED;
#else
    (void) instance;
    return CPIHOST_OK;
#endif
}

#ifndef FIXTURE_MISSING_SYMBOLS
int component_stop(void *instance) {
    (void) instance;
    return CPIHOST_OK;
}

char *component_info(void *instance) {
    (void) instance;
    return give("{\"id\":\"" FIXTURE_ID "\",\"name\":\"Fixture\",\"version\":\"1.0.0\","
                "\"author\":\"CPI Host tests\",\"description\":\"A test fixture.\","
                "\"rpc_methods\":[\"echo\",\"strings\",\"set_status\",\"sleep\",\"fail\"]}");
}
#endif

int component_status(void *instance) {
    fixture *f = instance;
    if (f->status == -1) {
        f->error = "{\"type\":\"CloudError\",\"message\":\"The status probe timed out.\","
                   "\"ok_to_retry\":true}";
    }
    return f->status;
}

static char *handle(fixture *f, const char *method, const char *params) {
    f->error = NULL;
    if (strcmp(method, "echo") == 0) {
#if defined(FIXTURE_RPC_NULL)
        f->error = "{\"type\":\"Bosh::Clouds::VMNotFound\",\"message\":\"VM 'vm-1' does not "
                   "exist.\",\"ok_to_retry\":false}";
        return NULL;
#elif defined(FIXTURE_INVALID_JSON)
        (void) params;
        return give("{\"unterminated\": ");
#else
        return give(params);
#endif
    }
    if (strcmp(method, "strings") == 0) {
        char text[160];
        snprintf(text, sizeof text, "{\"returned\":%ld,\"freed\":%ld,\"overlaps\":%ld}",
                atomic_load(&returned), atomic_load(&freed), f->overlaps);
        return give(text);
    }
    if (strcmp(method, "set_status") == 0) {
        f->status = atoi(params);
        return give("null");
    }
    if (strcmp(method, "sleep") == 0) {
        long ms = atol(params);
        struct timespec delay = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&delay, NULL);
        return give("true");
    }
    f->error = "{\"type\":\"CloudError\",\"message\":\"Method failed on purpose.\","
               "\"ok_to_retry\":false}";
    return NULL;
}

char *component_handle_rpc(void *instance, const char *method, const char *params_json) {
    fixture *f = instance;
    if (atomic_fetch_add(&f->in_call, 1) != 0) {
        f->overlaps++;
    }
    char *result = handle(f, method, params_json);
    atomic_fetch_sub(&f->in_call, 1);
    return result;
}

void component_free_string(char *s) {
    if (s != NULL) {
        atomic_fetch_add(&freed, 1);
        free(s);
    }
}

#ifdef FIXTURE_LAST_ERROR
char *component_last_error(void *instance) {
    fixture *f = instance;
    return f->error == NULL ? NULL : give(f->error);
}
#endif
