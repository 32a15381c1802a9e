package io.cpihost.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The distribution as a user runs it: {@code java -jar cpihost.jar --extensions DIR}, driven
 * through its stdin and stdout. Each command is followed by {@code echo MARK-n}, so the answer
 * of a command is everything printed before that marker.
 */
final class ShellProcess implements AutoCloseable {

    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final List<String> stderr = new ArrayList<>();
    private final long startNanos;
    private int marks;

    private ShellProcess(Process process, long startNanos, Consumer<String> stdoutTap, Consumer<String> stderrTap) {
        this.process = process;
        this.startNanos = startNanos;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        pump("stdout", new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
                line -> {
                    stdoutTap.accept(line);
                    stdout.add(line);
                }, () -> stdout.add(EOF));
        pump("stderr", new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)),
                line -> {
                    stderrTap.accept(line);
                    synchronized (stderr) {
                        stderr.add(line);
                    }
                }, () -> { });
    }

    /**
     * Starts the distribution; the taps see every line as it arrives (on the reader threads).
     */
    static ShellProcess start(Path distribution, Path runDirectory, Path extensions, Consumer<String> stdoutTap,
            Consumer<String> stderrTap) throws IOException {
        Path tmp = runDirectory.resolve("tmp");
        java.nio.file.Files.createDirectories(tmp);
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Djava.io.tmpdir=" + tmp,
                "-Duser.home=" + runDirectory.resolve("home")));
        // for experiments, such as a class data sharing archive: -Dcpihost.bench.jvmArgs="-Xshare:..."
        String extra = System.getProperty("cpihost.bench.jvmArgs", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", distribution.resolve("cpihost.jar").toString(), "--extensions",
                extensions.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(runDirectory.toFile());
        long start = System.nanoTime();
        Process process = builder.start();
        return new ShellProcess(process, start, stdoutTap, stderrTap);
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** When the process was started, on the {@link System#nanoTime()} clock. */
    long startNanos() {
        return startNanos;
    }

    /** Writes lines to stdin without waiting for anything. */
    void write(String text) throws IOException {
        stdin.write(text);
        stdin.flush();
    }

    /** Closes stdin: the console ends after the commands already sent. */
    void closeInput() throws IOException {
        stdin.close();
    }

    /**
     * Runs one command and returns what it printed on stdout.
     *
     * @throws TimeoutException when the marker does not come back in time
     */
    List<String> command(String command, long timeoutMillis) throws IOException, InterruptedException,
            TimeoutException {
        String mark = "MARK-" + (++marks);
        write(command + "\necho " + mark + "\n");
        List<String> lines = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            String line = stdout.poll(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new TimeoutException("No answer to '" + command + "' within " + timeoutMillis + " ms.");
            }
            if (line == EOF) {
                throw new IOException("The platform ended while running '" + command + "'; stderr: " + stderr());
            }
            if (line.equals(mark)) {
                return lines;
            }
            lines.add(line);
        }
    }

    List<String> stderr() {
        synchronized (stderr) {
            return new ArrayList<>(stderr);
        }
    }

    int waitFor(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        waitFor(20_000);
    }

    private static void pump(String name, BufferedReader reader, Consumer<String> sink, Runnable atEnd) {
        Thread thread = new Thread(() -> {
            try (reader) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the process is gone
            } finally {
                atEnd.run();
            }
        }, "platform-" + name);
        thread.setDaemon(true);
        thread.start();
    }
}
