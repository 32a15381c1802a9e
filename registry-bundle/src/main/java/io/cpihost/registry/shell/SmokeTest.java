package io.cpihost.registry.shell;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.CpiRegistry;
import io.cpihost.api.ExtensionInfo;
import io.cpihost.api.ParameterDefinition;

/**
 * The {@code cpi:test} smoke test: definitions are well-formed, and every read-only action that
 * needs no parameter succeeds through the registry under a read-only context.
 */
final class SmokeTest {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final CpiRegistry registry;

    SmokeTest(CpiRegistry registry) {
        this.registry = registry;
    }

    /** One check's outcome. */
    record Check(boolean passed, String name, String detail) {
    }

    /** All checks of one run. */
    record Report(String extension, List<Check> checks) {
        long passed() {
            return checks.stream().filter(Check::passed).count();
        }

        long failed() {
            return checks.size() - passed();
        }

        String render() {
            StringBuilder out = new StringBuilder();
            for (Check check : checks) {
                out.append(check.passed ? "PASS " : "FAIL ").append(check.name);
                if (!check.detail.isEmpty()) {
                    out.append(" - ").append(check.detail);
                }
                out.append('\n');
            }
            out.append("cpi:test ").append(extension).append(": ").append(passed()).append(" passed, ")
                    .append(failed()).append(" failed");
            return out.toString();
        }
    }

    Report run(String name) {
        List<Check> checks = new ArrayList<>();
        ExtensionInfo info = registry.info(name).orElse(null);
        if (info == null) {
            checks.add(new Check(false, "registered", "no extension named '" + name + "' is registered"));
            return new Report(name, checks);
        }
        checks.add(new Check(true, "registered", info.providerType() + " extension from "
                + info.bundleSymbolicName() + " " + info.bundleVersion()));
        boolean healthy = info.state() == ExtensionInfo.State.ACTIVE || info.state() == ExtensionInfo.State.DEGRADED;
        checks.add(new Check(healthy, "state", info.state() + (info.reason().isEmpty() ? "" : ": " + info.reason())));
        CpiExtension extension = registry.find(name).orElse(null);
        List<ActionDefinition> definitions;
        try {
            definitions = extension == null ? List.of() : extension.listActions();
        } catch (RuntimeException e) {
            checks.add(new Check(false, "definitions", "listActions() threw " + e));
            return new Report(name, checks);
        }
        checks.add(new Check(!definitions.isEmpty(), "actions", definitions.size() + " actions"));
        Set<String> seen = new HashSet<>();
        for (ActionDefinition definition : definitions) {
            List<String> problems = new ArrayList<>();
            if (!seen.add(definition.name())) {
                problems.add("defined twice");
            }
            if (!definition.name().matches("[A-Za-z0-9_.:-]+")) {
                problems.add("name has characters outside [A-Za-z0-9_.:-]");
            }
            if (definition.description().isBlank()) {
                problems.add("no description");
            }
            for (ParameterDefinition parameter : definition.parameters()) {
                if (!parameter.name().matches("[A-Za-z0-9_.-]+")) {
                    problems.add("parameter '" + parameter.name() + "' has characters outside [A-Za-z0-9_.-]");
                }
                if (parameter.required() && parameter.nullable()) {
                    problems.add("parameter '" + parameter.name() + "' is required but nullable");
                }
            }
            checks.add(new Check(problems.isEmpty(), "definition " + definition.name(), String.join("; ", problems)));
        }
        for (ActionDefinition definition : definitions) {
            boolean needsNothing = definition.parameters().stream().noneMatch(ParameterDefinition::required);
            if (!definition.readOnly() || !needsNothing) {
                continue;
            }
            CallContext context = CallContext.builder().readOnly(true).timeout(CALL_TIMEOUT)
                    .requestId("cpi-test-" + definition.name()).build();
            long start = System.nanoTime();
            ActionResult result = registry.invoke(name, definition.name(), Map.of(), context);
            long micros = (System.nanoTime() - start) / 1000;
            checks.add(new Check(result.isSuccess(), "call " + definition.name(),
                    result.isSuccess() ? micros + " us" : String.valueOf(result.error())));
        }
        return new Report(name, checks);
    }
}
