package io.cpihost.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.ParameterDefinition.Type;

/**
 * A trivial Java provider: {@code echo(text)} answers its parameter, and a few more actions with
 * parameters make its definitions look like a real provider's (five actions, eight parameters).
 * Definitions are built per instance, as 1,000 separate bundles would have their own.
 */
public final class JavaExtension implements CpiExtension {

    private final String name;
    private final List<ActionDefinition> actions;

    /**
     * Creates the extension with its own definitions.
     *
     * @param name the extension name
     */
    public JavaExtension(String name) {
        this.name = name;
        List<ActionDefinition> definitions = new ArrayList<>();
        definitions.add(ActionDefinition.builder("echo").description("Answers the text of " + name + ".").readOnly()
                .required("text", Type.STRING, "The text to answer.").build());
        definitions.add(ActionDefinition.builder("create_vm").description("Creates a VM in " + name + ".")
                .required("agent_id", Type.STRING, "The agent id.")
                .required("stemcell_cid", Type.STRING, "The stemcell.")
                .required("cloud_properties", Type.OBJECT, "Where and how big.")
                .optional("env", Type.OBJECT, "Environment.").build());
        definitions.add(ActionDefinition.builder("delete_vm").description("Deletes a VM in " + name + ".")
                .required("vm_cid", Type.STRING, "The VM.").build());
        definitions.add(ActionDefinition.builder("has_vm").description("Whether a VM exists in " + name + ".")
                .readOnly().required("vm_cid", Type.STRING, "The VM.").build());
        definitions.add(ActionDefinition.builder("info").description("What " + name + " supports.").readOnly()
                .optional("verbose", Type.BOOLEAN, "More detail.").build());
        this.actions = List.copyOf(definitions);
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
        return actions;
    }

    @Override
    public ActionResult execute(String action, Map<String, Object> params, CallContext context) {
        if ("echo".equals(action)) {
            return ActionResult.success(params.get("text"));
        }
        return ActionResult.failure(CpiError.NOT_IMPLEMENTED, "Action '" + action + "' is not implemented.");
    }
}
