package io.cpihost.bridge.process.internal;

import java.util.function.Function;

import io.cpihost.api.ActionResult;

/**
 * How requests reach an executable: a process per call, or a pool of persistent processes.
 * Implementations are thread-safe; the caller bounds how many exchanges run at once.
 */
interface Transport {

    /**
     * Sends one request and interprets the answer.
     *
     * @param method the method, for messages
     * @param request the request as compact JSON
     * @param deadline when to give up
     * @param requestId the request id, for the log
     * @param interpreter turns the reply into a result
     * @return the result; never throws for a problem of the process
     */
    ActionResult exchange(String method, byte[] request, Deadline deadline, String requestId,
            Function<Reply, ActionResult> interpreter);

    /**
     * What is wrong with the transport now, for the extension's health.
     *
     * @return a full sentence, or empty when nothing is wrong
     */
    default String trouble() {
        return "";
    }

    /** Ends every process of this transport; calls after this fail. */
    void close();
}
