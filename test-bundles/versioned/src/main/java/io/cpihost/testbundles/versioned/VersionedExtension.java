package io.cpihost.testbundles.versioned;

import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.ParameterDefinition.Type;

/**
 * Answers with the version of the bundle it came from, so a test that replaces the jar in the
 * watched folder can tell which revision served each call.
 */
@Component(service = CpiExtension.class)
public final class VersionedExtension implements CpiExtension {

    private static final List<ActionDefinition> ACTIONS = List.of(
            ActionDefinition.builder("version").description("Returns the providing bundle's version.").readOnly()
                    .build(),
            ActionDefinition.builder("work").description("Sleeps, then returns the providing bundle's version.")
                    .required("millis", Type.INTEGER, "How long to work.").build());

    private final String version;

    /**
     * Reads the bundle version.
     *
     * @param context the bundle context
     */
    @Activate
    public VersionedExtension(BundleContext context) {
        this.version = context.getBundle().getVersion().toString();
    }

    @Override
    public String name() {
        return "versioned";
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
        if ("work".equals(action)) {
            try {
                Thread.sleep(((Number) params.get("millis")).longValue());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ActionResult.failure(CpiError.UNAVAILABLE, "Interrupted while working.");
            }
        }
        return ActionResult.success(version);
    }
}
