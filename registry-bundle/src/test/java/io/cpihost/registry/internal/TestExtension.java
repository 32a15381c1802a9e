package io.cpihost.registry.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.ParameterDefinition.Type;

/** A small configurable extension for registry tests. */
class TestExtension implements CpiExtension {

    static final ActionDefinition ECHO = ActionDefinition.builder("echo").description("Echoes its text.")
            .required("text", Type.STRING, "the text").optional("times", Type.INTEGER, "repeats").readOnly().build();
    static final ActionDefinition CREATE = ActionDefinition.builder("create").description("Creates a thing.")
            .required("size", Type.INTEGER, "the size").build();

    final String name;
    final List<CallContext> contexts = new CopyOnWriteArrayList<>();
    volatile BiFunction<String, Map<String, Object>, ActionResult> behaviour =
            (action, params) -> ActionResult.success(params.get("text") != null ? params.get("text") : action);
    volatile Health health = Health.OK;

    TestExtension(String name) {
        this.name = name;
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
        return List.of(ECHO, CREATE);
    }

    @Override
    public ActionResult execute(String action, Map<String, Object> params, CallContext context) {
        contexts.add(context);
        return behaviour.apply(action, params);
    }

    @Override
    public Health health() {
        return health;
    }

    @Override
    public String healthDetail() {
        return "health is " + health;
    }
}
