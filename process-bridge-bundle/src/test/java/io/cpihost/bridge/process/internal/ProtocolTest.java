package io.cpihost.bridge.process.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;

/** Requests and response shapes, without processes. */
class ProtocolTest {

    private static ActionResult interpret(String stdout) {
        return Protocol.interpret(Reply.output(stdout.getBytes(StandardCharsets.UTF_8), 0, ""), "has_vm",
                "executable '/cpi'");
    }

    private static void assertInvalid(String stdout, String problem) {
        ActionResult result = interpret(stdout);
        assertEquals(CpiError.INVALID_RESPONSE, result.error().type(), result::toString);
        assertTrue(result.error().message().startsWith("executable '/cpi' answered 'has_vm' with " + problem),
                result.error().message());
    }

    @Test
    void requestsAreCompactJsonInBoshsShape() {
        byte[] request = Protocol.request("create_disk", Arrays.asList(1024, Map.of(), null),
                Protocol.context(CallContext.builder().build(), "req-1", "dir-1", Map.of("a", 1)), 2);
        assertEquals("{\"method\":\"create_disk\",\"arguments\":[1024,{},null],\"context\":{\"director_uuid\":"
                + "\"dir-1\",\"request_id\":\"req-1\",\"a\":1},\"api_version\":2}",
                new String(request, StandardCharsets.UTF_8));
        byte[] info = Protocol.request("info", List.of(), Map.of(), 0);
        assertEquals("{\"method\":\"info\",\"arguments\":[],\"context\":{}}", new String(info, StandardCharsets.UTF_8));
        byte[] multiline = Protocol.request("m", List.of("a\nb"), Map.of(), 1);
        assertTrue(!new String(multiline, StandardCharsets.UTF_8).contains("\n"), "one line, for persistent mode");
    }

    @Test
    void wellFormedResponses() {
        assertEquals(ActionResult.success(true, "did it"), interpret("{\"result\":true,\"error\":null,\"log\":\"did it\"}"));
        assertEquals(ActionResult.success(null, ""), interpret("{\"result\":null}"));
        assertEquals(ActionResult.failure(new CpiError("Bosh::Clouds::CloudError", "no", true), ""),
                interpret("{\"result\":null,\"error\":{\"type\":\"Bosh::Clouds::CloudError\",\"message\":\"no\","
                        + "\"ok_to_retry\":true}}"));
        ActionResult withStderr = Protocol.interpret(Reply.output("{\"result\":1,\"log\":\"a\"}".getBytes(
                StandardCharsets.UTF_8), 0, "b\n"), "m", "x");
        assertEquals("a\nb\n", withStderr.log());
    }

    @Test
    void malformedResponsesAreInvalidResponses() {
        assertInvalid("[1,2]", "a response that is not a JSON object: '[1,2]'.");
        assertInvalid("{\"log\":\"\"}", "a response that has neither 'result' nor 'error'");
        assertInvalid("{\"result\":null,\"error\":\"boom\"}", "an 'error' that is not an object");
        assertInvalid("{\"error\":{\"message\":\"m\"}}", "an 'error' without a string 'type'");
        assertInvalid("{\"error\":{\"type\":\"T\"}}", "an 'error' without a string 'message'");
        assertInvalid("{\"error\":{\"type\":\"T\",\"message\":\"m\",\"ok_to_retry\":\"yes\"}}",
                "an 'error' whose 'ok_to_retry' is not a boolean");
        assertInvalid("{\"result\":1,\"log\":[]}", "a 'log' that is not a string");
        assertInvalid("{\"result\":1} {\"result\":2}", "invalid JSON");
        assertInvalid("\u0001garbage", "invalid JSON: '\\u0001garbage'.");
        String longGarbage = "x".repeat(5000);
        assertTrue(interpret(longGarbage).error().message().length() < 400, "quotes only the first bytes");
    }
}
