package io.cpihost.provider.example;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.ParameterDefinition.Type;

/**
 * The smallest useful provider: it manages "workers" that exist only in memory.
 *
 * <p>Copy this class to start a provider. Publishing a {@link CpiExtension} service is all it
 * takes: the registry finds the service, reads {@link #listActions()}, checks every call against
 * it and only then calls {@link #execute}.
 */
// DS publishes the service. OPTIONAL: the provider works without configuration, and a
// configuration under the PID (a .cfg file in the watched folder) can rename it.
@Component(
        service = CpiExtension.class,
        configurationPid = ExampleCpiExtension.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ExampleCpiExtension.Config.class)
public final class ExampleCpiExtension implements CpiExtension {

    /** The configuration PID. */
    public static final String PID = "io.cpihost.provider.example";
    /** The extension name without configuration. */
    public static final String DEFAULT_NAME = "example";

    // One static table describes the actions. The registry validates parameters against it
    // (required, unknown, types) and refuses changing actions in read-only calls, so the
    // action methods below can rely on names and types being right.
    private static final List<ActionDefinition> ACTIONS = List.of(
            ActionDefinition.builder("create_worker")
                    .description("Creates a worker and returns its id.")
                    .required("name", Type.STRING, "A name for people.")
                    .optional("size", Type.INTEGER, "Size from 1 to 1024; 1 when absent.")
                    .build(),
            ActionDefinition.builder("delete_worker")
                    .description("Deletes a worker.")
                    .required("worker_id", Type.STRING, "Id of the worker.")
                    .build(),
            ActionDefinition.builder("list_workers")
                    .description("Lists the workers with their id, name and size.")
                    // Read-only actions may run in read-only calls (dry runs, dashboards).
                    .readOnly()
                    .build());

    private final String name;

    // execute() is called from many threads at once: one lock around the map keeps it simple.
    // LinkedHashMap so that list_workers answers in creation order.
    private final Object lock = new Object();
    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private long nextId = 1;

    /** A worker; immutable, so it can be read after the lock is released. */
    private record Worker(String id, String name, long size) {
    }

    /** The configuration; ConfigAdmin and the metatype UI read these annotations. */
    @ObjectClassDefinition(name = "CPI Host example provider",
            description = "A provider of in-memory workers; the template for new providers.")
    public @interface Config {

        /**
         * The extension name.
         *
         * @return the name
         */
        @AttributeDefinition(name = "Name", description = "The name callers use for this "
                + "extension.")
        String name() default DEFAULT_NAME;
    }

    /**
     * Starts with no workers.
     *
     * @param config the configuration
     * @throws IllegalArgumentException when the configuration is invalid
     */
    @Activate
    public ExampleCpiExtension(Config config) {
        // Fail activation with a sentence naming the setting: SCR logs it, and a wrong
        // configuration is found at once instead of at the first call.
        this.name = config.name() == null ? "" : config.name().trim();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Configuration '" + PID + "' sets a blank name.");
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String providerType() {
        return TYPE_JAVA;
    }

    @Override
    public List<ActionDefinition> listActions() {
        return ACTIONS;
    }

    @Override
    public ActionResult execute(String action, Map<String, Object> params, CallContext context) {
        // Never throw: report problems as results. The registry would turn an exception into
        // an "Internal" error, which tells the caller much less than our own message.
        try {
            switch (action) {
                case "create_worker":
                    return createWorker(params);
                case "delete_worker":
                    return deleteWorker(params);
                case "list_workers":
                    return listWorkers();
                default:
                    return ActionResult.failure(CpiError.NOT_IMPLEMENTED,
                            "Extension '" + name + "' has no action '" + action + "'.");
            }
        } catch (RuntimeException e) {
            return ActionResult.failure(CpiError.INTERNAL, "Action '" + action
                    + "' of extension '" + name + "' failed unexpectedly: " + e + ".");
        }
    }

    private ActionResult createWorker(Map<String, Object> params) {
        String workerName = (String) params.get("name");
        // Integers arrive as Integer, Long or BigInteger depending on the caller's JSON parser,
        // so read them as Number. An optional parameter may be absent or null.
        Number size = (Number) params.get("size");
        if (size == null) {
            size = 1;
        }
        // The registry checks types, not meaning: range checks are ours, and the message names
        // the parameter and the value so the caller can fix the call. Compare as double:
        // longValue() would wrap a huge BigInteger (2^64 + 5) around into a valid 5.
        if (size.doubleValue() < 1 || size.doubleValue() > 1024) {
            return ActionResult.failure(CpiError.INVALID_PARAMETER,
                    "Parameter 'size' must be between 1 and 1024, not " + size + ".");
        }
        synchronized (lock) {
            Worker worker = new Worker("worker-" + nextId++, workerName, size.longValue());
            workers.put(worker.id(), worker);
            return ActionResult.success(worker.id());
        }
    }

    private ActionResult deleteWorker(Map<String, Object> params) {
        String id = (String) params.get("worker_id");
        synchronized (lock) {
            if (workers.remove(id) == null) {
                return ActionResult.failure(CpiError.NOT_FOUND,
                        "Worker '" + id + "' does not exist.");
            }
        }
        return ActionResult.success(null);
    }

    private ActionResult listWorkers() {
        List<Worker> snapshot;
        synchronized (lock) {
            snapshot = List.copyOf(workers.values());
        }
        // Results are plain JSON values (maps, lists, strings, numbers), never our own types:
        // the registry and the bridges serialize them without knowing this bundle.
        List<Map<String, Object>> list = new ArrayList<>();
        for (Worker worker : snapshot) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", worker.id());
            entry.put("name", worker.name());
            entry.put("size", worker.size());
            list.add(entry);
        }
        return ActionResult.success(list);
    }
}
