/*
 * cpihost_component.h: the C ABI of a CPI Host native component.
 *
 * A native component is a shared library (.so, .dylib, .dll) that exports the functions below
 * with C linkage. CPI Host's native bridge (bundle io.cpihost.bridge.native) loads it with JNA
 * and publishes every loaded instance as a CpiExtension service of provider type "native".
 * Any language that can export C functions works: C, C++ (extern "C"), Rust (#[no_mangle]
 * extern "C"), Go (cgo //export) ...
 *
 * Strings
 *   Every string crossing the boundary is UTF-8, NUL-terminated JSON. Strings the host passes
 *   in are owned by the host and valid only during the call: copy what you keep. Strings the
 *   component returns are owned by the component until the host hands them back through
 *   component_free_string; the host never frees them itself, and it frees every one it gets,
 *   on every path (also when it rejects the content). The host accepts at most 16 MiB per
 *   returned string.
 *
 * Threads
 *   The host serializes all calls on one instance (one component_create handle): a component
 *   needs no locking for per-instance state. Different instances of the same library may be
 *   called from different threads at the same time, so global state must be synchronized.
 *   The host never calls into an instance that is being created or destroyed.
 *
 * Lifecycle, in the order the host drives it
 *   1. The host copies the library to a private file and loads the copy, so the original file
 *      can be replaced while the old code still runs.
 *   2. It checks that all nine required symbols are exported and names every missing one.
 *   3. component_create, component_configure(config), component_start, component_info, and
 *      component_describe when exported. Any failure destroys the instance (component_stop is
 *      called only after a successful start) and reports the component_last_error detail.
 *   4. It publishes the service (name = info "id", unless the operator configured a name) and
 *      calls component_handle_rpc per call, component_status at most about once per second.
 *   5. Removal: unpublish, wait for the call in flight, component_stop, component_destroy,
 *      unload the library and delete the private copy.
 *
 * Where instances come from
 *   - ConfigAdmin factory configurations of PID io.cpihost.bridge.native: "library" (path),
 *     optional "name" (overrides info "id"), optional "config" (a JSON object as text, passed
 *     to component_configure; "{}" when absent).
 *   - Libraries dropped into FileInstall's watched folder; an optional sidecar file
 *     "<library file name>.json" (libkv.so.json) holds the JSON object passed to
 *     component_configure. Replacing the library or its sidecar reloads the instance.
 */
#ifndef CPIHOST_COMPONENT_H
#define CPIHOST_COMPONENT_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#  define CPIHOST_EXPORT __declspec(dllexport)
#else
#  define CPIHOST_EXPORT __attribute__((visibility("default")))
#endif

/* component_status results. */
#define CPIHOST_STATUS_OK        0  /* working normally */
#define CPIHOST_STATUS_DEGRADED  1  /* working with reduced function; shown as DEGRADED */
#define CPIHOST_STATUS_ERROR     2  /* not working; shown as ERROR */
#define CPIHOST_STATUS_STOPPED   3  /* stopped; shown as STOPPED */
/* -1 (the status itself failed) is shown as ERROR with the component_last_error detail. */

/* Results of configure, start and stop. */
#define CPIHOST_OK     0
#define CPIHOST_FAILED (-1)

/* ---- Required symbols: a library lacking any of them is not loaded. ---- */

/* Creates an instance; returns an opaque handle passed to every other call, NULL on failure. */
CPIHOST_EXPORT void *component_create(void);

/* Releases everything the instance holds. Called once, last; the handle is invalid afterwards. */
CPIHOST_EXPORT void component_destroy(void *instance);

/*
 * Applies the operator's configuration, a JSON object ("{}" when none was given).
 * Returns 0, or -1 on error (then component_last_error explains it, when exported).
 */
CPIHOST_EXPORT int component_configure(void *instance, const char *config_json);

/* Starts serving. 0 ok, -1 error. */
CPIHOST_EXPORT int component_start(void *instance);

/* Stops serving; called before component_destroy when start succeeded. 0 ok, -1 error. */
CPIHOST_EXPORT int component_stop(void *instance);

/* The current health: one of CPIHOST_STATUS_*, or -1 when it cannot be determined. */
CPIHOST_EXPORT int component_status(void *instance);

/*
 * Describes the component, called once after start:
 *   {"id": "kv", "name": "Key-value store", "version": "1.0.0", "author": "...",
 *    "description": "...", "rpc_methods": ["kv.put", "kv.get"]}
 * "id" is the extension name callers use (unless the operator overrides it) and must not be
 * blank; "rpc_methods" lists the actions. Returns a string freed with component_free_string.
 */
CPIHOST_EXPORT char *component_info(void *instance);

/*
 * Runs one method. method is one of rpc_methods; params_json is JSON (see "Parameters"
 * below). Returns the result as JSON text (any JSON value: object, array, string, number,
 * true, false, null), to be freed with component_free_string, or NULL on error. Text that
 * is not valid JSON is reported to the caller as an InvalidResponse error.
 *
 * Parameters
 *   - With component_describe, the caller's named parameters, validated against the declared
 *     ones, arrive as one JSON object: {"key": "a", "value": "b"}.
 *   - Without it, every method declares one optional parameter "params" of any JSON type; its
 *     value arrives as params_json verbatim ({"params": [1, 2]} arrives as "[1,2]"), and "{}"
 *     arrives when the caller passed none.
 */
CPIHOST_EXPORT char *component_handle_rpc(void *instance, const char *method, const char *params_json);

/* Frees a string this library returned. The host calls it exactly once per non-NULL string. */
CPIHOST_EXPORT void component_free_string(char *s);

/* ---- Optional symbols: used when exported. ---- */

/*
 * After a NULL from component_create/component_handle_rpc/component_info, or -1 from
 * configure/start/stop/status: the error that caused it, as
 *   {"type": "NotFound", "message": "Key 'a' does not exist.", "ok_to_retry": false}
 * "type" is passed to the caller unchanged (CPI Host's standard types are CloudError,
 * NotFound, InvalidParameter, NotSupported, Unavailable ...; a provider may use its own, such
 * as Bosh::Clouds::VMNotFound); "message" should be a full sentence naming the offending
 * thing. Returns NULL when there is no error to report. Freed with component_free_string.
 * Without this symbol an rpc failure becomes a generic CloudError naming the method.
 */
CPIHOST_EXPORT char *component_last_error(void *instance);

/*
 * The action definitions, used instead of the bare rpc_methods list:
 *   {"actions": [
 *     {"name": "kv.put", "description": "Stores a value.", "read_only": false,
 *      "parameters": [
 *        {"name": "key", "type": "string", "required": true, "nullable": false,
 *         "description": "The key."}]}]}
 * A bare JSON array of actions is accepted too. "type" is one of string, integer, number,
 * boolean, object, array, any; "required" defaults to true, "nullable" to false,
 * "read_only" to false. The registry then rejects calls with unknown, missing or mistyped
 * parameters before they reach the component. Freed with component_free_string.
 */
CPIHOST_EXPORT char *component_describe(void *instance);

#ifdef __cplusplus
}
#endif

#endif /* CPIHOST_COMPONENT_H */
