/*
 * kv: a sample CPI Host native component, a small in-memory key-value store.
 *
 * It implements every symbol of include/cpihost_component.h, both optional ones included:
 * component_last_error explains each failure, component_describe declares the parameters so
 * the registry validates calls before they get here.
 *
 *   gcc -shared -fPIC -O2 -std=c11 -Iinclude -o libkv.so src/main/c/kv.c
 *
 * Methods (params arrive as one JSON object, because component_describe is exported):
 *   kv.put    {"key": "a", "value": "b"}  -> {"key": "a", "created": true}
 *   kv.get    {"key": "a"}                -> {"key": "a", "value": "b"}   (NotFound otherwise)
 *   kv.delete {"key": "a"}                -> {"key": "a", "deleted": true}
 *   kv.list   {}                          -> {"keys": ["a"]}
 *   kv.stats  {}                          -> {"version": "1.0.0", "keys": 1, "strings_outstanding": 0}
 * kv.stats is a debugging aid: strings_outstanding counts the strings this library handed out
 * and has not got back through component_free_string (excluding its own answer), so a host that
 * leaks shows it. The answer stays the same from one call to the next, as a read should.
 *
 * Configuration (component_configure): {"max_keys": 1000}.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpihost_component.h"

#ifndef VERSION
#define VERSION "1.0.0"
#endif

/* Every string handed to the host, and every one it gave back (across all instances). */
static atomic_long strings_returned;
static atomic_long strings_freed;

typedef struct {
    char **keys;
    char **values;
    size_t count;
    size_t capacity;
    long max_keys;
    int started;
    char *error_type;    /* last error, or NULL */
    char *error_message;
} kv_store;

/* ---------------------------------------------------------------- string building */

typedef struct {
    char *data;
    size_t length;
    size_t capacity;
    int failed;
} buffer;

static void buf_append(buffer *b, const char *s, size_t n) {
    if (b->failed) {
        return;
    }
    if (b->length + n + 1 > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 64;
        while (b->length + n + 1 > capacity) {
            capacity *= 2;
        }
        char *data = realloc(b->data, capacity);
        if (data == NULL) {
            b->failed = 1;
            return;
        }
        b->data = data;
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, s, n);
    b->length += n;
    b->data[b->length] = '\0';
}

static void buf_add(buffer *b, const char *s) {
    buf_append(b, s, strlen(s));
}

/* Appends s as a JSON string literal. */
static void buf_add_json_string(buffer *b, const char *s) {
    buf_add(b, "\"");
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        char escape[8];
        switch (*p) {
            case '"': buf_add(b, "\\\""); break;
            case '\\': buf_add(b, "\\\\"); break;
            case '\n': buf_add(b, "\\n"); break;
            case '\r': buf_add(b, "\\r"); break;
            case '\t': buf_add(b, "\\t"); break;
            default:
                if (*p < 0x20) {
                    snprintf(escape, sizeof escape, "\\u%04x", *p);
                    buf_add(b, escape);
                } else {
                    buf_append(b, (const char *) p, 1);
                }
        }
    }
    buf_add(b, "\"");
}

/* Hands a finished buffer to the host: counted here, freed in component_free_string. */
static char *buf_return(buffer *b) {
    if (b->failed || b->data == NULL) {
        free(b->data);
        return NULL;
    }
    atomic_fetch_add(&strings_returned, 1);
    return b->data;
}

/* ---------------------------------------------------------------- a minimal JSON reader */

static void skip_ws(const char **p) {
    while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r') {
        (*p)++;
    }
}

static int hex4(const char *p, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned) (c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned) (c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned) (c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static void buf_add_utf8(buffer *b, unsigned cp) {
    char out[4];
    size_t n;
    if (cp < 0x80) { out[0] = (char) cp; n = 1; }
    else if (cp < 0x800) { out[0] = (char) (0xC0 | (cp >> 6)); out[1] = (char) (0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        out[0] = (char) (0xE0 | (cp >> 12)); out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char) (0x80 | (cp & 0x3F)); n = 3;
    } else {
        out[0] = (char) (0xF0 | (cp >> 18)); out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char) (0x80 | ((cp >> 6) & 0x3F)); out[3] = (char) (0x80 | (cp & 0x3F)); n = 4;
    }
    buf_append(b, out, n);
}

/* Parses a JSON string at *p; stores the decoded text in *out (malloc'd) when out != NULL. */
static int parse_string(const char **p, char **out) {
    if (**p != '"') {
        return -1;
    }
    (*p)++;
    buffer b = {0};
    buf_add(&b, "");
    while (**p != '"') {
        if (**p == '\0') {
            free(b.data);
            return -1;
        }
        if (**p == '\\') {
            (*p)++;
            char c = **p;
            if (c == 'u') {
                unsigned cp;
                if (hex4(*p + 1, &cp) != 0) { free(b.data); return -1; }
                *p += 4;
                if (cp >= 0xD800 && cp <= 0xDBFF && (*p)[1] == '\\' && (*p)[2] == 'u') {
                    unsigned low;
                    if (hex4(*p + 3, &low) == 0 && low >= 0xDC00 && low <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        *p += 6;
                    }
                }
                buf_add_utf8(&b, cp);
            } else {
                const char *plain = c == 'n' ? "\n" : c == 't' ? "\t" : c == 'r' ? "\r"
                        : c == 'b' ? "\b" : c == 'f' ? "\f" : c == '"' ? "\"" : c == '\\' ? "\\"
                        : c == '/' ? "/" : NULL;
                if (plain == NULL) { free(b.data); return -1; }
                buf_add(&b, plain);
            }
        } else {
            buf_append(&b, *p, 1);
        }
        (*p)++;
    }
    (*p)++;
    if (b.failed) {
        free(b.data);
        return -1;
    }
    if (out != NULL) {
        *out = b.data;
    } else {
        free(b.data);
    }
    return 0;
}

static int skip_value(const char **p, int depth) {
    skip_ws(p);
    if (depth > 64) {
        return -1;
    }
    if (**p == '"') {
        return parse_string(p, NULL);
    }
    if (**p == '{' || **p == '[') {
        char close = **p == '{' ? '}' : ']';
        (*p)++;
        skip_ws(p);
        if (**p == close) {
            (*p)++;
            return 0;
        }
        for (;;) {
            if (close == '}') {
                skip_ws(p);
                if (parse_string(p, NULL) != 0) return -1;
                skip_ws(p);
                if (**p != ':') return -1;
                (*p)++;
            }
            if (skip_value(p, depth + 1) != 0) return -1;
            skip_ws(p);
            if (**p == ',') { (*p)++; continue; }
            if (**p == close) { (*p)++; return 0; }
            return -1;
        }
    }
    const char *start = *p;
    while (**p && strchr(" \t\r\n,]}", **p) == NULL) {
        (*p)++;
    }
    return *p > start ? 0 : -1;
}

/*
 * Finds member `name` of the JSON object `json`; *value points at its value.
 * Returns 1 when found, 0 when absent, -1 when json is not an object.
 */
static int find_member(const char *json, const char *name, const char **value) {
    const char *p = json;
    skip_ws(&p);
    if (*p != '{') {
        return -1;
    }
    p++;
    skip_ws(&p);
    if (*p == '}') {
        return 0;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(&p);
        if (parse_string(&p, &key) != 0) return -1;
        skip_ws(&p);
        if (*p != ':') { free(key); return -1; }
        p++;
        skip_ws(&p);
        int match = strcmp(key, name) == 0;
        free(key);
        if (match) {
            *value = p;
            return 1;
        }
        if (skip_value(&p, 0) != 0) return -1;
        skip_ws(&p);
        if (*p == ',') { p++; continue; }
        if (*p == '}') return 0;
        return -1;
    }
}

/* ---------------------------------------------------------------- errors */

static void set_error(kv_store *kv, const char *type, const char *message) {
    free(kv->error_type);
    free(kv->error_message);
    kv->error_type = strdup(type);
    kv->error_message = strdup(message);
}

static void clear_error(kv_store *kv) {
    free(kv->error_type);
    free(kv->error_message);
    kv->error_type = NULL;
    kv->error_message = NULL;
}

/* Reads a required string member; on failure records InvalidParameter and returns NULL. */
static char *string_param(kv_store *kv, const char *params, const char *name) {
    const char *value;
    char message[160];
    int found = find_member(params, name, &value);
    char *out = NULL;
    if (found == 1 && parse_string(&value, &out) == 0) {
        return out;
    }
    snprintf(message, sizeof message, found == -1 ? "The parameters are not a JSON object."
            : found == 0 ? "Parameter '%s' is missing." : "Parameter '%s' is not a string.", name);
    set_error(kv, "InvalidParameter", message);
    return NULL;
}

static long find_key(const kv_store *kv, const char *key) {
    for (size_t i = 0; i < kv->count; i++) {
        if (strcmp(kv->keys[i], key) == 0) {
            return (long) i;
        }
    }
    return -1;
}

/* ---------------------------------------------------------------- the methods */

static char *kv_put(kv_store *kv, const char *params) {
    char *key = string_param(kv, params, "key");
    if (key == NULL) return NULL;
    char *value = string_param(kv, params, "value");
    if (value == NULL) { free(key); return NULL; }
    long index = find_key(kv, key);
    int created = index < 0;
    if (created) {
        if ((long) kv->count >= kv->max_keys) {
            char message[160];
            snprintf(message, sizeof message,
                    "The store is full: it holds %ld keys, its configured max_keys.", kv->max_keys);
            set_error(kv, "CloudError", message);
            free(key);
            free(value);
            return NULL;
        }
        if (kv->count == kv->capacity) {
            size_t capacity = kv->capacity ? kv->capacity * 2 : 16;
            char **keys = realloc(kv->keys, capacity * sizeof *keys);
            if (keys != NULL) kv->keys = keys;
            char **values = realloc(kv->values, capacity * sizeof *values);
            if (values != NULL) kv->values = values;
            if (keys == NULL || values == NULL) {
                set_error(kv, "CloudError", "The store is out of memory.");
                free(key);
                free(value);
                return NULL;
            }
            kv->capacity = capacity;
        }
        kv->keys[kv->count] = key;
        kv->values[kv->count] = value;
        kv->count++;
    } else {
        free(kv->values[index]);
        kv->values[index] = value;
    }
    buffer b = {0};
    buf_add(&b, "{\"key\":");
    buf_add_json_string(&b, created ? key : kv->keys[index]);
    buf_add(&b, created ? ",\"created\":true}" : ",\"created\":false}");
    if (!created) free(key);
    return buf_return(&b);
}

static char *kv_get(kv_store *kv, const char *params) {
    char *key = string_param(kv, params, "key");
    if (key == NULL) return NULL;
    long index = find_key(kv, key);
    if (index < 0) {
        buffer m = {0};
        buf_add(&m, "Key ");
        buf_add_json_string(&m, key);
        buf_add(&m, " does not exist.");
        set_error(kv, "NotFound", m.failed ? "The key does not exist." : m.data);
        free(m.data);
        free(key);
        return NULL;
    }
    buffer b = {0};
    buf_add(&b, "{\"key\":");
    buf_add_json_string(&b, key);
    buf_add(&b, ",\"value\":");
    buf_add_json_string(&b, kv->values[index]);
    buf_add(&b, "}");
    free(key);
    return buf_return(&b);
}

static char *kv_delete(kv_store *kv, const char *params) {
    char *key = string_param(kv, params, "key");
    if (key == NULL) return NULL;
    long index = find_key(kv, key);
    if (index >= 0) {
        free(kv->keys[index]);
        free(kv->values[index]);
        kv->count--;
        kv->keys[index] = kv->keys[kv->count];
        kv->values[index] = kv->values[kv->count];
    }
    buffer b = {0};
    buf_add(&b, "{\"key\":");
    buf_add_json_string(&b, key);
    buf_add(&b, index >= 0 ? ",\"deleted\":true}" : ",\"deleted\":false}");
    free(key);
    return buf_return(&b);
}

static char *kv_list(kv_store *kv) {
    buffer b = {0};
    buf_add(&b, "{\"keys\":[");
    for (size_t i = 0; i < kv->count; i++) {
        if (i > 0) buf_add(&b, ",");
        buf_add_json_string(&b, kv->keys[i]);
    }
    buf_add(&b, "]}");
    return buf_return(&b);
}

static char *kv_stats(kv_store *kv) {
    char text[256];
    snprintf(text, sizeof text,
            "{\"version\":\"%s\",\"keys\":%zu,\"strings_outstanding\":%ld}",
            VERSION, kv->count, atomic_load(&strings_returned) - atomic_load(&strings_freed));
    buffer b = {0};
    buf_add(&b, text);
    return buf_return(&b);
}

/* ---------------------------------------------------------------- the ABI */

void *component_create(void) {
    kv_store *kv = calloc(1, sizeof *kv);
    if (kv != NULL) {
        kv->max_keys = 1000;
    }
    return kv;
}

void component_destroy(void *instance) {
    kv_store *kv = instance;
    if (kv == NULL) return;
    for (size_t i = 0; i < kv->count; i++) {
        free(kv->keys[i]);
        free(kv->values[i]);
    }
    free(kv->keys);
    free(kv->values);
    clear_error(kv);
    free(kv);
}

int component_configure(void *instance, const char *config_json) {
    kv_store *kv = instance;
    const char *value;
    clear_error(kv);
    int found = find_member(config_json, "max_keys", &value);
    if (found == -1) {
        set_error(kv, "InvalidParameter", "The configuration is not a JSON object.");
        return CPIHOST_FAILED;
    }
    if (found == 1) {
        char *end;
        long max_keys = strtol(value, &end, 10);
        if (end == value || max_keys < 1) {
            set_error(kv, "InvalidParameter", "Setting 'max_keys' must be a positive integer.");
            return CPIHOST_FAILED;
        }
        kv->max_keys = max_keys;
    }
    return CPIHOST_OK;
}

int component_start(void *instance) {
    ((kv_store *) instance)->started = 1;
    return CPIHOST_OK;
}

int component_stop(void *instance) {
    ((kv_store *) instance)->started = 0;
    return CPIHOST_OK;
}

int component_status(void *instance) {
    return ((kv_store *) instance)->started ? CPIHOST_STATUS_OK : CPIHOST_STATUS_STOPPED;
}

char *component_info(void *instance) {
    (void) instance;
    buffer b = {0};
    buf_add(&b, "{\"id\":\"kv\",\"name\":\"Key-value store\",\"version\":\"" VERSION "\","
            "\"author\":\"CPI Host\",\"description\":\"A sample native component: an in-memory "
            "key-value store.\",\"rpc_methods\":[\"kv.put\",\"kv.get\",\"kv.delete\",\"kv.list\","
            "\"kv.stats\"]}");
    return buf_return(&b);
}

char *component_describe(void *instance) {
    (void) instance;
    buffer b = {0};
    buf_add(&b, "{\"actions\":["
        "{\"name\":\"kv.put\",\"description\":\"Stores a value under a key.\",\"read_only\":false,"
        "\"parameters\":[{\"name\":\"key\",\"type\":\"string\",\"description\":\"The key.\"},"
        "{\"name\":\"value\",\"type\":\"string\",\"description\":\"The value.\"}]},"
        "{\"name\":\"kv.get\",\"description\":\"Reads the value of a key.\",\"read_only\":true,"
        "\"parameters\":[{\"name\":\"key\",\"type\":\"string\",\"description\":\"The key.\"}]},"
        "{\"name\":\"kv.delete\",\"description\":\"Removes a key.\",\"read_only\":false,"
        "\"parameters\":[{\"name\":\"key\",\"type\":\"string\",\"description\":\"The key.\"}]},"
        "{\"name\":\"kv.list\",\"description\":\"Lists the keys.\",\"read_only\":true,"
        "\"parameters\":[]},"
        "{\"name\":\"kv.stats\",\"description\":\"Counts keys and the strings handed to the host "
        "and freed by it.\",\"read_only\":true,\"parameters\":[]}]}");
    return buf_return(&b);
}

char *component_handle_rpc(void *instance, const char *method, const char *params_json) {
    kv_store *kv = instance;
    clear_error(kv);
    if (strcmp(method, "kv.put") == 0) return kv_put(kv, params_json);
    if (strcmp(method, "kv.get") == 0) return kv_get(kv, params_json);
    if (strcmp(method, "kv.delete") == 0) return kv_delete(kv, params_json);
    if (strcmp(method, "kv.list") == 0) return kv_list(kv);
    if (strcmp(method, "kv.stats") == 0) return kv_stats(kv);
    set_error(kv, "NotImplemented", "The kv component has no such method.");
    return NULL;
}

void component_free_string(char *s) {
    if (s != NULL) {
        atomic_fetch_add(&strings_freed, 1);
        free(s);
    }
}

char *component_last_error(void *instance) {
    kv_store *kv = instance;
    if (kv == NULL || kv->error_type == NULL) {
        return NULL;
    }
    buffer b = {0};
    buf_add(&b, "{\"type\":");
    buf_add_json_string(&b, kv->error_type);
    buf_add(&b, ",\"message\":");
    buf_add_json_string(&b, kv->error_message);
    buf_add(&b, ",\"ok_to_retry\":false}");
    return buf_return(&b);
}
