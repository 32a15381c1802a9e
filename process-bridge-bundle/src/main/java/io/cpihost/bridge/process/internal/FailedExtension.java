package io.cpihost.bridge.process.internal;

import java.util.List;
import java.util.Map;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;

/**
 * A configured instance that cannot work (its executable is missing, its context is not JSON
 * ...). It is still published under its name, so listings show it with the reason, and every
 * call fails with that reason.
 */
final class FailedExtension implements CpiExtension {

    private final String name;
    private final String reason;

    /**
     * @param name the configured name
     * @param reason a full sentence naming what is wrong
     */
    FailedExtension(String name, String reason) {
        this.name = name;
        this.reason = reason;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String providerType() {
        return TYPE_PROCESS;
    }

    @Override
    public List<ActionDefinition> listActions() {
        return List.of();
    }

    @Override
    public ActionResult execute(String action, Map<String, Object> params, CallContext context) {
        return ActionResult.failure(CpiError.UNAVAILABLE, reason);
    }

    @Override
    public Health health() {
        return Health.ERROR;
    }

    @Override
    public String healthDetail() {
        return reason;
    }
}
