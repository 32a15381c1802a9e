/*
 * Helpers shared by the fixture CPIs. Fixtures look for substrings of the compact JSON the
 * bridge writes ("\"method\":\"create_vm\"") instead of parsing it.
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* Reads all of stdin (per-call mode: the bridge closes it after the request). */
static inline char *read_all(void) {
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[len] = '\0';
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) {
        buf[--len] = '\0';
    }
    return buf;
}

static inline int is_method(const char *req, const char *method) {
    char pattern[128];
    snprintf(pattern, sizeof pattern, "\"method\":\"%s\"", method);
    return strstr(req, pattern) != NULL;
}

static inline void answer(const char *result) {
    printf("{\"result\":%s,\"error\":null,\"log\":\"\"}\n", result);
    fflush(stdout);
}

static inline void answer_error(const char *type, const char *message, int ok_to_retry) {
    printf("{\"result\":null,\"error\":{\"type\":\"%s\",\"message\":\"%s\",\"ok_to_retry\":%s},"
           "\"log\":\"fixture log\"}\n", type, message, ok_to_retry ? "true" : "false");
    fflush(stdout);
}

/*
 * Hangs with a child process, for the tests that check the whole tree is killed. Writes
 * "PARENT CHILD" to $FIXTURE_PIDFILE; with $FIXTURE_IGNORE_TERM both ignore SIGTERM.
 */
static inline void hang_with_child(void) {
    if (getenv("FIXTURE_IGNORE_TERM") != NULL) {
        signal(SIGTERM, SIG_IGN);
    }
    pid_t child = fork();
    if (child == 0) {
        for (;;) {
            pause();
        }
    }
    const char *pidfile = getenv("FIXTURE_PIDFILE");
    if (pidfile != NULL) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", pidfile);
        FILE *f = fopen(tmp, "w");
        if (f != NULL) {
            fprintf(f, "%d %d\n", (int) getpid(), (int) child);
            fclose(f);
            rename(tmp, pidfile);
        }
    }
    for (;;) {
        pause();
    }
}

#endif
