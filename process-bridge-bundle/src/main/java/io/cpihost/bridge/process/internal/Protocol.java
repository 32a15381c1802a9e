package io.cpihost.bridge.process.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.ParameterDefinition;

/**
 * The BOSH CPI RPC: building requests from named parameters and interpreting responses.
 *
 * <p>Request: {@code {"method","arguments":[...],"context":{...},"api_version":n}}. Response:
 * {@code {"result":...,"error":null|{"type","message","ok_to_retry"},"log":"..."}}; a response
 * that breaks this shape is an {@link CpiError#INVALID_RESPONSE} quoting its first bytes.
 */
final class Protocol {

    /** Context attribute a caller may set with the stemcell's API version. */
    static final String STEMCELL_API_VERSION = "stemcell_api_version";

    private static final int QUOTE_CHARS = 200;

    private Protocol() {
    }

    /**
     * Maps named parameters to BOSH's positional arguments, in the action's order; an absent
     * optional parameter is passed as null, as the BOSH director does.
     */
    static List<Object> arguments(ActionDefinition action, Map<String, Object> params) {
        List<Object> arguments = new ArrayList<>(action.parameters().size());
        for (ParameterDefinition parameter : action.parameters()) {
            arguments.add(params == null ? null : params.get(parameter.name()));
        }
        return arguments;
    }

    /**
     * The request's context: director_uuid, request_id, the stemcell's API version when the
     * caller knows it, and every configured property merged over them (as BOSH merges
     * cpi-config properties).
     */
    static Map<String, Object> context(CallContext call, String requestId, String directorUuid,
            Map<String, Object> configured) {
        Map<String, Object> context = new LinkedHashMap<>();
        Optional<Object> director = call.attribute(CallContext.DIRECTOR_UUID);
        if (director.isPresent()) {
            context.put("director_uuid", director.get());
        } else if (!directorUuid.isEmpty()) {
            context.put("director_uuid", directorUuid);
        }
        context.put("request_id", requestId);
        call.attribute(STEMCELL_API_VERSION).ifPresent(version ->
                context.put("vm", Map.of("stemcell", Map.of("api_version", version))));
        context.putAll(configured);
        return context;
    }

    /**
     * A request as compact JSON.
     *
     * @param apiVersion the API version to send, or 0 to leave it out (the first info call)
     */
    static byte[] request(String method, List<Object> arguments, Map<String, Object> context, int apiVersion) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("method", method);
        request.put("arguments", arguments);
        request.put("context", context);
        if (apiVersion > 0) {
            request.put("api_version", apiVersion);
        }
        return Json.write(request);
    }

    /**
     * Interprets what a CPI answered.
     *
     * @param reply the exchange's outcome
     * @param method the method called, for messages
     * @param source what answered, such as "executable '/x'", for messages
     * @return the result or error, with the response's log and the captured stderr as its log
     */
    static ActionResult interpret(Reply reply, String method, String source) {
        String stderr = reply.stderr();
        if (reply.failure() != null) {
            return ActionResult.failure(reply.failure(), stderr);
        }
        byte[] stdout = reply.stdout();
        if (isBlank(stdout)) {
            String last = lastLine(stderr);
            return invalid(source + " exited with code " + reply.exitCode() + " without answering '" + method
                    + "' on stdout" + (last.isEmpty() ? "" : "; its stderr ends with '" + last + "'") + ".", stderr);
        }
        JsonNode response;
        try {
            response = Json.read(stdout);
        } catch (JsonEOFException e) {
            return invalid(source + " answered '" + method + "' with truncated JSON" + exitNote(reply) + ": '"
                    + Json.quote(stdout, QUOTE_CHARS) + "'.", stderr);
        } catch (IOException e) {
            return invalid(source + " answered '" + method + "' with invalid JSON" + exitNote(reply) + ": '"
                    + Json.quote(stdout, QUOTE_CHARS) + "'.", stderr);
        }
        String problem = shapeProblem(response);
        if (problem != null) {
            return invalid(source + " answered '" + method + "' with " + problem + ": '"
                    + Json.quote(stdout, QUOTE_CHARS) + "'.", stderr);
        }
        String log = join(response.path("log").isTextual() ? response.get("log").asText() : "", stderr);
        JsonNode error = response.get("error");
        if (error != null && !error.isNull()) {
            return ActionResult.failure(new CpiError(error.get("type").asText(), error.get("message").asText(),
                    error.path("ok_to_retry").asBoolean(false)), log);
        }
        return ActionResult.success(Json.toJava(response.get("result")), log);
    }

    /** Why a parsed response breaks the protocol's shape, or null when it does not. */
    private static String shapeProblem(JsonNode response) {
        if (!response.isObject()) {
            return "a response that is not a JSON object";
        }
        if (!response.has("result") && !response.has("error")) {
            return "a response that has neither 'result' nor 'error'";
        }
        JsonNode error = response.get("error");
        JsonNode result = response.get("result");
        boolean hasError = error != null && !error.isNull();
        if (hasError && result != null && !result.isNull()) {
            return "a response that sets both 'result' and 'error'";
        }
        if (hasError) {
            if (!error.isObject()) {
                return "an 'error' that is not an object";
            }
            if (!error.path("type").isTextual() || error.get("type").asText().isBlank()) {
                return "an 'error' without a string 'type'";
            }
            if (!error.path("message").isTextual()) {
                return "an 'error' without a string 'message'";
            }
            if (error.has("ok_to_retry") && !error.get("ok_to_retry").isBoolean()
                    && !error.get("ok_to_retry").isNull()) {
                return "an 'error' whose 'ok_to_retry' is not a boolean";
            }
        }
        JsonNode log = response.get("log");
        if (log != null && !log.isNull() && !log.isTextual()) {
            return "a 'log' that is not a string";
        }
        return null;
    }

    private static ActionResult invalid(String message, String log) {
        return ActionResult.failure(CpiError.of(CpiError.INVALID_RESPONSE, message), log);
    }

    private static String exitNote(Reply reply) {
        int code = reply.exitCode();
        if (code == 0) {
            return "";
        }
        return code > 128 ? " and was killed by signal " + (code - 128) : " and exited with code " + code;
    }

    private static String join(String log, String stderr) {
        if (stderr.isEmpty()) {
            return log;
        }
        if (log.isEmpty()) {
            return stderr;
        }
        return log.endsWith("\n") ? log + stderr : log + "\n" + stderr;
    }

    private static String lastLine(String text) {
        String stripped = text.strip();
        int newline = stripped.lastIndexOf('\n');
        return Json.shorten(newline < 0 ? stripped : stripped.substring(newline + 1).strip(), QUOTE_CHARS);
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
