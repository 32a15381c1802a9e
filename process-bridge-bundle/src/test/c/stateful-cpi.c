/*
 * A small but real BOSH CPI (API v2) whose "cloud" is a directory, so that separate processes
 * (per-call mode) and several long-lived ones (persistent mode) see the same resources.
 *
 *   stateful-cpi --state DIR [--max-disk-mib N] [--persistent] [--v N]
 *
 * Layout: DIR/stemcells/<cid> (image path), DIR/vms/<cid> (stemcell and agent id),
 * DIR/disks/<cid> (size in MiB), DIR/snapshots/<cid> (disk and size), DIR/networks/<cid>
 * (definition). An attachment is DIR/vms/<vm>.disks/<disk> plus DIR/disks/<disk>.vm holding the
 * VM's id; metadata goes to <resource>.meta. Ids are created with O_CREAT|O_EXCL, retried on
 * EEXIST; changes that touch several files (attach, detach, delete_vm, delete_disk) hold an
 * flock on DIR/.lock, so concurrent processes never see half an attachment.
 *
 * The request is parsed as JSON (objects, arrays, strings, numbers, literals); string arguments
 * may use the simple escapes but not \u. Ids are [A-Za-z0-9_-]{1,100}: any other id does not
 * exist. Malformed requests and arguments are answered with a Bosh::Clouds::CloudError.
 */
#include "fixture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#define MAX_ARGS 8
#define CID_MAX 128
#define PATH_CAP 4096
#define CLOUD_ERROR "Bosh::Clouds::CloudError"

/* The raw JSON text of a value; start is NULL when the value is absent. */
typedef struct {
    const char *start;
    size_t len;
} span;

/* The kinds of resources: directory, id prefix, error type for unknown ids, label. */
enum kind { STEMCELL, VM, DISK, SNAPSHOT, NETWORK };
static const struct {
    const char *dir, *prefix, *missing, *label;
} KINDS[] = {
    {"stemcells", "sc", "Bosh::Clouds::StemcellNotFound", "Stemcell"},
    {"vms", "vm", "Bosh::Clouds::VMNotFound", "VM"},
    {"disks", "disk", "Bosh::Clouds::DiskNotFound", "Disk"},
    {"snapshots", "snap", "Bosh::Clouds::SnapshotNotFound", "Snapshot"},
    {"networks", "net", "Bosh::Clouds::NetworkNotFound", "Network"},
};

static const char *state_dir;
static const char *setup_problem = "no state directory was given (--state DIR)";
static long long max_disk_mib = 1048576;
static int lock_fd = -1;
static long counter;

/* The current request: method, raw arguments, and the arguments as text or integers. */
static char method[64];
static int api_version;
static span args[MAX_ARGS];
static char str[MAX_ARGS][PATH_CAP];
static long long num[MAX_ARGS];

/* ------------------------------------------------------------------ answers */

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

/* Starts a successful answer; the caller prints the result, then calls end(). */
static void begin(void) { fputs("{\"result\":", stdout); }

static int end(void) {
    fputs(",\"error\":null,\"log\":\"\"}\n", stdout);
    fflush(stdout);
    return 0;
}

static int ok(const char *json) {
    begin();
    fputs(json, stdout);
    return end();
}

static int ok_string(const char *s) {
    begin();
    json_string(s);
    return end();
}

/* Answers an error; returns -1 so that handlers can "return fail(...)". */
__attribute__((format(printf, 2, 3)))
static int fail(const char *type, const char *format, ...) {
    char message[1024];
    va_list ap;
    va_start(ap, format);
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    fputs("{\"result\":null,\"error\":{\"type\":", stdout);
    json_string(type);
    fputs(",\"message\":", stdout);
    json_string(message);
    fputs(",\"ok_to_retry\":false},\"log\":\"\"}\n", stdout);
    fflush(stdout);
    return -1;
}

static int system_error(const char *what, const char *path) {
    return fail(CLOUD_ERROR, "Cannot %s '%s': %s.", what, path, strerror(errno));
}

/* ------------------------------------------------------------------ JSON */

static const char *ws(const char *p) {
    return p + strspn(p, " \t\r\n");
}

/* The end of the JSON value at p (after whitespace), or NULL when it is malformed. */
static const char *skip(const char *p, int depth) {
    p = ws(p);
    if (*p == '"') {
        for (p++; *p != '"'; p++) {
            if ((unsigned char) *p < 0x20 || (*p == '\\' && *++p == '\0')) {
                return NULL;
            }
        }
        return p + 1;
    }
    if ((*p == '{' || *p == '[') && depth < 64) {
        char close = *p == '{' ? '}' : ']';
        if (*(p = ws(p + 1)) == close) {
            return p + 1;
        }
        for (;;) {
            if (close == '}') { /* a key, then a colon */
                if (*p != '"' || (p = skip(p, depth + 1)) == NULL || *(p = ws(p)) != ':') {
                    return NULL;
                }
                p++;
            }
            if ((p = skip(p, depth + 1)) == NULL) {
                return NULL;
            }
            if (*(p = ws(p)) == close) {
                return p + 1;
            }
            if (*p != ',') {
                return NULL;
            }
            p = ws(p + 1);
        }
    }
    if ((*p == '-' && p[1] >= '0' && p[1] <= '9') || (*p >= '0' && *p <= '9')) {
        return p + 1 + strspn(p + 1, "0123456789.eE+-");
    }
    const char *literals[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        if (strncmp(p, literals[i], strlen(literals[i])) == 0) {
            return p + strlen(literals[i]);
        }
    }
    return NULL;
}

/* A member of a well-formed object, keys compared verbatim; absent when there is none. */
static span member(span object, const char *key) {
    size_t keylen = strlen(key);
    const char *p = object.start != NULL && *object.start == '{' ? ws(object.start + 1) : "";
    while (*p == '"') {
        const char *key_end = skip(p, 0), *value = ws(ws(key_end) + 1), *value_end = skip(value, 0);
        if ((size_t) (key_end - p) == keylen + 2 && strncmp(p + 1, key, keylen) == 0) {
            return (span) {value, (size_t) (value_end - value)};
        }
        p = ws(value_end);
        p = ws(p + (*p == ','));
    }
    return (span) {NULL, 0};
}

static int is_null(span v) {
    return v.start == NULL || (v.len == 4 && strncmp(v.start, "null", 4) == 0);
}

/* A JSON string's text (simple escapes only) into out; -1 when it is no string or too long. */
static int text_of(span v, char *out, size_t cap) {
    size_t n = 0;
    if (v.start == NULL || *v.start != '"') {
        return -1;
    }
    for (const char *p = v.start + 1; p < v.start + v.len - 1; p++) {
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t", *esc;
        if (n + 1 >= cap) {
            return -1;
        } else if (*p != '\\') {
            out[n++] = *p;
        } else if ((esc = strchr(from, *++p)) != NULL) {
            out[n++] = to[esc - from];
        } else {
            return -1;
        }
    }
    out[n] = '\0';
    return 0;
}

/* An integer (saturating when it overflows); -1 when the value is no integer. */
static int integer_of(span v, long long *out) {
    char buf[64], *stop;
    if (v.start == NULL || v.len == 0 || v.len >= sizeof buf
        || strchr("-0123456789", *v.start) == NULL) {
        return -1;
    }
    memcpy(buf, v.start, v.len);
    buf[v.len] = '\0';
    *out = strtoll(buf, &stop, 10);
    return *stop == '\0' ? 0 : -1;
}

/* Parses the request into method, api_version and args; answers an error when it cannot. */
static int parse_request(const char *request) {
    const char *stop = skip(request, 0);
    if (stop == NULL || *ws(stop) != '\0' || *ws(request) != '{') {
        return fail(CLOUD_ERROR, "The request is not a JSON object.");
    }
    span whole = {ws(request), (size_t) (stop - ws(request))};
    span version = member(whole, "api_version");
    if (text_of(member(whole, "method"), method, sizeof method) != 0) {
        return fail(CLOUD_ERROR, "The request has no string 'method'.");
    }
    long long v = 1;
    if (!is_null(version) && integer_of(version, &v) != 0) {
        return fail(CLOUD_ERROR, "The request's 'api_version' is not an integer.");
    }
    api_version = (int) v;
    memset(args, 0, sizeof args);
    span list = member(whole, "arguments");
    if (is_null(list)) {
        return 0;
    }
    if (*list.start != '[') {
        return fail(CLOUD_ERROR, "The request's 'arguments' is not an array.");
    }
    const char *p = ws(list.start + 1);
    for (int i = 0; *p != ']'; i++) {
        const char *value_end = skip(p, 0);
        if (i < MAX_ARGS) {
            args[i] = (span) {p, (size_t) (value_end - p)};
        }
        p = ws(value_end);
        p = ws(p + (*p == ','));
    }
    return 0;
}

/*
 * Checks the arguments against a signature, one letter each: s string, S string or null,
 * i integer, o object, O object or null, - anything. Strings go to str[], integers to num[].
 */
static int check_arguments(const char *signature) {
    for (int i = 0; signature[i] != '\0'; i++) {
        char t = signature[i];
        int null = is_null(args[i]);
        const char *wanted = NULL;
        if (t == 's' || (t == 'S' && !null)) {
            wanted = text_of(args[i], str[i], sizeof str[i]) != 0 ? "a string (up to 4095"
                     " characters, no \\u escapes)" : NULL;
        } else if (t == 'i') {
            wanted = integer_of(args[i], &num[i]) != 0 ? "an integer" : NULL;
        } else if (t == 'o' || (t == 'O' && !null)) {
            wanted = args[i].start == NULL || *args[i].start != '{' ? "an object" : NULL;
        }
        if (t == 'S' && null) {
            str[i][0] = '\0';
        }
        if (wanted != NULL) {
            return fail(CLOUD_ERROR, "Argument %d of '%s' must be %s%s.", i + 1, method, wanted,
                        t == 'S' || t == 'O' ? " or null" : "");
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ state */

static int valid_cid(const char *cid) {
    size_t n = strlen(cid);
    return n > 0 && n <= 100
           && strspn(cid, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/* DIR/<kind's directory>/<cid><suffix>, into buf. */
static char *path_of(char *buf, enum kind kind, const char *cid, const char *suffix) {
    snprintf(buf, PATH_CAP, "%s/%s/%s%s", state_dir, KINDS[kind].dir, cid, suffix);
    return buf;
}

static int exists(enum kind kind, const char *cid) {
    char path[PATH_CAP];
    struct stat st;
    return valid_cid(cid) && stat(path_of(path, kind, cid, ""), &st) == 0 && S_ISREG(st.st_mode);
}

/* Insists that the resource named by argument i exists. */
static int need(enum kind kind, int i) {
    if (!exists(kind, str[i])) {
        return fail(KINDS[kind].missing, "%s '%s' does not exist.", KINDS[kind].label, str[i]);
    }
    return 0;
}

/* The first line of a file into out (empty when the file cannot be read). */
static void read_line(const char *path, char *out, size_t cap) {
    FILE *f = fopen(path, "r");
    size_t n = f != NULL ? fread(out, 1, cap - 1, f) : 0;
    if (f != NULL) {
        fclose(f);
    }
    out[n] = '\0';
    out[strcspn(out, "\n")] = '\0';
}

/* Replaces a file's content atomically: a temporary file, then rename. */
static int write_file(const char *path, const char *text, size_t len) {
    char tmp[PATH_CAP + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int) getpid());
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        return system_error("write", tmp);
    }
    int bad = fwrite(text, 1, len, f) != len;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return system_error("write", path);
    }
    return 0;
}

/* Creates a resource holding text with a new unique id, which goes to cid. */
static int create(enum kind kind, const char *text, char *cid) {
    char path[PATH_CAP];
    for (int attempt = 0; attempt < 1000; attempt++) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        snprintf(cid, CID_MAX, "%s-%x-%lx-%lx", KINDS[kind].prefix, (unsigned) getpid(),
                 ++counter, ((unsigned long) now.tv_nsec ^ (unsigned long) now.tv_sec) & 0xffffff);
        int fd = open(path_of(path, kind, cid, ""), O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0 && errno == EEXIST) {
            continue;
        }
        size_t len = strlen(text);
        if (fd < 0 || write(fd, text, len) != (ssize_t) len) {
            int rc = system_error("create", path);
            if (fd >= 0) {
                close(fd);
                unlink(path);
            }
            return rc;
        }
        close(fd);
        return 0;
    }
    return fail(CLOUD_ERROR, "No unique %s id after 1000 attempts.", KINDS[kind].label);
}

/* Deletes a resource and its metadata. */
static int destroy(enum kind kind, const char *cid) {
    char path[PATH_CAP];
    unlink(path_of(path, kind, cid, ".meta"));
    return unlink(path_of(path, kind, cid, "")) != 0 ? system_error("delete", path) : 0;
}

static int store_metadata(enum kind kind, int i) {
    char path[PATH_CAP];
    return write_file(path_of(path, kind, str[i], ".meta"), args[i + 1].start, args[i + 1].len);
}

static void lock(void) { flock(lock_fd, LOCK_EX); }

static void unlock(void) { flock(lock_fd, LOCK_UN); }

/* The VM a disk is attached to, into vm (empty when none). */
static void attached_vm(const char *disk, char *vm) {
    char path[PATH_CAP];
    read_line(path_of(path, DISK, disk, ".vm"), vm, CID_MAX);
}

/* DIR/vms/<vm>.disks/<disk> (disk NULL: the directory), into buf. */
static char *link_of(char *buf, const char *vm, const char *disk) {
    path_of(buf, VM, vm, ".disks");
    if (disk != NULL) {
        size_t n = strlen(buf);
        snprintf(buf + n, PATH_CAP - n, "/%.*s", CID_MAX, disk);
    }
    return buf;
}

static int check_size(long long size) {
    if (size < 1 || size > max_disk_mib) {
        return fail(CLOUD_ERROR, "Disk size %lld MiB is out of range: disks have 1 to %lld MiB.",
                    size, max_disk_mib);
    }
    return 0;
}

/* ------------------------------------------------------------------ methods */

static int info(void) { return ok("{\"api_version\":2,\"stemcell_formats\":[\"raw\"]}"); }

static int create_stemcell(void) {
    char cid[CID_MAX];
    if (access(str[0], R_OK) != 0) {
        return system_error("read the stemcell image", str[0]);
    }
    return create(STEMCELL, str[0], cid) != 0 ? -1 : ok_string(cid);
}

/* delete_stemcell, delete_snapshot, delete_network: resources without relations. */
static int delete_simple(enum kind kind) {
    return need(kind, 0) != 0 || destroy(kind, str[0]) != 0 ? -1 : ok("null");
}

static int delete_stemcell(void) { return delete_simple(STEMCELL); }

static int create_vm(void) {
    char text[PATH_CAP * 2], cid[CID_MAX];
    if (!exists(STEMCELL, str[1])) {
        return fail("Bosh::Clouds::VMCreationFailed", "Stemcell '%s' does not exist.", str[1]);
    }
    snprintf(text, sizeof text, "%.100s %.1000s\n", str[1], str[0]);
    if (create(VM, text, cid) != 0) {
        return -1;
    }
    if (api_version < 2) {
        return ok_string(cid);
    }
    begin();
    putchar('[');
    json_string(cid);
    printf(",%.*s]", (int) args[3].len, args[3].start);
    return end();
}

static int delete_vm(void) {
    char dir_path[PATH_CAP], path[PATH_CAP];
    if (need(VM, 0) != 0) {
        return -1;
    }
    lock();
    DIR *dir = opendir(link_of(dir_path, str[0], NULL));
    for (struct dirent *e; dir != NULL && (e = readdir(dir)) != NULL;) {
        if (valid_cid(e->d_name)) {
            unlink(path_of(path, DISK, e->d_name, ".vm"));
            unlink(link_of(path, str[0], e->d_name));
        }
    }
    if (dir != NULL) {
        closedir(dir);
        rmdir(dir_path);
    }
    int rc = destroy(VM, str[0]);
    unlock();
    return rc != 0 ? -1 : ok("null");
}

static int has_vm(void) { return ok(exists(VM, str[0]) ? "true" : "false"); }
static int reboot_vm(void) { return need(VM, 0) != 0 ? -1 : ok("null"); }

static int set_vm_metadata(void) {
    return need(VM, 0) != 0 || store_metadata(VM, 0) != 0 ? -1 : ok("null");
}

static int calculate_vm_cloud_properties(void) {
    const char *names[] = {"cpu", "ram", "ephemeral_disk_size"};
    long long v[3];
    for (int i = 0; i < 3; i++) {
        if (integer_of(member(args[0], names[i]), &v[i]) != 0 || v[i] < 1) {
            return fail(CLOUD_ERROR, "desired_instance_size needs a positive integer '%s'.",
                        names[i]);
        }
    }
    char json[256];
    snprintf(json, sizeof json, "{\"instance_type\":\"stateful-%lldx%lld\",\"cpu\":%lld,\"ram\":"
             "%lld,\"ephemeral_disk_size\":%lld}", v[0], v[1], v[0], v[1], v[2]);
    return ok(json);
}

static int create_disk(void) {
    char text[32], cid[CID_MAX];
    if ((str[2][0] != '\0' && need(VM, 2) != 0) || check_size(num[0]) != 0) {
        return -1;
    }
    snprintf(text, sizeof text, "%lld\n", num[0]);
    return create(DISK, text, cid) != 0 ? -1 : ok_string(cid);
}

static int delete_disk(void) {
    char vm[CID_MAX];
    if (need(DISK, 0) != 0) {
        return -1;
    }
    lock();
    attached_vm(str[0], vm);
    int rc = vm[0] != '\0' ? fail(CLOUD_ERROR, "Disk '%s' is attached to VM '%s'; detach it"
                                  " first.", str[0], vm)
                           : destroy(DISK, str[0]);
    unlock();
    return rc != 0 ? -1 : ok("null");
}

/* resize_disk, update_disk: grows a disk (or keeps its size); shrinking is not supported. */
static int resize_disk(void) {
    char path[PATH_CAP], text[32];
    if (need(DISK, 0) != 0) {
        return -1;
    }
    read_line(path_of(path, DISK, str[0], ""), text, sizeof text);
    long long size = atoll(text);
    if (num[1] < size) {
        return fail("Bosh::Clouds::NotSupported", "Disk '%s' has %lld MiB; shrinking it to %lld"
                    " MiB is not supported.", str[0], size, num[1]);
    }
    if (check_size(num[1]) != 0) {
        return -1;
    }
    int len = snprintf(text, sizeof text, "%lld\n", num[1]);
    return num[1] != size && write_file(path, text, (size_t) len) != 0 ? -1 : ok("null");
}

static int has_disk(void) { return ok(exists(DISK, str[0]) ? "true" : "false"); }

static int attach_disk(void) {
    char owner[CID_MAX], path[PATH_CAP];
    const char *vm = str[0], *disk = str[1];
    if (need(VM, 0) != 0 || need(DISK, 1) != 0) {
        return -1;
    }
    lock();
    int rc = 0;
    attached_vm(disk, owner);
    if (owner[0] != '\0' && strcmp(owner, vm) != 0) {
        rc = fail(CLOUD_ERROR, "Disk '%s' is attached to VM '%s'.", disk, owner);
    } else if (owner[0] == '\0') {
        if (mkdir(link_of(path, vm, NULL), 0755) != 0 && errno != EEXIST) {
            rc = system_error("create", path);
        }
        rc = rc != 0 ? rc : write_file(link_of(path, vm, disk), "", 0);
        rc = rc != 0 ? rc : write_file(path_of(path, DISK, disk, ".vm"), vm, strlen(vm));
    }
    unlock();
    if (rc != 0 || api_version < 2) {
        return rc != 0 ? -1 : ok("null");
    }
    begin();
    printf("{\"path\":\"/dev/disk/by-id/virtio-%s\"}", disk);
    return end();
}

static int detach_disk(void) {
    char owner[CID_MAX], path[PATH_CAP];
    const char *vm = str[0], *disk = str[1];
    if (need(VM, 0) != 0 || need(DISK, 1) != 0) {
        return -1;
    }
    lock();
    int rc = 0;
    attached_vm(disk, owner);
    if (strcmp(owner, vm) != 0) {
        rc = fail("Bosh::Clouds::DiskNotAttached", "Disk '%s' is not attached to VM '%s'.", disk,
                  vm);
    } else {
        unlink(path_of(path, DISK, disk, ".vm"));
        unlink(link_of(path, vm, disk));
    }
    unlock();
    return rc != 0 ? -1 : ok("null");
}

static int set_disk_metadata(void) {
    return need(DISK, 0) != 0 || store_metadata(DISK, 0) != 0 ? -1 : ok("null");
}

static int get_disks(void) {
    char path[PATH_CAP];
    if (need(VM, 0) != 0) {
        return -1;
    }
    lock();
    begin();
    putchar('[');
    DIR *dir = opendir(link_of(path, str[0], NULL));
    const char *separator = "";
    for (struct dirent *e; dir != NULL && (e = readdir(dir)) != NULL;) {
        if (valid_cid(e->d_name)) {
            fputs(separator, stdout);
            json_string(e->d_name);
            separator = ",";
        }
    }
    if (dir != NULL) {
        closedir(dir);
    }
    unlock();
    putchar(']');
    return end();
}

static int snapshot_disk(void) {
    char path[PATH_CAP], size[32], text[CID_MAX + 32], cid[CID_MAX];
    if (need(DISK, 0) != 0) {
        return -1;
    }
    read_line(path_of(path, DISK, str[0], ""), size, sizeof size);
    snprintf(text, sizeof text, "%.100s %s\n", str[0], size);
    return create(SNAPSHOT, text, cid) != 0 ? -1 : ok_string(cid);
}

static int delete_snapshot(void) { return delete_simple(SNAPSHOT); }

static int create_network(void) {
    char cid[CID_MAX], *text = strndup(args[0].start, args[0].len);
    int rc = text != NULL ? create(NETWORK, text, cid) : fail(CLOUD_ERROR, "Out of memory.");
    free(text);
    return rc != 0 ? -1 : ok_string(cid);
}

static int delete_network(void) { return delete_simple(NETWORK); }

static int configure_networks(void) {
    return need(VM, 0) != 0 ? -1 : fail("Bosh::Clouds::NotSupported", "configure_networks (API v1)"
                                         " is not supported; recreate VM '%s' instead.", str[0]);
}

/* The methods with their argument signatures (see check_arguments). */
static const struct {
    const char *name, *signature;
    int (*handler)(void);
} METHODS[] = {
    {"info", "", info},
    {"create_stemcell", "sO", create_stemcell},
    {"delete_stemcell", "s", delete_stemcell},
    {"create_vm", "ssOo--", create_vm},
    {"delete_vm", "s", delete_vm},
    {"has_vm", "s", has_vm},
    {"reboot_vm", "s", reboot_vm},
    {"set_vm_metadata", "so", set_vm_metadata},
    {"calculate_vm_cloud_properties", "o", calculate_vm_cloud_properties},
    {"create_disk", "iOS", create_disk},
    {"delete_disk", "s", delete_disk},
    {"resize_disk", "si", resize_disk},
    {"update_disk", "siO", resize_disk},
    {"has_disk", "s", has_disk},
    {"attach_disk", "ss", attach_disk},
    {"detach_disk", "ss", detach_disk},
    {"set_disk_metadata", "so", set_disk_metadata},
    {"get_disks", "s", get_disks},
    {"snapshot_disk", "sO", snapshot_disk},
    {"delete_snapshot", "s", delete_snapshot},
    {"create_network", "o", create_network},
    {"delete_network", "s", delete_network},
    {"configure_networks", "so", configure_networks},
};

/* ------------------------------------------------------------------ main */

static void handle(const char *request) {
    if (parse_request(request) != 0) {
        return;
    }
    fprintf(stderr, "stateful-cpi[%d]: %s\n", (int) getpid(), method);
    for (size_t i = 0; i < sizeof METHODS / sizeof METHODS[0]; i++) {
        if (strcmp(method, METHODS[i].name) != 0) {
            continue;
        }
        if (setup_problem != NULL && METHODS[i].handler != info) {
            fail(CLOUD_ERROR, "The CPI cannot serve: %s.", setup_problem);
        } else if (check_arguments(METHODS[i].signature) == 0) {
            METHODS[i].handler();
        }
        return;
    }
    fail("Bosh::Clouds::NotImplemented", "Method '%s' is not implemented.", method);
}

/* Creates the state directory's layout and opens the lock; sets setup_problem when it cannot. */
static void setup(void) {
    static char problem[PATH_CAP + 128];
    char path[PATH_CAP];
    for (int i = -1; i <= NETWORK; i++) {
        snprintf(path, sizeof path, "%s/%s", state_dir, i < 0 ? "" : KINDS[i].dir);
        if (mkdir(path, 0755) != 0 && errno != EEXIST) {
            snprintf(problem, sizeof problem, "cannot create '%s': %s", path, strerror(errno));
            setup_problem = problem;
            return;
        }
    }
    snprintf(path, sizeof path, "%s/.lock", state_dir);
    if ((lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
        snprintf(problem, sizeof problem, "cannot open '%s': %s", path, strerror(errno));
        setup_problem = problem;
        return;
    }
    setup_problem = NULL;
}

int main(int argc, char **argv) {
    int persistent = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--persistent") == 0) {
            persistent = 1;
        } else if (strcmp(argv[i], "--state") == 0 && i + 1 < argc) {
            state_dir = argv[++i];
        } else if (strcmp(argv[i], "--max-disk-mib") == 0 && i + 1 < argc) {
            max_disk_mib = atoll(argv[++i]);
        } else if (strcmp(argv[i], "--v") == 0 && i + 1 < argc) {
            i++;
        } else {
            fprintf(stderr, "stateful-cpi: ignoring argument '%s'\n", argv[i]);
        }
    }
    if (state_dir != NULL && strlen(state_dir) < PATH_CAP - 512) {
        setup();
    }
    if (!persistent) {
        char *request = read_all();
        handle(request);
        free(request);
        return 0;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) > 0) {
        if (*ws(line) != '\0') {
            line[strcspn(line, "\r\n")] = '\0';
            handle(line);
        }
    }
    free(line);
    return 0;
}
