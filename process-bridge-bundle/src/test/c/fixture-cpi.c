/*
 * A well-behaved fixture CPI. Stateless: VM ids are made up, and "vm-missing" is the one VM
 * that does not exist.
 *
 *   fixture-cpi [--v N] [--api-version N] [--persistent]   serve requests (N = 0: info omits it)
 *   fixture-cpi get-capabilities                             describe itself (DCP conventions)
 *
 * Magic arguments: delete_vm("crash") exits without answering, delete_vm("hang") hangs with a
 * child process. set_vm_metadata echoes the request, the environment and argv as its result.
 * get-capabilities misbehaves when the executable's name contains "badjson", "exit2", "nocpi"
 * or "hangcaps", so tests can copy the program under those names.
 */
#include "fixture.h"

extern char **environ;

static int api_version = 2;
static int argc_saved;
static char **argv_saved;
static long counter;

static void json_string(const char *s) {
    putchar('"');
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char) *s;
        if (c == '"' || c == '\\') {
            printf("\\%c", c);
        } else if (c < 0x20) {
            printf("\\u%04x", c);
        } else {
            putchar(c);
        }
    }
    putchar('"');
}

static void echo(const char *request) {
    printf("{\"result\":{\"request\":%s,\"env\":{", request);
    for (char **e = environ; *e != NULL; e++) {
        char *eq = strchr(*e, '=');
        if (eq == NULL) {
            continue;
        }
        char name[256];
        size_t n = (size_t) (eq - *e) < sizeof name - 1 ? (size_t) (eq - *e) : sizeof name - 1;
        memcpy(name, *e, n);
        name[n] = '\0';
        if (e != environ) {
            putchar(',');
        }
        json_string(name);
        putchar(':');
        json_string(eq + 1);
    }
    printf("},\"argv\":[");
    for (int i = 0; i < argc_saved; i++) {
        if (i > 0) {
            putchar(',');
        }
        json_string(argv_saved[i]);
    }
    printf("]},\"error\":null,\"log\":\"echoed\"}\n");
    fflush(stdout);
}

static void handle(const char *request) {
    char buf[256];
    fprintf(stderr, "fixture-cpi: handling a request of %zu bytes\n", strlen(request));
    int v2 = strstr(request, "\"api_version\":2") != NULL;
    if (is_method(request, "info")) {
        if (api_version > 0) {
            snprintf(buf, sizeof buf, "{\"api_version\":%d,\"stemcell_formats\":[\"raw\"]}",
                     api_version);
            answer(buf);
        } else {
            answer("{\"stemcell_formats\":[\"raw\"]}");
        }
    } else if (is_method(request, "create_vm")) {
        counter++;
        if (v2) {
            snprintf(buf, sizeof buf, "[\"vm-%d-%ld\",{}]", (int) getpid(), counter);
        } else {
            snprintf(buf, sizeof buf, "\"vm-%d-%ld\"", (int) getpid(), counter);
        }
        answer(buf);
    } else if (is_method(request, "delete_vm")) {
        if (strstr(request, "\"crash\"") != NULL) {
            fprintf(stderr, "fixture-cpi: crashing on purpose\n");
            exit(3);
        } else if (strstr(request, "\"hang\"") != NULL) {
            hang_with_child();
        } else if (strstr(request, "\"vm-missing\"") != NULL) {
            answer_error("Bosh::Clouds::VMNotFound", "VM 'vm-missing' does not exist.", 0);
        } else {
            answer("null");
        }
    } else if (is_method(request, "has_vm")) {
        answer(strstr(request, "\"vm-missing\"") != NULL ? "false" : "true");
    } else if (is_method(request, "create_disk")) {
        answer("\"disk-1\"");
    } else if (is_method(request, "has_disk")) {
        answer("true");
    } else if (is_method(request, "delete_disk") || is_method(request, "attach_disk")
               || is_method(request, "detach_disk")) {
        answer("null");
    } else if (is_method(request, "set_vm_metadata")) {
        echo(request);
    } else {
        answer_error("Bosh::Clouds::NotImplemented", "Method is not implemented.", 0);
    }
}

static int capabilities(const char *self) {
    const char *base = strrchr(self, '/') != NULL ? strrchr(self, '/') + 1 : self;
    if (strstr(base, "badjson") != NULL) {
        printf("{\"name\":\"broken\",\"id\":");
        return 0;
    }
    if (strstr(base, "hangcaps") != NULL) {
        hang_with_child();
    }
    printf("{\"name\":\"Fixture CPI\",\"id\":\"%s\",\"capabilities\":[%s]}\n", base,
           strstr(base, "nocpi") != NULL ? "\"dns\"" : "\"health\",\"cpi\"");
    return strstr(base, "exit2") != NULL ? 2 : 0;
}

int main(int argc, char **argv) {
    int persistent = 0;
    argc_saved = argc;
    argv_saved = argv;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "get-capabilities") == 0) {
            return capabilities(argv[0]);
        } else if (strcmp(argv[i], "--persistent") == 0) {
            persistent = 1;
        } else if (strcmp(argv[i], "--api-version") == 0 && i + 1 < argc) {
            api_version = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--v") == 0 && i + 1 < argc) {
            i++;
        }
    }
    if (!persistent) {
        handle(read_all());
        return 0;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
            line[--len] = '\0';
        }
        if (len > 0) {
            handle(line);
        }
    }
    return 0;
}
