package io.cpihost.bridge.process.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Asks an executable what it is ({@code executable get-capabilities}, DCP extension
 * conventions): it must answer {@code {"name","id","capabilities":[...]}} on stdout with exit
 * code 0 within a short timeout.
 */
final class CapabilityProbe {

    /** The capability that makes an executable a CPI. */
    static final String CPI = "cpi";

    private static final long STDOUT_LIMIT = 1024 * 1024;

    private CapabilityProbe() {
    }

    /**
     * What an executable says it is.
     *
     * @param name its display name
     * @param id the extension name to publish it under
     * @param capabilities what it can do
     */
    record Capabilities(String name, String id, List<String> capabilities) {
    }

    /** An executable that is not (or not usably) a self-describing CPI, with the reason. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Runs {@code executable get-capabilities}.
     *
     * @param executable the file
     * @param timeout how long it may take
     * @param io runs the pipe threads
     * @return the capabilities, including {@value #CPI}
     * @throws Rejected with a full sentence saying why the executable is skipped
     */
    static Capabilities probe(Path executable, Duration timeout, Executor io) throws Rejected {
        String source = "executable '" + executable + "'";
        ProcessRun.Invocation invocation = new ProcessRun.Invocation(List.of(executable.toString(), "get-capabilities"),
                BridgeSettings.baseEnvironment(Map.of()), null, new byte[0], STDOUT_LIMIT, BridgeSettings.KILL_GRACE);
        Set<Process> live = ConcurrentHashMap.newKeySet();
        StderrCollector stderr = new StderrCollector(executable.getFileName().toString(), "get-capabilities");
        ProcessRun.Outcome outcome = ProcessRun.run(invocation, Deadline.after(timeout), stderr, io, live);
        switch (outcome.kind()) {
            case EXITED:
                break;
            case START_FAILED:
                throw new Rejected(source + " could not be started: " + outcome.detail() + ".");
            case TIMED_OUT:
                throw new Rejected(source + " did not answer get-capabilities within " + timeout.toMillis() + " ms.");
            case INTERRUPTED:
                Thread.currentThread().interrupt();
                throw new Rejected("Asking " + source + " for its capabilities was interrupted.");
            default:
                throw new Rejected(source + " answered get-capabilities with too much output or left its stdout open.");
        }
        if (outcome.exitCode() != 0) {
            throw new Rejected(source + " exited with code " + outcome.exitCode() + " when asked for get-capabilities.");
        }
        JsonNode answer;
        try {
            answer = Json.read(outcome.stdout());
        } catch (IOException e) {
            throw new Rejected(source + " answered get-capabilities with invalid JSON: '"
                    + Json.quote(outcome.stdout(), 200) + "'.");
        }
        if (answer == null || !answer.isObject()) {
            throw new Rejected(source + " answered get-capabilities with something other than a JSON object: '"
                    + Json.quote(outcome.stdout(), 200) + "'.");
        }
        if (!answer.path("id").isTextual() || answer.get("id").asText().isBlank()) {
            throw new Rejected(source + " answered get-capabilities without a string 'id'.");
        }
        if (!answer.path("capabilities").isArray()) {
            throw new Rejected(source + " answered get-capabilities without a 'capabilities' array.");
        }
        List<String> capabilities = new ArrayList<>();
        answer.get("capabilities").forEach(capability -> capabilities.add(capability.asText()));
        String id = answer.get("id").asText().trim();
        if (!capabilities.contains(CPI)) {
            throw new Rejected(source + " (id '" + id + "') does not have the '" + CPI + "' capability; it has "
                    + capabilities + ".");
        }
        String name = answer.path("name").isTextual() ? answer.get("name").asText() : id;
        return new Capabilities(name, id, List.copyOf(capabilities));
    }
}
