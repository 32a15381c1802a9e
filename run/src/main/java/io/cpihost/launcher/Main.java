package io.cpihost.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts CPI Host: Apache Felix with the distribution's bundles, then the watched folder, then a
 * console that reads commands only once the platform is ready.
 *
 * <pre>
 * java -jar cpihost.jar [--extensions DIR] [--test-extension NAME [--test-timeout SECONDS]]
 * </pre>
 */
public final class Main {

    /** Exit code when the platform could not start. */
    static final int EXIT_START_FAILED = 2;
    /** Exit code when {@code --test-extension} found a failing check or no such extension. */
    static final int EXIT_TEST_FAILED = 1;

    private Main() {
    }

    /**
     * Runs the platform.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        configureLogging();
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(EXIT_START_FAILED);
            return;
        }
        if (options.help) {
            System.out.println(Options.USAGE);
            return;
        }
        System.exit(run(options));
    }

    static int run(Options options) {
        PrintStream out = System.out;
        Platform platform;
        try {
            platform = Platform.start(options);
        } catch (Exception e) {
            System.err.println("CPI Host could not start: " + e.getMessage());
            e.printStackTrace();
            return EXIT_START_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(platform::stopQuietly, "cpihost-shutdown"));
        try {
            Console console = new Console(platform.commandProcessor(), out, System.err);
            if (options.testExtension != null) {
                return console.testExtension(options.testExtension, options.testTimeout);
            }
            boolean interactive = System.console() != null && !options.batch;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                console.loop(in, interactive, platform::isRunning);
            }
            return 0;
        } catch (IOException e) {
            System.err.println("Console failed: " + e.getMessage());
            return 0;
        } finally {
            platform.stopQuietly();
        }
    }

    private static void configureLogging() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tT.%1$tL %4$-7s %5$s%6$s%n");
        }
    }

    /** The command line. */
    static final class Options {
        static final String USAGE = String.join("\n",
                "Usage: java -jar cpihost.jar [options]",
                "  --extensions DIR        the watched folder (default: ./extensions, created if missing)",
                "  --test-extension NAME   start, wait for NAME, run its smoke test (cpi:test), exit 0 on pass",
                "  --test-timeout SECONDS  how long --test-extension waits for NAME to register (default 30)",
                "  --batch                 never show a prompt, even on a terminal",
                "  -Dkey=value             before -jar: overrides a framework property of conf/framework.properties");

        Path home;
        Path extensions = Path.of("extensions");
        String testExtension;
        Duration testTimeout = Duration.ofSeconds(30);
        boolean batch;
        boolean help;

        static Options parse(String[] args) {
            Options options = new Options();
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String arg = rest.remove(0);
                switch (arg) {
                    case "--extensions" -> options.extensions = Path.of(value(arg, rest));
                    case "--test-extension" -> options.testExtension = value(arg, rest);
                    case "--test-timeout" -> {
                        String seconds = value(arg, rest);
                        try {
                            options.testTimeout = Duration.ofSeconds(Long.parseLong(seconds));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--test-timeout needs a number of seconds, got '"
                                    + seconds + "'.");
                        }
                    }
                    case "--batch" -> options.batch = true;
                    case "--home" -> options.home = Path.of(value(arg, rest));
                    case "-h", "--help" -> options.help = true;
                    default -> throw new IllegalArgumentException("Unknown option '" + arg + "'.");
                }
            }
            if (options.home == null) {
                options.home = locateHome();
            }
            return options;
        }

        private static String value(String option, List<String> rest) {
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(option + " needs a value.");
            }
            return rest.remove(0);
        }

        /** The distribution folder: where cpihost.jar lies. */
        private static Path locateHome() {
            String property = System.getProperty("cpihost.home");
            if (property != null) {
                return Path.of(property).toAbsolutePath();
            }
            try {
                Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                return (Files.isDirectory(jar) ? jar : jar.getParent()).toAbsolutePath();
            } catch (Exception e) {
                return Path.of("").toAbsolutePath();
            }
        }

        Map<String, String> launcherValues(Path storage) {
            return Map.of("cpihost.home", home.toString(), "cpihost.extensions",
                    extensions.toAbsolutePath().normalize().toString(), "cpihost.storage", storage.toString());
        }
    }
}
