package io.cpihost.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The running framework: starts it with the distribution's bundles, waits until it is ready,
 * and stops it.
 *
 * <p>"Ready" means: every bundle of the distribution started, then the watched folder's first
 * scan done, and after each step no bundle or service event for a quiet period (DS registers
 * the services of activated components, FileInstall installs and starts what it found), so a
 * piped script never races start-up.
 */
final class Platform {

    private static final System.Logger LOG = System.getLogger("cpihost");
    private static final String FILEINSTALL = "org.apache.felix.fileinstall";
    /**
     * No bundle or service event for this long means the start-up work has settled. DS and
     * FileInstall do most of their work synchronously inside bundle start; the window covers
     * what they hand to their own threads.
     */
    private static final long QUIET_MILLIS = 50;
    private static final long SETTLE_LIMIT_MILLIS = 30_000;
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private final Framework framework;
    private final Path storage;
    private final AtomicLong lastEvent = new AtomicLong(System.nanoTime());

    private Platform(Framework framework, Path storage) {
        this.framework = framework;
        this.storage = storage;
    }

    static Platform start(Main.Options options) throws IOException, BundleException, InterruptedException {
        long begin = System.nanoTime();
        Path bundleDir = options.home.resolve("bundle");
        if (!Files.isDirectory(bundleDir)) {
            throw new IOException("No bundle folder at " + bundleDir + "; run the launcher from the built"
                    + " distribution (run/target/cpihost).");
        }
        Files.createDirectories(options.extensions);
        Path storage = Files.createTempDirectory("cpihost-fw-");
        Map<String, String> properties = frameworkProperties(options, storage);

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("No OSGi framework on the class path."));
        Framework framework = factory.newFramework(properties);
        framework.init();
        Platform platform = new Platform(framework, storage);
        BundleContext context = framework.getBundleContext();
        context.addBundleListener(event -> platform.touch());
        context.addServiceListener(event -> platform.touch());
        context.addFrameworkListener(event -> {
            if (event.getType() == FrameworkEvent.ERROR) {
                LOG.log(System.Logger.Level.WARNING, "Framework error in bundle "
                        + (event.getBundle() == null ? "?" : event.getBundle().getSymbolicName()) + ": "
                        + (event.getThrowable() == null ? "" : event.getThrowable().getMessage()));
            }
        });
        framework.start();

        List<Bundle> installed = new ArrayList<>();
        Bundle fileInstall = null;
        try (Stream<Path> jars = Files.list(bundleDir)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                // reference: makes the framework use the jar in place instead of copying it into
                // its storage on every start.
                Bundle bundle = context.installBundle("reference:" + jar.toUri());
                if (FILEINSTALL.equals(bundle.getSymbolicName())) {
                    fileInstall = bundle;
                } else {
                    installed.add(bundle);
                }
            }
        }
        for (Bundle bundle : installed) {
            startQuietly(bundle);
        }
        platform.awaitQuiet();
        // The watched folder comes last, so its files meet every installer and bridge already active.
        if (fileInstall != null) {
            startQuietly(fileInstall);
            platform.awaitQuiet();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        LOG.log(System.Logger.Level.INFO, "CPI Host ready in " + millis + " ms: " + context.getBundles().length
                + " bundles, watching " + properties.get("felix.fileinstall.dir"));
        return platform;
    }

    private static void startQuietly(Bundle bundle) {
        if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
            return;
        }
        try {
            bundle.start();
        } catch (BundleException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Bundle " + bundle.getSymbolicName() + " did not start: "
                    + e.getMessage());
        }
    }

    private void touch() {
        lastEvent.set(System.nanoTime());
    }

    /** Waits until no bundle or service event happened for a quiet period (bounded). */
    private void awaitQuiet() throws InterruptedException {
        long limit = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_LIMIT_MILLIS);
        long quiet = TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);
        while (System.nanoTime() - lastEvent.get() < quiet && System.nanoTime() < limit) {
            Thread.sleep(10);
        }
    }

    static Map<String, String> frameworkProperties(Main.Options options, Path storage) throws IOException {
        Properties file = new Properties();
        Path conf = options.home.resolve("conf").resolve("framework.properties");
        if (Files.isRegularFile(conf)) {
            try (InputStream in = Files.newInputStream(conf)) {
                file.load(in);
            }
        }
        Map<String, String> values = new HashMap<>(options.launcherValues(storage));
        Map<String, String> properties = new HashMap<>();
        for (String key : file.stringPropertyNames()) {
            properties.put(key, substitute(file.getProperty(key), values));
        }
        // -Dkey=value on the java command line wins over the file.
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("felix.") || key.startsWith("org.osgi.") || key.startsWith("gosh.")
                    || key.startsWith("ds.") || key.startsWith("cpihost.")) {
                properties.put(key, System.getProperty(key));
            }
        }
        return properties;
    }

    static String substitute(String value, Map<String, String> values) {
        Matcher matcher = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement = System.getProperty(name, values.getOrDefault(name, ""));
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    boolean isRunning() {
        return (framework.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0;
    }

    /** The Gogo command processor, found by name: its classes live in a bundle, not on our class path. */
    Object commandProcessor() {
        BundleContext context = framework.getBundleContext();
        ServiceReference<?> reference = context.getServiceReference("org.apache.felix.service.command.CommandProcessor");
        if (reference == null) {
            throw new IllegalStateException("The Gogo runtime is not running; no console is available.");
        }
        return context.getService(reference);
    }

    synchronized void stopQuietly() {
        try {
            if ((framework.getState() & (Bundle.ACTIVE | Bundle.STARTING | Bundle.STOPPING)) != 0) {
                framework.stop();
                FrameworkEvent event = framework.waitForStop(20_000);
                if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                    LOG.log(System.Logger.Level.WARNING, "The framework did not stop within 20 s.");
                }
            }
        } catch (BundleException | InterruptedException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Stopping the framework failed: " + e.getMessage());
        } finally {
            deleteStorage();
        }
    }

    private void deleteStorage() {
        if (!Files.exists(storage)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(storage)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Could not delete " + storage + ": " + e.getMessage());
        }
    }
}
