package io.cpihost.bridge.process.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a CPI writes to stderr during one call: kept as a bounded tail for the call's log and
 * streamed line by line to the log at DEBUG, tagged with the extension and the request id.
 *
 * <p>Thread-safe: the drain thread writes while the caller may read the tail.
 */
final class StderrCollector {

    /** How much of stderr a call keeps for its log. */
    static final int TAIL_BYTES = 64 * 1024;

    private static final System.Logger LOG = System.getLogger(StderrCollector.class.getName());
    private static final int MAX_LINE = 8 * 1024;

    private final String extension;
    private final String requestId;
    private final byte[] ring = new byte[TAIL_BYTES];
    private long total;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;

    /**
     * A collector for one call.
     *
     * @param extension the extension name, for the log
     * @param requestId the request id, for the log
     */
    StderrCollector(String extension, String requestId) {
        this.extension = extension;
        this.requestId = requestId;
    }

    /**
     * Reads a stream to its end into this collector.
     *
     * @param in the process's stderr
     */
    void drain(InputStream in) {
        byte[] buffer = new byte[16 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                write(buffer, 0, n);
            }
        } catch (IOException e) {
            // The stream closes under us when the process is terminated: nothing more to read.
        }
        flushLine();
    }

    /** Appends bytes that arrived on stderr. */
    synchronized void write(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            ring[(int) (total % TAIL_BYTES)] = bytes[i];
            total++;
        }
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            for (int i = offset; i < offset + length; i++) {
                byte b = bytes[i];
                if (b == '\n') {
                    flushLine();
                } else {
                    if (lineLength == MAX_LINE) {
                        flushLine();
                    }
                    line[lineLength++] = b;
                }
            }
        }
    }

    private synchronized void flushLine() {
        if (lineLength > 0) {
            LOG.log(System.Logger.Level.DEBUG, "{0} [{1}] stderr: {2}", extension, requestId,
                    new String(line, 0, lineLength, StandardCharsets.UTF_8));
            lineLength = 0;
        }
    }

    /**
     * The last {@link #TAIL_BYTES} of stderr, with a note of how much came before.
     *
     * @return the tail, empty when nothing was written
     */
    synchronized String tail() {
        if (total <= TAIL_BYTES) {
            return new String(ring, 0, (int) total, StandardCharsets.UTF_8);
        }
        int start = (int) (total % TAIL_BYTES);
        byte[] ordered = new byte[TAIL_BYTES];
        System.arraycopy(ring, start, ordered, 0, TAIL_BYTES - start);
        System.arraycopy(ring, 0, ordered, TAIL_BYTES - start, start);
        return "[" + (total - TAIL_BYTES) + " earlier bytes of stderr dropped]\n"
                + new String(ordered, StandardCharsets.UTF_8);
    }
}
