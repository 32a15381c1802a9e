package io.cpihost.registry.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.cpihost.api.ActionResult;
import io.cpihost.api.ActionStats;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.CpiRegistry;
import io.cpihost.api.ExtensionInfo;

/**
 * Publishes the {@link CpiRegistry}: tracks every {@link CpiExtension} service dynamically and
 * hands calls to the {@link RegistryCore} pipeline.
 */
@Component(service = CpiRegistry.class, immediate = true,
        configurationPid = CpiRegistryComponent.PID)
@Designate(ocd = CpiRegistryComponent.Config.class)
public final class CpiRegistryComponent implements CpiRegistry {

    /** The configuration PID. */
    public static final String PID = "io.cpihost.registry";

    /** Registry settings. */
    @ObjectClassDefinition(name = "CPI Host registry", description = "How the registry waits during updates.")
    public @interface Config {
        /** How long a call for an extension that just left waits for it to return. */
        @AttributeDefinition(name = "Handover wait (ms)", description = "How long a call for an extension that"
                + " has just been unregistered (as during a bundle update) waits for the same name to return"
                + " before failing with NotFound. 0 disables the wait.")
        long handoverTimeoutMillis() default 5000;

        /** How long an unregistering extension's running calls may take to finish. */
        @AttributeDefinition(name = "Drain wait (ms)", description = "How long the removal of an extension waits"
                + " for the calls already running on it before its provider is deactivated.")
        long drainTimeoutMillis() default 30000;
    }

    private final RegistryCore core;
    private final ExecutorService deadlineExecutor;
    private final BundleContext context;
    private final BundleListener uninstallListener;

    /**
     * Activates the registry.
     *
     * @param context the bundle context, to hear of uninstalled bundles
     * @param config the settings
     */
    @Activate
    public CpiRegistryComponent(BundleContext context, Config config) {
        this.context = context;
        this.deadlineExecutor = newDeadlineExecutor();
        this.core = new RegistryCore(config.handoverTimeoutMillis(), config.drainTimeoutMillis(), deadlineExecutor);
        this.uninstallListener = event -> {
            if (event.getType() == BundleEvent.UNINSTALLED) {
                core.bundleUninstalled(event.getBundle().getBundleId());
            }
        };
        context.addBundleListener(uninstallListener);
    }

    @Modified
    void modified(Config config) {
        core.configure(config.handoverTimeoutMillis(), config.drainTimeoutMillis());
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(uninstallListener);
        deadlineExecutor.shutdownNow();
    }

    private static ExecutorService newDeadlineExecutor() {
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread thread = new Thread(r, "cpi-call-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        return executor;
    }

    @Reference(service = CpiExtension.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindExtension(ServiceReference<CpiExtension> reference, CpiExtension extension) {
        core.add(identity(reference), extension);
    }

    void updatedExtension(ServiceReference<CpiExtension> reference, CpiExtension extension) {
        core.add(identity(reference), extension);
    }

    void unbindExtension(ServiceReference<CpiExtension> reference) {
        core.remove((Long) reference.getProperty(Constants.SERVICE_ID));
    }

    static ServiceIdentity identity(ServiceReference<?> reference) {
        Object ranking = reference.getProperty(Constants.SERVICE_RANKING);
        Bundle bundle = reference.getBundle();
        return new ServiceIdentity((Long) reference.getProperty(Constants.SERVICE_ID),
                ranking instanceof Integer ? (Integer) ranking : 0,
                bundle == null ? -1 : bundle.getBundleId(),
                bundle == null ? "?" : bundle.getSymbolicName(),
                bundle == null ? "?" : bundle.getVersion().toString());
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
}
