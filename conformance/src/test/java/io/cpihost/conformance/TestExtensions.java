package io.cpihost.conformance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import org.osgi.util.converter.Converters;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiExtension;
import io.cpihost.provider.memory.MemoryCpiExtension;

/** Extensions for the kit's tests: the real memory provider, and wrappers that break it. */
final class TestExtensions {

    private TestExtensions() {
    }

    /** The memory provider, built as SCR would. */
    static MemoryCpiExtension memory(Map<String, Object> configuration) {
        MemoryCpiExtension.Config config = Converters.standardConverter()
                .convert(new HashMap<>(configuration)).to(MemoryCpiExtension.Config.class);
        return new MemoryCpiExtension(config);
    }

    /** Intercepts a call; returns null to let the delegate answer. */
    @FunctionalInterface
    interface Interceptor {
        ActionResult intercept(String action, Map<String, Object> params);
    }

    /**
     * A delegating extension with changed definitions or answers, that also records which
     * resources were created and not deleted again.
     */
    static final class Wrapper implements CpiExtension {
        private final CpiExtension delegate;
        private final List<ActionDefinition> actions;
        private final Interceptor interceptor;
        /** Ids created by create_* and not yet deleted by a successful delete_*. */
        final Set<String> live = ConcurrentHashMap.newKeySet();

        Wrapper(CpiExtension delegate, Predicate<ActionDefinition> keep,
                UnaryOperator<ActionDefinition> change, Interceptor interceptor) {
            this.delegate = delegate;
            this.actions = delegate.listActions().stream().filter(keep).map(change).toList();
            this.interceptor = interceptor;
        }

        /** Records what the real memory provider does, unchanged. */
        static Wrapper recording(CpiExtension delegate) {
            return new Wrapper(delegate, d -> true, d -> d, (a, p) -> null);
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String providerType() {
            return delegate.providerType();
        }

        @Override
        public List<ActionDefinition> listActions() {
            return actions;
        }

        @Override
        public ActionResult execute(String action, Map<String, Object> params, CallContext context) {
            ActionResult result = interceptor.intercept(action, params);
            if (result == null) {
                result = delegate.execute(action, params, context);
            }
            if (result.isSuccess() && action.startsWith("create_")) {
                Object value = result.value();
                live.add(String.valueOf(value instanceof List<?> list ? list.get(0) : value));
            } else if (result.isSuccess() && action.startsWith("delete_")) {
                live.remove(params.get(action.substring("delete_".length()) + "_cid"));
            }
            return result;
        }
    }

    /** A definition with another read-only flag. */
    static ActionDefinition readOnly(ActionDefinition definition, boolean readOnly) {
        return new ActionDefinition(definition.name(), definition.description(),
                definition.parameters(), readOnly);
    }
}
