package io.cpihost.registry.shell;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.ActionStats;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.CpiRegistry;
import io.cpihost.api.ExtensionInfo;
import io.cpihost.api.ParameterDefinition;

/**
 * The {@code cpi:*} Gogo commands. Gogo finds them by the {@code osgi.command.*} service
 * properties; without Gogo this component is simply never called. Every command returns its
 * output as text so it works the same interactively and from a piped script.
 */
@Component(service = CpiCommands.class, property = {
    "osgi.command.scope=cpi",
    "osgi.command.function=list",
    "osgi.command.function=info",
    "osgi.command.function=actions",
    "osgi.command.function=describe",
    "osgi.command.function=call",
    "osgi.command.function=test",
    "osgi.command.function=stats"
})
public final class CpiCommands {

    /** Jackson is loaded on the first command that needs JSON, not with the shell (start-up time). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private final CpiRegistry registry;

    /**
     * Creates the commands.
     *
     * @param registry the registry every command goes through
     */
    @Activate
    public CpiCommands(@Reference CpiRegistry registry) {
        this.registry = registry;
    }

    /**
     * Lists every extension service.
     *
     * @return the table
     */
    @Descriptor("List every CPI extension: name, provider type, bundle, version, state and action count;"
            + " shadowed and failed services with their reason")
    public String list() {
        List<ExtensionInfo> infos = registry.list();
        if (infos.isEmpty()) {
            return "No CPI extensions are registered.";
        }
        Table table = new Table("NAME", "TYPE", "BUNDLE", "VERSION", "STATE", "ACTIONS");
        List<String> reasons = new ArrayList<>();
        for (ExtensionInfo info : infos) {
            table.row(info.name().isEmpty() ? "(unnamed)" : info.name(), info.providerType(),
                    info.bundleSymbolicName(), info.bundleVersion(), info.state().name(),
                    String.valueOf(info.actions().size()));
            if (!info.reason().isEmpty()) {
                reasons.add("  " + (info.name().isEmpty() ? "service " + info.serviceId() : info.name()) + " ["
                        + info.state() + "]: " + info.reason());
            }
        }
        StringBuilder out = new StringBuilder(table.render());
        for (String reason : reasons) {
            out.append('\n').append(reason);
        }
        return out.toString();
    }

    /**
     * Shows one extension.
     *
     * @param name the extension name
     * @return the description
     */
    @Descriptor("Show one extension: type, bundle, state and actions")
    public String info(@Descriptor("extension name") String name) {
        ExtensionInfo info = registry.info(name).orElseThrow(() -> notFound(name));
        StringBuilder out = new StringBuilder();
        out.append("name:     ").append(info.name()).append('\n');
        out.append("type:     ").append(info.providerType()).append('\n');
        out.append("bundle:   ").append(info.bundleSymbolicName()).append(' ').append(info.bundleVersion()).append('\n');
        out.append("service:  ").append(info.serviceId()).append(" (ranking ").append(info.serviceRanking()).append(")\n");
        out.append("state:    ").append(info.state());
        if (!info.reason().isEmpty()) {
            out.append(" (").append(info.reason()).append(')');
        }
        out.append('\n').append("actions:  ").append(String.join(", ", info.actions()));
        return out.toString();
    }

    /**
     * Lists the actions of one extension.
     *
     * @param name the extension name
     * @return the table
     */
    @Descriptor("List the actions of an extension with their parameters")
    public String actions(@Descriptor("extension name") String name) {
        Table table = new Table("ACTION", "RO", "PARAMETERS", "DESCRIPTION");
        for (ActionDefinition definition : definitions(name)) {
            List<String> parameters = new ArrayList<>();
            for (ParameterDefinition parameter : definition.parameters()) {
                parameters.add(parameter.name() + (parameter.required() ? "" : "?"));
            }
            table.row(definition.name(), definition.readOnly() ? "yes" : "", String.join(", ", parameters),
                    definition.description());
        }
        return table.render();
    }

    /**
     * Describes one action.
     *
     * @param name the extension name
     * @param action the action name
     * @return the description
     */
    @Descriptor("Describe one action: its parameters, their types, and whether it is read-only")
    public String describe(@Descriptor("extension name") String name, @Descriptor("action name") String action) {
        ActionDefinition definition = definitions(name).stream().filter(d -> d.name().equals(action)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Extension '" + name + "' has no action '" + action
                        + "'."));
        StringBuilder out = new StringBuilder();
        out.append(definition.name()).append(definition.readOnly() ? " (read-only)" : "").append('\n');
        if (!definition.description().isEmpty()) {
            out.append("  ").append(definition.description()).append('\n');
        }
        if (definition.parameters().isEmpty()) {
            out.append("  no parameters");
        }
        Table table = new Table("PARAMETER", "TYPE", "REQUIRED", "NULLABLE", "DESCRIPTION");
        for (ParameterDefinition parameter : definition.parameters()) {
            table.row(parameter.name(), parameter.type().jsonName(), parameter.required() ? "yes" : "no",
                    parameter.nullable() ? "yes" : "no", parameter.description());
        }
        if (!definition.parameters().isEmpty()) {
            out.append(table.render());
        }
        return out.toString().stripTrailing();
    }

    /**
     * Calls an action.
     *
     * @param readOnly whether the call is read-only
     * @param timeoutMillis the deadline in milliseconds, 0 for none
     * @param name the extension name
     * @param action the action name
     * @param args a JSON object, or key=value pairs
     * @return the result as JSON, or the error
     */
    @Descriptor("Call an action. Parameters: one JSON object in single quotes ('{\"vm_cid\":\"vm-1\"}') or"
            + " key=value pairs, where a value that parses as JSON (numbers, true, [..], {..}) is taken as such")
    public String call(
            @Descriptor("refuse actions that change state") @Parameter(names = {"-r", "--read-only"},
                    presentValue = "true", absentValue = "false") boolean readOnly,
            @Descriptor("deadline in milliseconds (0: none)") @Parameter(names = {"-t", "--timeout"},
                    absentValue = "0") long timeoutMillis,
            @Descriptor("extension name") String name,
            @Descriptor("action name") String action,
            @Descriptor("parameters: a JSON object or key=value ...") String... args) {
        Map<String, Object> params = Arguments.parse(args);
        CallContext context = CallContext.builder().readOnly(readOnly)
                .timeout(timeoutMillis > 0 ? Duration.ofMillis(timeoutMillis) : null).build();
        ActionResult result = registry.invoke(name, action, params, context);
        return render(result, context);
    }

    static String render(ActionResult result, CallContext context) {
        StringBuilder out = new StringBuilder();
        if (result.isSuccess()) {
            out.append(toJson(result.value()));
        } else {
            CpiError error = result.error();
            out.append("ERROR ").append(error.type()).append(": ").append(error.message()).append('\n');
            out.append("  ok_to_retry: ").append(error.okToRetry());
        }
        if (!result.log().isEmpty()) {
            out.append('\n').append("log:\n");
            for (String line : result.log().split("\n")) {
                out.append("  ").append(line).append('\n');
            }
        }
        return out.toString().stripTrailing();
    }

    /**
     * Smoke-tests one extension.
     *
     * @param name the extension name
     * @return one line per check and a summary
     */
    @Descriptor("Smoke-test an extension: every definition is well-formed and every read-only action without"
            + " required parameters succeeds. Fails (non-zero for --test-extension) when a check fails")
    public String test(@Descriptor("extension name") String name) {
        SmokeTest.Report report = new SmokeTest(registry).run(name);
        if (report.failed() > 0) {
            throw new SmokeTestFailure(report.render());
        }
        return report.render();
    }

    /**
     * Shows call statistics.
     *
     * @return the table
     */
    @Descriptor("Show call counts, errors, timeouts and latency per extension and action")
    public String stats() {
        List<ActionStats> stats = registry.statistics();
        if (stats.isEmpty()) {
            return "No calls yet.";
        }
        Table table = new Table("EXTENSION", "ACTION", "CALLS", "ERRORS", "TIMEOUTS", "MEAN(us)", "MAX(us)");
        for (ActionStats s : stats) {
            table.row(s.extension(), s.action(), String.valueOf(s.calls()), String.valueOf(s.errors()),
                    String.valueOf(s.timeouts()), micros(s.meanNanos()), micros(s.maxNanos()));
        }
        return table.render();
    }

    private static String micros(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1000.0);
    }

    private List<ActionDefinition> definitions(String name) {
        CpiExtension extension = registry.find(name).orElseThrow(() -> notFound(name));
        try {
            return extension.listActions();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Extension '" + name + "' failed to list its actions: " + e, e);
        }
    }

    private static IllegalArgumentException notFound(String name) {
        return new IllegalArgumentException("No extension named '" + name + "' is registered (see cpi:list).");
    }

    static String toJson(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /** Thrown by {@code cpi:test} so scripts and {@code --test-extension} see the failure. */
    public static final class SmokeTestFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SmokeTestFailure(String report) {
            super(report);
        }
    }

    /** Parses {@code cpi:call} arguments. */
    static final class Arguments {
        private Arguments() {
        }

        static Map<String, Object> parse(String... args) {
            Map<String, Object> params = new LinkedHashMap<>();
            if (args == null || args.length == 0) {
                return params;
            }
            if (args.length == 1 && args[0].strip().startsWith("{")) {
                Object parsed = parseJson(args[0], "the parameters");
                if (!(parsed instanceof Map)) {
                    throw new IllegalArgumentException("The parameters must be a JSON object.");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) parsed;
                return map;
            }
            for (String arg : args) {
                int eq = arg.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("Argument '" + arg
                            + "' is neither a JSON object nor key=value.");
                }
                String key = arg.substring(0, eq);
                String raw = arg.substring(eq + 1);
                params.put(key, parseValue(raw));
            }
            return params;
        }

        private static Object parseValue(String raw) {
            String trimmed = raw.strip();
            if (trimmed.isEmpty()) {
                return "";
            }
            char first = trimmed.charAt(0);
            boolean looksJson = first == '{' || first == '[' || first == '"' || first == '-'
                    || Character.isDigit(first) || trimmed.equals("true") || trimmed.equals("false")
                    || trimmed.equals("null");
            if (looksJson) {
                try {
                    return Json.MAPPER.readValue(trimmed, Object.class);
                } catch (JsonProcessingException e) {
                    if (first == '{' || first == '[' || first == '"') {
                        throw new IllegalArgumentException("Value '" + raw + "' is not valid JSON: "
                                + e.getOriginalMessage());
                    }
                }
            }
            return raw;
        }

        private static Object parseJson(String text, String what) {
            try {
                return Json.MAPPER.readValue(text, Object.class);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(what.substring(0, 1).toUpperCase(java.util.Locale.ROOT)
                        + what.substring(1) + " are not valid JSON: " + e.getOriginalMessage());
            }
        }
    }

}
