package io.cpihost.launcher;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A line-by-line Gogo console. Reached through reflection, because Gogo's classes live in the
 * Gogo runtime bundle, not on the launcher's class path.
 */
final class Console {

    private static final int FORMAT_INSPECT = 0;

    private final Object session;
    private final Method execute;
    private final Method format;
    private final PrintStream out;
    private final PrintStream err;

    Console(Object processor, PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
        try {
            ClassLoader loader = processor.getClass().getClassLoader();
            Class<?> processorType = loader.loadClass("org.apache.felix.service.command.CommandProcessor");
            Class<?> sessionType = loader.loadClass("org.apache.felix.service.command.CommandSession");
            Method create = processorType.getMethod("createSession", InputStream.class, OutputStream.class,
                    OutputStream.class);
            this.session = create.invoke(processor, new ByteArrayInputStream(new byte[0]), out, err);
            this.execute = sessionType.getMethod("execute", CharSequence.class);
            this.format = sessionType.getMethod("format", Object.class, int.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("The Gogo runtime does not offer the expected API: " + e, e);
        }
    }

    /**
     * Reads commands until end of input (or {@code exit}), printing each result.
     */
    void loop(BufferedReader in, boolean interactive, BooleanSupplier running) throws IOException {
        if (interactive) {
            out.println("CPI Host. Type 'help' for the commands (the cpi:* ones manage extensions), 'help cpi:call' for one, 'exit' or Ctrl-D to stop.");
        }
        while (running.getAsBoolean()) {
            if (interactive) {
                out.print("g! ");
                out.flush();
            }
            String line = in.readLine();
            if (line == null) {
                break;
            }
            String command = line.strip();
            if (command.isEmpty() || command.startsWith("#")) {
                continue;
            }
            if (command.equals("exit") || command.equals("quit") || command.equals("shutdown")) {
                break;
            }
            run(command);
        }
    }

    /** Runs one command; prints its result, or its error on stderr. */
    boolean run(String command) {
        try {
            Object result = execute.invoke(session, command);
            if (result != null) {
                out.println(format.invoke(session, result, FORMAT_INSPECT));
            }
            out.flush();
            return true;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            err.println("Error: " + message);
            err.flush();
            return false;
        } catch (IllegalAccessException e) {
            err.println("Error: " + e);
            return false;
        }
    }

    /** {@code --test-extension}: waits for the extension, runs its smoke test, returns the exit code. */
    int testExtension(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!quietly("cpi:info " + quote(name))) {
            if (System.nanoTime() > deadline) {
                err.println("Extension '" + name + "' did not register within " + timeout.toSeconds() + " s.");
                return Main.EXIT_TEST_FAILED;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Main.EXIT_TEST_FAILED;
            }
        }
        return run("cpi:test " + quote(name)) ? 0 : Main.EXIT_TEST_FAILED;
    }

    private boolean quietly(String command) {
        try {
            execute.invoke(session, command);
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "") + "'";
    }
}
