package io.cpihost.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
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
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The distribution's bundles in a Felix started by this JVM, so a benchmark can call the
 * registry from its own threads. The same bundles and framework properties as the launcher
 * ({@code run/.../Platform.java}: bundles started, quiet period, FileInstall last), timed step
 * by step.
 *
 * <p>The registry is called through reflection on the {@code api.jar} bundle's own
 * {@code CpiRegistry} type. Exporting {@code io.cpihost.api} from the class path instead
 * ({@code org.osgi.framework.system.packages.extra}, without installing {@code api.jar}) was
 * tried first: it ties the harness to the API packages and versions of the benchmark's class
 * path, and broke as soon as the API bundle gained a package. A reflective call costs well
 * under a microsecond, against the millisecond calls measured here.
 */
final class InJvmPlatform implements AutoCloseable {

    private static final String FILEINSTALL = "org.apache.felix.fileinstall";
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private final Framework framework;
    private final Path storage;
    private final AtomicLong lastEvent = new AtomicLong(System.nanoTime());
    /** How long each step of the start took, in nanoseconds, in order. */
    private final Map<String, Long> phases = new java.util.LinkedHashMap<>();

    private InJvmPlatform(Framework framework, Path storage) {
        this.framework = framework;
        this.storage = storage;
    }

    static InJvmPlatform start(Path distribution, Path extensions, Path storage) throws IOException, BundleException,
            InterruptedException {
        Map<String, String> values = Map.of("cpihost.home", distribution.toString(), "cpihost.extensions",
                extensions.toAbsolutePath().toString(), "cpihost.storage", storage.toString());
        Properties file = new Properties();
        try (InputStream in = Files.newInputStream(distribution.resolve("conf/framework.properties"))) {
            file.load(in);
        }
        Map<String, String> properties = new HashMap<>();
        for (String key : file.stringPropertyNames()) {
            properties.put(key, substitute(file.getProperty(key), values));
        }

        long mark = System.nanoTime();
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("No OSGi framework on the class path."));
        Framework framework = factory.newFramework(properties);
        framework.init();
        InJvmPlatform platform = new InJvmPlatform(framework, storage);
        BundleContext context = framework.getBundleContext();
        context.addBundleListener(event -> platform.lastEvent.set(System.nanoTime()));
        context.addServiceListener(event -> platform.lastEvent.set(System.nanoTime()));
        framework.start();
        mark = platform.phase("framework init + start", mark);

        List<Bundle> bundles = new ArrayList<>();
        Bundle fileInstall = null;
        try (Stream<Path> jars = Files.list(distribution.resolve("bundle"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                Bundle bundle = context.installBundle("reference:" + jar.toUri());
                if (FILEINSTALL.equals(bundle.getSymbolicName())) {
                    fileInstall = bundle;
                } else {
                    bundles.add(bundle);
                }
            }
        }
        mark = platform.phase("install " + (bundles.size() + 1) + " bundles", mark);
        for (Bundle bundle : bundles) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
                mark = platform.phase("start " + bundle.getSymbolicName(), mark);
            }
        }
        platform.awaitQuiet();
        mark = platform.phase("quiet wait after the bundles (launcher: 50 ms without events)", mark);
        if (fileInstall != null) {
            fileInstall.start();
            mark = platform.phase("start " + FILEINSTALL, mark);
            platform.awaitQuiet();
            platform.phase("first scan of the watched folder + quiet wait (50 ms without events)", mark);
        }
        return platform;
    }

    private long phase(String name, long since) {
        long now = System.nanoTime();
        phases.put(name, now - since);
        return now;
    }

    /** How long each step of {@link #start} took, in nanoseconds, in order. */
    Map<String, Long> phases() {
        return phases;
    }

    /** What a call answered. */
    record Result(boolean success, Object value, String error) {
    }

    /** The registry service, called by reflection. */
    interface Registry {
        /** {@code CpiRegistry.invoke(name, action, params, null)}. */
        Result invoke(String name, String action, Map<String, Object> params);

        /** {@code CpiRegistry.list().size()}. */
        int listSize();
    }

    /** The registry service, waiting for it (bounded). */
    Registry registry(long timeoutMillis) throws InterruptedException {
        BundleContext context = framework.getBundleContext();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < until) {
            // all references: the class path has its own io.cpihost.api, so the system bundle's
            // assignability check would hide the service
            ServiceReference<?>[] references;
            try {
                references = context.getAllServiceReferences("io.cpihost.api.CpiRegistry", null);
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            Object service = references == null ? null : context.getService(references[0]);
            if (service != null) {
                return reflective(service);
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("No CpiRegistry service within " + timeoutMillis + " ms.");
    }

    private static Registry reflective(Object service) {
        try {
            ClassLoader api = service.getClass().getClassLoader();
            Class<?> registryType = api.loadClass("io.cpihost.api.CpiRegistry");
            Class<?> contextType = api.loadClass("io.cpihost.api.CallContext");
            Class<?> resultType = api.loadClass("io.cpihost.api.ActionResult");
            Method invoke = registryType.getMethod("invoke", String.class, String.class, Map.class, contextType);
            Method list = registryType.getMethod("list");
            Method isSuccess = resultType.getMethod("isSuccess");
            Method value = resultType.getMethod("value");
            Method error = resultType.getMethod("error");
            return new Registry() {
                @Override
                public Result invoke(String name, String action, Map<String, Object> params) {
                    try {
                        Object result = invoke.invoke(service, name, action, params, null);
                        boolean success = (Boolean) isSuccess.invoke(result);
                        return new Result(success, value.invoke(result),
                                success ? null : String.valueOf(error.invoke(result)));
                    } catch (ReflectiveOperationException e) {
                        return new Result(false, null, "reflective call failed: " + e);
                    }
                }

                @Override
                public int listSize() {
                    try {
                        return ((List<?>) list.invoke(service)).size();
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
            };
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("The registry service does not offer the expected API: " + e, e);
        }
    }

    private void awaitQuiet() throws InterruptedException {
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - lastEvent.get() < QUIET_NANOS && System.nanoTime() < limit) {
            Thread.sleep(10);
        }
    }

    private static String substitute(String value, Map<String, String> values) {
        Matcher matcher = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(matcher.group(1), "")));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    @Override
    public void close() throws BundleException, InterruptedException, IOException {
        framework.stop();
        framework.waitForStop(20_000);
        try (Stream<Path> paths = Files.walk(storage)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
