package io.cpihost.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.CpiRegistry;
import io.cpihost.api.ExtensionInfo;
import io.cpihost.api.ParameterDefinition;
import io.cpihost.api.ParameterDefinition.Type;

/**
 * One run of the conformance checks against one extension. Not thread-safe; used once.
 *
 * <p>Every check is a method that returns its detail when it passes and throws {@link Failed}
 * or {@link Skipped} otherwise; {@link #check} turns anything else it throws into a failed
 * check, so one broken check never stops the run.
 */
final class Suite {

    private static final Pattern ACTION_NAME = Pattern.compile("[A-Za-z0-9_.:-]+");
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    /** Actions that by BOSH's naming only look. */
    private static final List<String> READING_PREFIXES =
            List.of("has_", "get_", "calculate_", "list_", "describe_");
    /** Actions that by BOSH's naming change something. */
    private static final List<String> CHANGING_PREFIXES = List.of("create_", "delete_", "attach_",
            "detach_", "set_", "reboot_", "resize_", "update_", "snapshot_");
    private static final String UNKNOWN_PARAMETER = "conformance_unknown_parameter";
    /** How many problems a detail lists before it summarises the rest. */
    private static final int MAX_LISTED = 5;

    private final CpiRegistry registry;
    private final String name;
    private final Duration callTimeout;
    private final int threads;
    private final int callsPerThread;
    private final long diskSizeMib;
    private final Map<String, Map<String, Object>> defaults;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong calls = new AtomicLong();
    private final List<Check> checks = new ArrayList<>();
    private final Map<String, ActionDefinition> actions = new LinkedHashMap<>();

    Suite(CpiRegistry registry, String name, Duration callTimeout, int threads,
            int callsPerThread, long diskSizeMib, Map<String, Map<String, Object>> defaults) {
        this.registry = registry;
        this.name = name;
        this.callTimeout = callTimeout;
        this.threads = threads;
        this.callsPerThread = callsPerThread;
        this.diskSizeMib = diskSizeMib;
        this.defaults = defaults;
    }

    Report run() {
        check("registered", this::registered);
        if (checks.get(0).status() == Check.Status.FAILED && actions.isEmpty()) {
            return new Report(name, checks);
        }
        check("definitions.well-formed", this::wellFormed);
        check("definitions.read-only", this::honestAboutReadOnly);
        check("read-only.enforced", this::readOnlyEnforced);
        check("reads.idempotent", this::idempotentReads);
        check("lifecycle.stemcell", this::stemcellLifecycle);
        check("lifecycle.vm", this::vmLifecycle);
        check("lifecycle.full", this::fullLifecycle);
        check("disks.resize", this::resize);
        check("disks.size-bounds", this::sizeBounds);
        notFound();
        check("invalid-parameters", this::invalidParameters);
        check("concurrency", this::concurrency);
        return new Report(name, checks);
    }

    // ------------------------------------------------------------------ framework

    /** The body of a check: returns the detail of a pass. */
    @FunctionalInterface
    private interface Body {
        String run() throws Exception;
    }

    /** Ends a check as failed. */
    private static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message, null, false, false);
        }
    }

    /** Ends a check as skipped. */
    private static final class Skipped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skipped(String message) {
            super(message, null, false, false);
        }
    }

    private void check(String checkName, Body body) {
        Check result;
        try {
            result = Check.passed(checkName, body.run());
        } catch (Failed e) {
            result = Check.failed(checkName, e.getMessage());
        } catch (Skipped e) {
            result = Check.skipped(checkName, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = Check.failed(checkName, "The check was interrupted.");
        } catch (VirtualMachineError e) {
            if (!(e instanceof StackOverflowError)) {
                throw e;
            }
            result = Check.failed(checkName, "The check itself broke: " + e + ".");
        } catch (Exception | Error e) {
            // A bug of the kit or an answer it could not digest: a failure, not the end of the run.
            result = Check.failed(checkName, "The check itself broke: " + e + ".");
        }
        checks.add(result);
    }

    private static Failed fail(String message) {
        return new Failed(message);
    }

    /** Skips unless the extension has every one of the actions. */
    private void require(String... needed) {
        List<String> missing = new ArrayList<>();
        for (String action : needed) {
            if (!actions.containsKey(action)) {
                missing.add("'" + action + "'");
            }
        }
        if (!missing.isEmpty()) {
            throw new Skipped("The extension has no action" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + ".");
        }
    }

    private boolean has(String action) {
        return actions.containsKey(action);
    }

    // ------------------------------------------------------------------ calls

    /** Calls through the registry with the kit's deadline and a traceable request id. */
    ActionResult call(String action, Map<String, Object> params, boolean readOnly) {
        CallContext context = CallContext.builder()
                .requestId("conformance-" + runId + "-" + calls.incrementAndGet())
                .timeout(callTimeout).readOnly(readOnly).build();
        try {
            ActionResult result = registry.invoke(name, action, params, context);
            return result != null ? result : ActionResult.failure(CpiError.INTERNAL,
                    "The registry answered nothing for action '" + action + "'.");
        } catch (RuntimeException e) {
            return ActionResult.failure(CpiError.INTERNAL,
                    "The registry threw for action '" + action + "': " + e + ".");
        }
    }

    /** Calls and insists on success. */
    private Object succeed(String action, Map<String, Object> known) {
        Map<String, Object> params = params(action, known);
        ActionResult result = call(action, params, false);
        if (!result.isSuccess()) {
            throw fail("Action '" + action + "' with " + params + " failed: " + describe(result) + ".");
        }
        return result.value();
    }

    /** Calls a create action and insists on an id: a string, or a list starting with one. */
    private String create(String action, Map<String, Object> known) {
        Object value = succeed(action, known);
        String cid = cid(value);
        if (cid == null) {
            throw fail("Action '" + action + "' answered " + value + "; it must answer an id (a"
                    + " non-blank string, or a list whose first element is one).");
        }
        return cid;
    }

    private static String cid(Object value) {
        Object first = value instanceof List<?> list && !list.isEmpty() ? list.get(0) : value;
        return first instanceof String text && !text.isBlank() ? text : null;
    }

    /** Asks a has_* action and insists on a boolean answer equal to the expected one. */
    private void expectExists(String action, String parameter, String cid, boolean expected) {
        if (!has(action)) {
            return;
        }
        Object value = succeed(action, Map.of(parameter, cid));
        if (!(value instanceof Boolean) || (Boolean) value != expected) {
            throw fail("Action '" + action + "' answered " + value + " for '" + cid + "'; expected "
                    + expected + ".");
        }
    }

    /**
     * The parameters for a call: the known values the action declares, the configured extra
     * values, and a harmless value for every other required parameter.
     */
    private Map<String, Object> params(String action, Map<String, Object> known) {
        ActionDefinition definition = actions.get(action);
        Map<String, Object> params = new LinkedHashMap<>();
        if (definition == null) {
            params.putAll(known);
            return params;
        }
        Map<String, Object> extra = defaults.getOrDefault(action, Map.of());
        for (ParameterDefinition parameter : definition.parameters()) {
            String key = parameter.name();
            if (known.containsKey(key)) {
                params.put(key, known.get(key));
            } else if (extra.containsKey(key)) {
                params.put(key, extra.get(key));
            } else if (parameter.required()) {
                params.put(key, harmless(parameter));
            }
        }
        return params;
    }

    private Object harmless(ParameterDefinition parameter) {
        if (isIdParameter(parameter)) {
            return unknownId();
        }
        return switch (parameter.type()) {
            case STRING -> "conformance";
            case INTEGER, NUMBER -> diskSizeMib;
            case BOOLEAN -> Boolean.FALSE;
            case ARRAY -> List.of();
            case OBJECT, ANY -> Map.of();
        };
    }

    private String unknownId() {
        return "conformance-missing-" + UUID.randomUUID();
    }

    private static boolean isIdParameter(ParameterDefinition parameter) {
        return parameter.name().endsWith("_cid")
                && (parameter.type() == Type.STRING || parameter.type() == Type.ANY);
    }

    /** The delete action matching a create action, such as delete_disk for create_disk. */
    private Optional<String> deleteFor(String createAction) {
        String kind = createAction.substring("create_".length());
        String delete = "delete_" + kind;
        ActionDefinition definition = actions.get(delete);
        return definition != null && definition.parameter(kind + "_cid").isPresent()
                ? Optional.of(delete) : Optional.empty();
    }

    /** Deletes what an unexpectedly successful create made; returns a problem or null. */
    private String undoCreate(String createAction, ActionResult result) {
        if (!createAction.startsWith("create_") || !result.isSuccess()) {
            return null;
        }
        String cid = cid(result.value());
        Optional<String> delete = deleteFor(createAction);
        if (cid == null || delete.isEmpty()) {
            return null;
        }
        String kind = createAction.substring("create_".length());
        ActionResult deleted = call(delete.get(), params(delete.get(), Map.of(kind + "_cid", cid)),
                false);
        return deleted.isSuccess() ? null : "cleaning up " + kind + " '" + cid + "' failed: "
                + describe(deleted);
    }

    // ------------------------------------------------------------------ resources

    /**
     * What a check created, deleted in reverse order when the check ends, however it ends.
     * A step that deletes a resource itself forgets it first.
     */
    private final class Resources implements AutoCloseable {
        private final List<String[]> created = new ArrayList<>();
        private Path image;

        /** Records a resource: the action and parameter that delete it, and its id. */
        void add(String deleteAction, String parameter, String cid) {
            created.add(new String[] {deleteAction, parameter, cid});
        }

        /** Records an attachment, undone by detach_disk. */
        void attached(String vmCid, String diskCid) {
            created.add(new String[] {"detach_disk", "vm_cid", vmCid, "disk_cid", diskCid});
        }

        /** Forgets the attachment, before detach_disk as a step of the check. */
        void detached() {
            created.removeIf(entry -> entry[0].equals("detach_disk"));
        }

        void forget(String cid) {
            created.removeIf(entry -> entry[entry.length - 1].equals(cid));
        }

        /** A small stemcell image file for create_stemcell. */
        Path image() throws IOException {
            if (image == null) {
                image = Files.createTempFile("cpi-conformance-", ".img");
                Files.write(image, ("CPI Host conformance stemcell " + runId + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            return image;
        }

        @Override
        public void close() {
            List<String> problems = new ArrayList<>();
            for (int i = created.size() - 1; i >= 0; i--) {
                String[] entry = created.get(i);
                if (!has(entry[0])) {
                    problems.add("cannot clean up '" + entry[entry.length - 1] + "': no action '"
                            + entry[0] + "'");
                    continue;
                }
                Map<String, Object> known = new LinkedHashMap<>();
                for (int j = 1; j + 1 < entry.length; j += 2) {
                    known.put(entry[j], entry[j + 1]);
                }
                ActionResult result = call(entry[0], params(entry[0], known), false);
                if (!result.isSuccess()) {
                    problems.add("cleanup " + entry[0] + " " + known.values() + " failed: "
                            + describe(result));
                }
            }
            created.clear();
            if (image != null) {
                try {
                    Files.deleteIfExists(image);
                } catch (IOException e) {
                    problems.add("cannot delete the temporary image '" + image + "': " + e);
                }
            }
            if (!problems.isEmpty()) {
                throw fail("Cleanup failed: " + String.join("; ", problems) + ".");
            }
        }

        String stemcell() throws IOException {
            String cid = create("create_stemcell", Map.of("image_path", image().toString()));
            add("delete_stemcell", "stemcell_cid", cid);
            return cid;
        }

        String vm(String stemcellCid) {
            Map<String, Object> known = new LinkedHashMap<>();
            known.put("agent_id", "conformance-agent-" + runId);
            known.put("stemcell_cid", stemcellCid);
            Map<String, Object> extra = defaults.getOrDefault("create_vm", Map.of());
            if (!extra.containsKey("networks")) {
                known.put("networks", Map.of("default", Map.of("type", "dynamic",
                        "cloud_properties", Map.of())));
            }
            known.put("disk_cids", List.of());
            known.put("environment", Map.of("conformance", runId));
            String cid = create("create_vm", known);
            add("delete_vm", "vm_cid", cid);
            return cid;
        }

        String disk(String vmCid, long sizeMib) {
            Map<String, Object> known = new LinkedHashMap<>();
            known.put("size", sizeMib);
            if (vmCid != null) {
                known.put("vm_cid", vmCid);
            }
            String cid = create("create_disk", known);
            add("delete_disk", "disk_cid", cid);
            return cid;
        }

        /** Deletes a resource as a step of the check. */
        void delete(String action, String parameter, String cid) {
            forget(cid);
            succeed(action, Map.of(parameter, cid));
        }
    }

    // ------------------------------------------------------------------ checks

    private String registered() {
        ExtensionInfo info = registry.info(name).orElse(null);
        if (info == null) {
            throw fail("No extension named '" + name + "' is registered.");
        }
        if (!info.isServing()) {
            throw fail("Extension '" + name + "' is " + info.state() + ": " + info.reason());
        }
        CpiExtension extension = registry.find(name).orElseThrow(
                () -> fail("The registry lists extension '" + name + "' but does not find it."));
        List<ActionDefinition> definitions;
        try {
            definitions = extension.listActions();
        } catch (RuntimeException e) {
            throw fail("Extension '" + name + "' failed to list its actions: " + e + ".");
        }
        if (definitions == null) {
            throw fail("Extension '" + name + "' listed no actions (null).");
        }
        for (ActionDefinition definition : definitions) {
            if (definition != null) {
                actions.putIfAbsent(definition.name(), definition);
            }
        }
        if (info.state() == ExtensionInfo.State.ERROR
                || info.state() == ExtensionInfo.State.STOPPED) {
            throw fail("Extension '" + name + "' reports " + info.state() + ": " + info.reason());
        }
        return info.providerType() + " extension, " + info.state()
                + (info.bundleSymbolicName().isEmpty() ? "" : ", from "
                        + (info.bundleSymbolicName() + " " + info.bundleVersion()).trim())
                + ", " + actions.size() + " actions";
    }

    private String wellFormed() {
        List<ActionDefinition> definitions = registry.find(name).orElseThrow().listActions();
        List<String> problems = new ArrayList<>();
        if (definitions.isEmpty()) {
            problems.add("it offers no actions");
        }
        Set<String> seen = new HashSet<>();
        for (ActionDefinition definition : definitions) {
            if (definition == null) {
                problems.add("its action list holds null");
                continue;
            }
            String action = definition.name();
            if (!seen.add(action)) {
                problems.add("action '" + action + "' is defined twice");
            }
            if (!ACTION_NAME.matcher(action).matches()) {
                problems.add("action name '" + action + "' has characters outside [A-Za-z0-9_.:-]");
            }
            if (definition.description().isBlank()) {
                problems.add("action '" + action + "' has no description");
            }
            for (ParameterDefinition parameter : definition.parameters()) {
                if (!PARAMETER_NAME.matcher(parameter.name()).matches()) {
                    problems.add("parameter '" + parameter.name() + "' of '" + action
                            + "' has characters outside [A-Za-z0-9_.-]");
                }
                if (parameter.required() && parameter.nullable()) {
                    problems.add("parameter '" + parameter.name() + "' of '" + action
                            + "' is required but nullable");
                }
            }
        }
        List<String> listed = registry.info(name).map(ExtensionInfo::actions).orElse(List.of());
        if (!new HashSet<>(listed).equals(seen)) {
            problems.add("the registry lists actions " + listed + " but the extension defines "
                    + seen);
        }
        if (!problems.isEmpty()) {
            throw fail("Extension '" + name + "': " + list(problems) + ".");
        }
        return definitions.size() + " actions, "
                + definitions.stream().mapToInt(d -> d.parameters().size()).sum() + " parameters";
    }

    private String honestAboutReadOnly() {
        List<String> problems = new ArrayList<>();
        int reading = 0;
        for (ActionDefinition definition : actions.values()) {
            String action = definition.name();
            boolean looks = action.equals("info")
                    || READING_PREFIXES.stream().anyMatch(action::startsWith);
            boolean changes = CHANGING_PREFIXES.stream().anyMatch(action::startsWith);
            if (definition.readOnly()) {
                reading++;
            }
            if (looks && !definition.readOnly()) {
                problems.add("'" + action + "' only reads but is not declared read-only");
            }
            if (changes && definition.readOnly()) {
                problems.add("'" + action + "' changes state but is declared read-only");
            }
        }
        if (!problems.isEmpty()) {
            throw fail(list(problems) + ".");
        }
        return reading + " read-only, " + (actions.size() - reading) + " changing";
    }

    private String readOnlyEnforced() {
        // A delete with an unknown id: harmless even if the call were wrongly let through.
        ActionDefinition target = actions.values().stream()
                .filter(d -> !d.readOnly() && d.name().startsWith("delete_"))
                .findFirst()
                .orElseThrow(() -> new Skipped("The extension has no delete_* action to try."));
        ActionResult result = call(target.name(), params(target.name(), Map.of()), true);
        if (result.isSuccess() || !CpiError.READ_ONLY.equals(result.error().type())) {
            throw fail("Changing action '" + target.name() + "' under a read-only call answered "
                    + describe(result) + "; expected a " + CpiError.READ_ONLY + " error.");
        }
        return "'" + target.name() + "' refused: " + result.error().message();
    }

    private String idempotentReads() {
        List<String> tried = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ActionDefinition definition : actions.values()) {
            boolean needsNothing = definition.parameters().stream()
                    .noneMatch(ParameterDefinition::required);
            if (!definition.readOnly() || !needsNothing) {
                continue;
            }
            tried.add(definition.name());
            Map<String, Object> params = params(definition.name(), Map.of());
            ActionResult first = call(definition.name(), params, true);
            ActionResult second = call(definition.name(), params, true);
            if (!first.isSuccess() || !second.isSuccess()) {
                problems.add("'" + definition.name() + "' failed under a read-only call: "
                        + describe(first.isSuccess() ? second : first));
            } else if (!Objects.equals(first.value(), second.value())) {
                problems.add("'" + definition.name() + "' answered " + first.value() + ", then "
                        + second.value());
            }
        }
        if (tried.isEmpty()) {
            throw new Skipped("The extension has no read-only action without required"
                    + " parameters.");
        }
        if (!problems.isEmpty()) {
            throw fail(list(problems) + ".");
        }
        return "same answer twice from " + String.join(", ", tried);
    }

    private String stemcellLifecycle() throws IOException {
        require("create_stemcell", "delete_stemcell");
        try (Resources resources = new Resources()) {
            String stemcell = resources.stemcell();
            resources.delete("delete_stemcell", "stemcell_cid", stemcell);
            return "created and deleted stemcell '" + stemcell + "'";
        }
    }

    private String vmLifecycle() throws IOException {
        require("create_stemcell", "delete_stemcell", "create_vm", "delete_vm");
        List<String> steps = new ArrayList<>();
        try (Resources resources = new Resources()) {
            String stemcell = resources.stemcell();
            steps.add("create_stemcell");
            String vm = resources.vm(stemcell);
            steps.add("create_vm");
            expectExists("has_vm", "vm_cid", vm, true);
            if (has("set_vm_metadata")) {
                succeed("set_vm_metadata", Map.of("vm_cid", vm,
                        "metadata", Map.of("deployment", "conformance", "run", runId)));
                steps.add("set_vm_metadata");
            }
            if (has("reboot_vm")) {
                succeed("reboot_vm", Map.of("vm_cid", vm));
                expectExists("has_vm", "vm_cid", vm, true);
                steps.add("reboot_vm");
            }
            resources.delete("delete_vm", "vm_cid", vm);
            steps.add("delete_vm");
            expectExists("has_vm", "vm_cid", vm, false);
            resources.delete("delete_stemcell", "stemcell_cid", stemcell);
            steps.add("delete_stemcell");
        } catch (Failed e) {
            throw fail(e.getMessage() + " (after " + (steps.isEmpty() ? "no step"
                    : String.join(", ", steps)) + ")");
        }
        return String.join(" > ", steps);
    }

    private String fullLifecycle() throws IOException {
        require("create_stemcell", "delete_stemcell", "create_vm", "delete_vm", "create_disk",
                "delete_disk", "attach_disk", "detach_disk");
        List<String> steps = new ArrayList<>();
        try (Resources resources = new Resources()) {
            String stemcell = resources.stemcell();
            steps.add("create_stemcell");
            String vm = resources.vm(stemcell);
            steps.add("create_vm");
            String disk = resources.disk(vm, diskSizeMib);
            steps.add("create_disk");
            expectExists("has_disk", "disk_cid", disk, true);
            succeed("attach_disk", Map.of("vm_cid", vm, "disk_cid", disk));
            resources.attached(vm, disk);
            steps.add("attach_disk");
            if (has("get_disks")) {
                expectDisks(vm, disk, true);
                steps.add("get_disks");
            }
            String snapshot = null;
            if (has("snapshot_disk") && has("delete_snapshot")) {
                snapshot = create("snapshot_disk", Map.of("disk_cid", disk,
                        "metadata", Map.of("deployment", "conformance", "run", runId)));
                resources.add("delete_snapshot", "snapshot_cid", snapshot);
                steps.add("snapshot_disk");
            }
            if (has("set_vm_metadata")) {
                succeed("set_vm_metadata", Map.of("vm_cid", vm,
                        "metadata", Map.of("deployment", "conformance", "run", runId)));
                steps.add("set_vm_metadata");
            }
            if (has("set_disk_metadata")) {
                succeed("set_disk_metadata", Map.of("disk_cid", disk,
                        "metadata", Map.of("deployment", "conformance", "run", runId)));
                steps.add("set_disk_metadata");
            }
            resources.detached();
            succeed("detach_disk", Map.of("vm_cid", vm, "disk_cid", disk));
            steps.add("detach_disk");
            if (has("get_disks")) {
                expectDisks(vm, disk, false);
            }
            if (snapshot != null) {
                resources.delete("delete_snapshot", "snapshot_cid", snapshot);
                steps.add("delete_snapshot");
            }
            resources.delete("delete_disk", "disk_cid", disk);
            steps.add("delete_disk");
            expectExists("has_disk", "disk_cid", disk, false);
            resources.delete("delete_vm", "vm_cid", vm);
            steps.add("delete_vm");
            expectExists("has_vm", "vm_cid", vm, false);
            resources.delete("delete_stemcell", "stemcell_cid", stemcell);
            steps.add("delete_stemcell");
        } catch (Failed e) {
            throw fail(e.getMessage() + " (after " + (steps.isEmpty() ? "no step"
                    : String.join(", ", steps)) + ")");
        }
        return String.join(" > ", steps);
    }

    private void expectDisks(String vm, String disk, boolean attached) {
        Object value = succeed("get_disks", Map.of("vm_cid", vm));
        if (!(value instanceof Collection<?> disks)) {
            throw fail("Action 'get_disks' answered " + value + " for VM '" + vm
                    + "'; it must answer a list of disk ids.");
        }
        if (disks.contains(disk) != attached) {
            throw fail("Action 'get_disks' answered " + value + " for VM '" + vm + "'; disk '"
                    + disk + "' should " + (attached ? "" : "no longer ") + "be listed.");
        }
    }

    private String resize() {
        require("create_disk", "delete_disk", "resize_disk");
        try (Resources resources = new Resources()) {
            String disk = resources.disk(null, diskSizeMib);
            succeed("resize_disk", Map.of("disk_cid", disk, "new_size", diskSizeMib * 2));
            ActionResult shrink = call("resize_disk", params("resize_disk",
                    Map.of("disk_cid", disk, "new_size", diskSizeMib)), false);
            if (shrink.isSuccess()) {
                throw fail("Shrinking disk '" + disk + "' from " + diskSizeMib * 2 + " to "
                        + diskSizeMib + " MiB succeeded; it must fail.");
            }
            resources.delete("delete_disk", "disk_cid", disk);
            return "grew to " + diskSizeMib * 2 + " MiB; shrinking refused with "
                    + shrink.error().type();
        }
    }

    private String sizeBounds() {
        require("create_disk", "delete_disk");
        List<String> problems = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (long size : new long[] {0, -1, Long.MAX_VALUE}) {
            ActionResult result = call("create_disk", params("create_disk", Map.of("size", size)),
                    false);
            if (result.isSuccess()) {
                problems.add("a disk of " + size + " MiB was created");
                String undo = undoCreate("create_disk", result);
                if (undo != null) {
                    problems.add(undo);
                }
            } else {
                refusals.add(size + " MiB: " + result.error().type());
            }
        }
        if (!problems.isEmpty()) {
            throw fail(list(problems) + "; sizes below 1 MiB or beyond the cloud's limit must be"
                    + " refused.");
        }
        return "refused " + String.join(", ", refusals);
    }

    /** One not-found check per action that takes ids, creating real resources to pair with. */
    private void notFound() {
        List<ActionDefinition> targets = actions.values().stream()
                .filter(d -> !d.name().startsWith("create_"))
                .filter(d -> d.parameters().stream().anyMatch(Suite::isIdParameter))
                .toList();
        if (targets.isEmpty()) {
            check("not-found", () -> {
                throw new Skipped("No action besides create_* takes an id parameter (*_cid).");
            });
            return;
        }
        Map<String, String> fixtures = new LinkedHashMap<>();
        Resources resources = new Resources();
        String fixtureProblem = null;
        try {
            if (has("create_stemcell") && has("delete_stemcell")) {
                fixtures.put("stemcell_cid", resources.stemcell());
                if (has("create_vm") && has("delete_vm")) {
                    fixtures.put("vm_cid", resources.vm(fixtures.get("stemcell_cid")));
                }
            }
            if (has("create_disk") && has("delete_disk")) {
                fixtures.put("disk_cid", resources.disk(null, diskSizeMib));
            }
        } catch (Failed | IOException e) {
            // Without real resources the other ids are unknown too; the checks still hold.
            fixtureProblem = e.getMessage();
        }
        try {
            for (ActionDefinition definition : targets) {
                String problem = fixtureProblem;
                check("not-found." + definition.name(), () -> notFound(definition, fixtures,
                        problem));
            }
        } finally {
            try {
                resources.close();
            } catch (Failed e) {
                check("not-found.cleanup", () -> {
                    throw e;
                });
            }
        }
    }

    private String notFound(ActionDefinition definition, Map<String, String> fixtures,
            String fixtureProblem) {
        String action = definition.name();
        boolean question = action.startsWith("has_");
        List<String> seen = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ParameterDefinition parameter : definition.parameters()) {
            if (!isIdParameter(parameter)) {
                continue;
            }
            String missing = unknownId();
            Map<String, Object> known = new LinkedHashMap<>();
            for (ParameterDefinition other : definition.parameters()) {
                if (other != parameter && isIdParameter(other)
                        && fixtures.containsKey(other.name())) {
                    known.put(other.name(), fixtures.get(other.name()));
                }
            }
            known.put(parameter.name(), missing);
            ActionResult result = call(action, params(action, known), false);
            if (question) {
                if (!result.isSuccess() || !Boolean.FALSE.equals(result.value())) {
                    problems.add(parameter.name() + " '" + missing + "' answered " + describe(result)
                            + "; it must answer false");
                } else {
                    seen.add(parameter.name() + ": false");
                }
                continue;
            }
            if (result.isSuccess()) {
                problems.add(parameter.name() + " '" + missing + "' succeeded (" + result.value()
                        + "); it must fail as not found");
                continue;
            }
            CpiError error = result.error();
            boolean typed = error.type().toLowerCase(Locale.ROOT).contains("notfound");
            if (CpiError.INTERNAL.equals(error.type()) || CpiError.TIMEOUT.equals(error.type())
                    || !(typed || error.message().contains(missing))) {
                problems.add(parameter.name() + " '" + missing + "' failed with "
                        + describe(result)
                        + "; the error type must show not-found or the message name the id");
            } else {
                seen.add(parameter.name() + ": " + error.type());
            }
        }
        if (!problems.isEmpty()) {
            throw fail("Action '" + action + "' with unknown " + list(problems) + "."
                    + (fixtureProblem == null ? "" : " (Real resources to pair with could not be"
                            + " created: " + fixtureProblem + ")"));
        }
        return String.join(", ", seen);
    }

    private String invalidParameters() {
        int rejected = 0;
        List<String> problems = new ArrayList<>();
        for (ActionDefinition definition : actions.values()) {
            String action = definition.name();
            List<Map<String, Object>> attempts = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            Map<String, Object> valid = params(action, Map.of());
            for (ParameterDefinition parameter : definition.parameters()) {
                if (parameter.required()) {
                    Map<String, Object> without = new LinkedHashMap<>(valid);
                    without.remove(parameter.name());
                    attempts.add(without);
                    labels.add("without required '" + parameter.name() + "'");
                }
                if (!parameter.nullable()) {
                    Map<String, Object> nulled = new LinkedHashMap<>(valid);
                    nulled.put(parameter.name(), null);
                    attempts.add(nulled);
                    labels.add("with null '" + parameter.name() + "'");
                }
                if (parameter.type() != Type.ANY) {
                    Map<String, Object> wrong = new LinkedHashMap<>(valid);
                    wrong.put(parameter.name(), wrongValue(parameter.type()));
                    attempts.add(wrong);
                    labels.add("with '" + parameter.name() + "' not " + parameter.type().phrase());
                }
            }
            Map<String, Object> unknown = new LinkedHashMap<>(valid);
            unknown.put(UNKNOWN_PARAMETER, "x");
            attempts.add(unknown);
            labels.add("with unknown parameter '" + UNKNOWN_PARAMETER + "'");
            for (int i = 0; i < attempts.size(); i++) {
                ActionResult result = call(action, attempts.get(i), false);
                if (!result.isSuccess()
                        && CpiError.INVALID_PARAMETER.equals(result.error().type())) {
                    rejected++;
                    continue;
                }
                problems.add("'" + action + "' " + labels.get(i) + " answered " + describe(result));
                String undo = undoCreate(action, result);
                if (undo != null) {
                    problems.add(undo);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw fail("Expected " + CpiError.INVALID_PARAMETER + " errors: " + list(problems)
                    + ".");
        }
        return rejected + " malformed calls over " + actions.size() + " actions rejected with "
                + CpiError.INVALID_PARAMETER;
    }

    private static Object wrongValue(Type type) {
        return switch (type) {
            case STRING -> 12345;
            case INTEGER -> "not a number";
            case NUMBER, BOOLEAN, OBJECT, ARRAY -> "not " + type.phrase();
            case ANY -> throw new IllegalArgumentException("Every value is of type any.");
        };
    }

    private String concurrency() throws InterruptedException {
        String kind;
        Map<String, Object> createParams;
        if (has("create_disk") && has("delete_disk")) {
            kind = "disk";
            createParams = Map.of("size", diskSizeMib);
        } else if (has("create_stemcell") && has("delete_stemcell")) {
            kind = "stemcell";
            createParams = null;
        } else {
            throw new Skipped("The extension has neither create_disk/delete_disk nor"
                    + " create_stemcell/delete_stemcell.");
        }
        String createAction = "create_" + kind;
        String deleteAction = "delete_" + kind;
        String hasAction = "has_" + kind;
        String idParameter = kind + "_cid";
        Set<String> ids = ConcurrentHashMap.newKeySet();
        Set<String> live = ConcurrentHashMap.newKeySet();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "conformance-" + runId);
            thread.setDaemon(true);
            return thread;
        });
        try (Resources resources = new Resources()) {
            Map<String, Object> create = createParams != null ? createParams
                    : Map.of("image_path", resources.image().toString());
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < callsPerThread; round++) {
                        ActionResult created = call(createAction, params(createAction, create),
                                false);
                        String cid = created.isSuccess() ? cid(created.value()) : null;
                        if (cid == null) {
                            problems.add(createAction + " answered " + describe(created));
                            continue;
                        }
                        live.add(cid);
                        if (!ids.add(cid)) {
                            problems.add(createAction + " handed out id '" + cid + "' twice");
                        }
                        if (has(hasAction)) {
                            ActionResult exists = call(hasAction,
                                    params(hasAction, Map.of(idParameter, cid)), true);
                            if (!exists.isSuccess() || !Boolean.TRUE.equals(exists.value())) {
                                problems.add(hasAction + " '" + cid + "' answered " + describe(exists)
                                        + " right after creation");
                            }
                        }
                        ActionResult deleted = call(deleteAction,
                                params(deleteAction, Map.of(idParameter, cid)), false);
                        if (deleted.isSuccess()) {
                            live.remove(cid);
                        } else {
                            problems.add(deleteAction + " '" + cid + "' answered " + describe(deleted));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            long budget = callTimeout.toNanos() * 3 * callsPerThread;
            long deadline = System.nanoTime() + budget;
            for (Future<?> future : futures) {
                try {
                    future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    problems.add("the calls did not finish within "
                            + Duration.ofNanos(budget).toSeconds() + " s");
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    problems.add("a calling thread broke: " + e.getCause());
                }
            }
            pool.shutdownNow();
            if (!pool.awaitTermination(callTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                problems.add("calls were still running " + callTimeout.toSeconds()
                        + " s after the check gave up");
            }
            for (String cid : live) {
                resources.add(deleteAction, idParameter, cid);
            }
            if (has(hasAction)) {
                for (String cid : ids) {
                    if (live.contains(cid)) {
                        continue;
                    }
                    ActionResult exists = call(hasAction,
                            params(hasAction, Map.of(idParameter, cid)), true);
                    if (!exists.isSuccess() || !Boolean.FALSE.equals(exists.value())) {
                        problems.add(hasAction + " '" + cid + "' answered " + describe(exists)
                                + " after deletion");
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw fail(threads + " threads of " + callsPerThread + " " + createAction + "/"
                        + deleteAction + " rounds: " + list(problems) + ".");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            pool.shutdownNow();
        }
        return threads + " threads x " + callsPerThread + " " + createAction + "/" + deleteAction
                + " rounds, " + ids.size() + " distinct ids";
    }

    /** A result for messages, without the trailing period of the provider's sentence. */
    private static String describe(ActionResult result) {
        String text = result.isSuccess() ? "success (" + result.value() + ")"
                : result.error().type() + " '" + result.error().message() + "'";
        return text;
    }

    /** Joins problems, listing the first few and counting the rest. */
    private static String list(List<String> problems) {
        if (problems.size() <= MAX_LISTED) {
            return String.join("; ", problems);
        }
        return String.join("; ", problems.subList(0, MAX_LISTED)) + "; and "
                + (problems.size() - MAX_LISTED) + " more";
    }
}
