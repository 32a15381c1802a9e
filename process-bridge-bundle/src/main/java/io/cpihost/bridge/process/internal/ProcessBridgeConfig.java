package io.cpihost.bridge.process.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * One BOSH CPI executable published as a CPI extension. In a {@code .cfg} file, list values
 * ({@code arguments}, {@code environment}) may be written as one string: a JSON array (or, for
 * {@code environment}, a JSON object), or words separated by white space.
 */
@ObjectClassDefinition(
        id = ProcessBridgeConfig.PID,
        name = "CPI Host process bridge",
        description = "Publishes an external BOSH CPI executable as a CPI extension.")
public @interface ProcessBridgeConfig {

    /** The factory PID. */
    String PID = "io.cpihost.bridge.process";

    @AttributeDefinition(name = "Name", description = "The extension name callers use, such as 'aws'.")
    String name() default "";

    @AttributeDefinition(name = "Executable", description = "Absolute path of the CPI executable.")
    String executable() default "";

    @AttributeDefinition(name = "Arguments", required = false,
            description = "Arguments passed to the executable, such as '-configPath /etc/cpi.json'. No shell is involved.")
    String[] arguments() default {};

    @AttributeDefinition(name = "Environment", required = false,
            description = "NAME=VALUE entries added to the environment, which otherwise holds only PATH and TMPDIR.")
    String[] environment() default {};

    @AttributeDefinition(name = "Working directory", required = false,
            description = "Absolute path of the directory the executable runs in; empty for the framework's.")
    String workingDirectory() default "";

    @AttributeDefinition(name = "Timeout", min = "0",
            description = "Seconds a call may take before its process tree is terminated; 0 for none, as BOSH.")
    long timeout() default 0;

    @AttributeDefinition(name = "Maximum concurrency", min = "1",
            description = "How many processes may run calls at once; in persistent mode, the size of the pool.")
    int maxConcurrency() default 4;

    @AttributeDefinition(name = "Maximum queued calls", min = "0",
            description = "How many calls may wait for a free process; more are refused as Unavailable, ok to retry.")
    int maxQueued() default 64;

    @AttributeDefinition(name = "Mode", description = "One process per call (BOSH) or long-lived processes speaking JSON lines.",
            options = {@Option(label = "per-call", value = "per-call"), @Option(label = "persistent", value = "persistent")})
    String mode() default "per-call";

    @AttributeDefinition(name = "Preferred API version", min = "1",
            description = "The highest CPI API version to speak; the executable's info may lower it.")
    int preferredApiVersion() default 2;

    @AttributeDefinition(name = "Director UUID", required = false,
            description = "The director_uuid sent in the context when the caller gives none.")
    String directorUuid() default "";

    @AttributeDefinition(name = "Context", required = false,
            description = "A JSON object whose properties are merged into every request's context (BOSH cpi-config properties).")
    String context() default "{}";

    @AttributeDefinition(name = "Stdout limit", min = "1",
            description = "The most bytes a response may have; more is an InvalidResponse.")
    long stdoutLimit() default BridgeSettings.DEFAULT_STDOUT_LIMIT;

    @AttributeDefinition(name = "Verbosity", min = "0", type = AttributeType.INTEGER,
            description = "When above 0, '--v N' is passed before the other arguments.")
    int verbosity() default 0;
}
