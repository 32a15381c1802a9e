package io.cpihost.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.bridge.nativelib.internal.ExtensionLoader;
import io.cpihost.bridge.nativelib.internal.LoadRequest;
import io.cpihost.bridge.nativelib.internal.ManagedExtension;
import io.cpihost.bridge.nativelib.internal.NativeExtension;
import io.cpihost.registry.internal.RegistryAccess;
import io.cpihost.registry.internal.RegistryCore;

/**
 * Figure (b): a 64-byte JSON echoed by the native bridge's {@code libecho.so} fixture.
 *
 * <ul>
 * <li>{@code rawJna}: the baseline, JNA's {@code Function.invokePointer} on
 * {@code component_handle_rpc} with ready C strings, reading the answer and calling
 * {@code component_free_string}: the least any Java caller of the ABI does.
 * <li>{@code rawJnaNoRead}: the same without reading the answer.
 * <li>{@code rawJnaDirect}: like {@code rawJna}, but through JNA direct mapping
 * ({@code Native.register}) instead of {@code Function.invoke}: not what the bridge does, measured
 * to show what a faster binding would give.
 * <li>{@code bridge}: the bridge's {@code NativeExtension.execute} (JSON write, lock, JNA call,
 * UTF-8 check, JSON parse, free).
 * <li>{@code registry}: {@code RegistryCore.invoke} on top of the bridge: the figure.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NativeEchoBenchmark {

    /** Exactly 64 bytes of UTF-8. */
    static final String JSON_64 = "{\"vm_cid\":\"i-0123456789abcdef0\",\"disk_cid\":\"vol-0a1b2c3d\",\"n\":7}";

    private static final byte[] METHOD = cString("echo");
    private static final byte[] PARAMS = cString(JSON_64);

    private ManagedExtension extension;
    private RegistryCore registry;
    private Map<String, Object> params;

    private NativeLibrary rawLibrary;
    private Function handleRpc;
    private Function freeString;
    private Pointer rawInstance;

    /** Loads the fixture twice: once through the bridge, once by hand with JNA. */
    @Setup
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        if (JSON_64.getBytes(StandardCharsets.UTF_8).length != 64) {
            throw new IllegalStateException("The payload is not 64 bytes.");
        }
        BenchPaths.configureJna();
        Path echo = BenchPaths.nativeFixture("echo");

        extension = ExtensionLoader.load(LoadRequest.of(echo, null, null, "benchmark"),
                BenchPaths.scratch("native-copies"));
        if (!(extension instanceof NativeExtension)) {
            throw new IllegalStateException("The echo fixture did not load: " + extension.healthDetail());
        }
        registry = RegistryAccess.newRegistry();
        RegistryAccess.add(registry, 1, extension);
        params = Map.of("params", new ObjectMapper().readValue(JSON_64, Map.class));

        // The same options as the bridge (RTLD_NOW, local), on the original file: a separate handle.
        rawLibrary = NativeLibrary.getInstance(echo.toAbsolutePath().toString(),
                Map.of(Library.OPTION_OPEN_FLAGS, 2, Library.OPTION_STRING_ENCODING, "UTF-8"));
        handleRpc = rawLibrary.getFunction("component_handle_rpc");
        freeString = rawLibrary.getFunction("component_free_string");
        rawInstance = rawLibrary.getFunction("component_create").invokePointer(new Object[0]);
        rawLibrary.getFunction("component_configure").invokeInt(new Object[] {rawInstance, cString("{}")});
        rawLibrary.getFunction("component_start").invokeInt(new Object[] {rawInstance});
        Native.register(Direct.class, rawLibrary);

        String raw = rawJna();
        if (!JSON_64.equals(rawJnaDirect())) {
            throw new IllegalStateException("The direct mapping does not answer its input: " + rawJnaDirect());
        }
        ActionResult viaRegistry = registry();
        if (!JSON_64.equals(raw) || !viaRegistry.isSuccess() || !params.get("params").equals(viaRegistry.value())) {
            throw new IllegalStateException("The echo does not answer its input: raw " + raw + ", registry "
                    + viaRegistry);
        }
    }

    /** Stops and unloads both. */
    @TearDown
    public void tearDown() {
        extension.close();
        rawLibrary.getFunction("component_stop").invokeInt(new Object[] {rawInstance});
        rawLibrary.getFunction("component_destroy").invokeVoid(new Object[] {rawInstance});
        rawLibrary.dispose();
    }

    /**
     * Baseline: handle_rpc, read the answer, free_string.
     *
     * @return the answer
     */
    @Benchmark
    public String rawJna() {
        Pointer answer = handleRpc.invokePointer(new Object[] {rawInstance, METHOD, PARAMS});
        try {
            return answer.getString(0, "UTF-8");
        } finally {
            freeString.invokeVoid(new Object[] {answer});
        }
    }

    /**
     * The JNA floor: handle_rpc and free_string only.
     *
     * @return the answer's address
     */
    @Benchmark
    public long rawJnaNoRead() {
        Pointer answer = handleRpc.invokePointer(new Object[] {rawInstance, METHOD, PARAMS});
        freeString.invokeVoid(new Object[] {answer});
        return Pointer.nativeValue(answer);
    }

    /**
     * handle_rpc, read, free_string through JNA direct mapping.
     *
     * @return the answer
     */
    @Benchmark
    public String rawJnaDirect() {
        Pointer answer = Direct.component_handle_rpc(rawInstance, METHOD, PARAMS);
        try {
            return answer.getString(0, "UTF-8");
        } finally {
            Direct.component_free_string(answer);
        }
    }

    /** The two functions, bound by JNA direct mapping. */
    static final class Direct {
        private Direct() {
        }

        static native Pointer component_handle_rpc(Pointer instance, byte[] method, byte[] params);

        static native void component_free_string(Pointer text);
    }

    /**
     * The bridge without the registry.
     *
     * @return the result
     */
    @Benchmark
    public ActionResult bridge() {
        return extension.execute("echo", params, CallContext.empty());
    }

    /**
     * The figure: through the registry.
     *
     * @return the result
     */
    @Benchmark
    public ActionResult registry() {
        return registry.invoke("echo", "echo", params, null);
    }

    private static byte[] cString(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }
}
