package io.cpihost.bridge.process.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CpiError;

/** BOSH's way: one process per call, the request on stdin, the response on stdout. */
final class PerCallTransport implements Transport {

    private final BridgeSettings settings;
    private final ExecutorService io;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();

    PerCallTransport(BridgeSettings settings, ExecutorService io) {
        this.settings = settings;
        this.io = io;
    }

    @Override
    public ActionResult exchange(String method, byte[] request, Deadline deadline, String requestId,
            Function<Reply, ActionResult> interpreter) {
        StderrCollector stderr = new StderrCollector(settings.name(), requestId);
        ProcessRun.Invocation invocation = new ProcessRun.Invocation(settings.command(List.of()),
                settings.processEnvironment(), settings.workingDirectory(), request, settings.stdoutLimit(),
                settings.killGrace());
        ProcessRun.Outcome outcome = ProcessRun.run(invocation, deadline, stderr, io, live);
        return interpreter.apply(reply(outcome, method, stderr.tail()));
    }

    private Reply reply(ProcessRun.Outcome outcome, String method, String stderr) {
        String source = settings.source();
        switch (outcome.kind()) {
            case EXITED:
                return Reply.output(outcome.stdout(), outcome.exitCode(), stderr);
            case START_FAILED:
                return Reply.failure(CpiError.of(CpiError.UNAVAILABLE,
                        source + " could not be started: " + outcome.detail() + "."), stderr);
            case TIMED_OUT:
                return Reply.failure(CpiError.of(CpiError.TIMEOUT, source + " did not answer '" + method
                        + "' in time; process " + outcome.pid() + " and its descendants were terminated."), stderr);
            case INTERRUPTED:
                return Reply.failure(CpiError.of(CpiError.TIMEOUT, "The call of '" + method + "' on " + source
                        + " was interrupted; process " + outcome.pid() + " and its descendants were terminated."),
                        stderr);
            case STDOUT_OVERFLOW:
                return Reply.failure(CpiError.of(CpiError.INVALID_RESPONSE, source + " wrote more than "
                        + settings.stdoutLimit() + " bytes to stdout answering '" + method
                        + "'; process " + outcome.pid() + " was terminated."), stderr);
            case STDOUT_NOT_CLOSED:
            default:
                return Reply.failure(CpiError.of(CpiError.INVALID_RESPONSE, source + " exited with code "
                        + outcome.exitCode() + " answering '" + method
                        + "', but a process it left behind kept its stdout open."), stderr);
        }
    }

    @Override
    public void close() {
        for (Process process : List.copyOf(live)) {
            ProcessTree.terminate(process.toHandle(), settings.killGrace());
        }
    }
}
