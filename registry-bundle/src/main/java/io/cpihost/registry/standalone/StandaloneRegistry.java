package io.cpihost.registry.standalone;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.cpihost.api.ActionResult;
import io.cpihost.api.ActionStats;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.CpiRegistry;
import io.cpihost.api.ExtensionInfo;
import io.cpihost.registry.internal.RegistryCore;
import io.cpihost.registry.internal.ServiceIdentity;

/**
 * A {@link CpiRegistry} over extensions handed to it, running the platform's own call pipeline
 * (request ids, parameter validation, read-only checks, deadlines, exceptions turned into
 * {@code Internal}, statistics) without an OSGi framework. For unit tests of providers:
 *
 * <pre>
 * try (StandaloneRegistry registry = new StandaloneRegistry(new MyCpi())) {
 *     ActionResult result = registry.invoke("my", "has_vm", Map.of("vm_cid", "vm-1"), null);
 * }
 * </pre>
 */
public final class StandaloneRegistry implements CpiRegistry, AutoCloseable {

    private final ExecutorService deadlineExecutor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "standalone-registry-call");
        thread.setDaemon(true);
        return thread;
    });
    private final RegistryCore core = new RegistryCore(0, 0, deadlineExecutor);

    /**
     * A registry serving the given extensions under their names.
     *
     * @param extensions the extensions
     * @throws IllegalArgumentException when two extensions share a name or one has a blank name
     */
    public StandaloneRegistry(CpiExtension... extensions) {
        this(List.of(extensions));
    }

    /**
     * A registry serving the given extensions under their names.
     *
     * @param extensions the extensions
     * @throws IllegalArgumentException when two extensions share a name or one has a blank name
     */
    public StandaloneRegistry(Collection<? extends CpiExtension> extensions) {
        Set<String> names = new HashSet<>();
        long serviceId = 1;
        for (CpiExtension extension : extensions) {
            String name = extension.name();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("Extension " + extension + " has a blank name.");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("Two extensions are named '" + name + "'.");
            }
            core.add(new ServiceIdentity(serviceId++, 0, 0, "standalone", "0.0.0"), extension);
        }
    }

    @Override
    public List<ExtensionInfo> list() {
        return core.list();
    }

    @Override
    public Optional<ExtensionInfo> info(String name) {
        return core.info(name);
    }

    @Override
    public Optional<CpiExtension> find(String name) {
        return core.find(name);
    }

    @Override
    public ActionResult invoke(String name, String action, Map<String, Object> params, CallContext context) {
        return core.invoke(name, action, params, context);
    }

    @Override
    public List<ActionStats> statistics() {
        return core.statistics();
    }

    /** Stops the threads that run calls with a deadline. */
    @Override
    public void close() {
        deadlineExecutor.shutdownNow();
    }
}
