package io.cpihost.bridge.process.internal;

import io.cpihost.api.CpiError;

/**
 * What came back from one exchange with a CPI process: its stdout (the response to
 * interpret) or a failure of the exchange itself, plus the stderr it wrote meanwhile.
 *
 * @param stdout the response bytes; empty for a failure
 * @param exitCode the exit code of a per-call process, or 0 for a persistent one
 * @param stderr the tail of stderr written during the exchange
 * @param failure why the exchange failed, or null when there is a response to interpret
 */
record Reply(byte[] stdout, int exitCode, String stderr, CpiError failure) {

    static Reply output(byte[] stdout, int exitCode, String stderr) {
        return new Reply(stdout, exitCode, stderr, null);
    }

    static Reply failure(CpiError failure, String stderr) {
        return new Reply(new byte[0], -1, stderr, failure);
    }
}
