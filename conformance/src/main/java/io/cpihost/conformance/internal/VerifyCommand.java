package io.cpihost.conformance.internal;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.cpihost.api.CpiRegistry;
import io.cpihost.conformance.ConformanceKit;
import io.cpihost.conformance.Report;

/**
 * The {@code cpi:verify} Gogo command. Gogo finds it by the {@code osgi.command.*} service
 * properties; without Gogo this component is simply never called.
 */
@Component(service = VerifyCommand.class, property = {
    "osgi.command.scope=cpi",
    "osgi.command.function=verify"
})
public final class VerifyCommand {

    private final CpiRegistry registry;

    /**
     * Creates the command.
     *
     * @param registry the registry the checked extension is reached through
     */
    @Activate
    public VerifyCommand(@Reference CpiRegistry registry) {
        this.registry = registry;
    }

    /**
     * Runs the conformance kit against one extension.
     *
     * @param name the extension name
     * @return one line per check and the summary, when no check failed
     * @throws VerificationFailure with the same text when a check failed, so scripts see it
     */
    @Descriptor("Check an extension against the CPI contract: definitions, lifecycle, not-found,"
            + " invalid parameters, concurrency and idempotent reads. Creates and deletes real"
            + " resources. Fails when a check fails; skipped checks (missing actions) do not fail")
    public String verify(@Descriptor("extension name") String name) {
        Report report = new ConformanceKit(registry).run(name);
        if (!report.conforms()) {
            throw new VerificationFailure(report.render());
        }
        return report.render();
    }

    /** Thrown by {@code cpi:verify} when a check failed; its message is the whole report. */
    public static final class VerificationFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        VerificationFailure(String report) {
            super(report);
        }
    }
}
