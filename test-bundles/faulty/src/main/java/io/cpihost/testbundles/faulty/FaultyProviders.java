package io.cpihost.testbundles.faulty;

import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiExtension;

/** Providers that misbehave in the ways a real bundle can, for the deployment tests. */
public final class FaultyProviders {

    private FaultyProviders() {
    }

    /** Base: one read-only action answering its own name. */
    abstract static class Base implements CpiExtension {
        @Override
        public String providerType() {
            return TYPE_JAVA;
        }

        @Override
        public List<ActionDefinition> listActions() {
            return List.of(ActionDefinition.builder("whoami").description("Returns the provider's class.")
                    .readOnly().build());
        }

        @Override
        public ActionResult execute(String action, Map<String, Object> params, CallContext context) {
            return ActionResult.success(getClass().getSimpleName());
        }
    }

    /** Throws when asked its name. */
    @Component(service = CpiExtension.class, immediate = true)
    public static final class NamelessProvider extends Base {
        @Override
        public String name() {
            throw new IllegalStateException("NamelessProvider cannot tell its name");
        }
    }

    /** Throws in activation: DS never publishes it. */
    @Component(service = CpiExtension.class, immediate = true)
    public static final class BrokenActivationProvider extends Base {
        /** Fails. */
        @Activate
        public BrokenActivationProvider() {
            throw new IllegalStateException("BrokenActivationProvider refuses to start");
        }

        @Override
        public String name() {
            return "broken-activation";
        }
    }

    /** Claims the memory provider's name: must be shadowed, not win. */
    @Component(service = CpiExtension.class, immediate = true)
    public static final class ImpostorProvider extends Base {
        @Override
        public String name() {
            return "memory";
        }
    }
}
