package io.cpihost.bridge.nativelib.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * One loaded copy of a component library and (after {@link #create()}) its one instance: the
 * ABI of {@code cpihost_component.h} as Java methods. Not thread-safe: the caller serializes.
 *
 * <p>Every string the component returns is freed with {@code component_free_string} before the
 * method that received it returns, whatever happens to its content.
 */
final class NativeComponent {

    /** The nine symbols every component exports, in the header's order. */
    static final List<String> REQUIRED_SYMBOLS = List.of("component_create", "component_destroy",
            "component_configure", "component_start", "component_stop", "component_status",
            "component_info", "component_handle_rpc", "component_free_string");

    /** The most a returned string may hold. */
    static final int MAX_STRING_BYTES = 16 * 1024 * 1024;

    private static final int RTLD_NOW = 2;
    private static final int RTLD_LOCAL_DARWIN = 4;

    private final String library;
    private final Path copy;
    private final NativeLibrary nativeLibrary;
    private final Function create;
    private final Function destroy;
    private final Function configure;
    private final Function start;
    private final Function stop;
    private final Function status;
    private final Function info;
    private final Function handleRpc;
    private final Function freeString;
    private final Function lastError;
    private final Function describe;
    private Pointer instance;
    private boolean unloaded;

    private NativeComponent(String library, Path copy, NativeLibrary nativeLibrary, Map<String, Function> functions) {
        this.library = library;
        this.copy = copy;
        this.nativeLibrary = nativeLibrary;
        this.create = functions.get("component_create");
        this.destroy = functions.get("component_destroy");
        this.configure = functions.get("component_configure");
        this.start = functions.get("component_start");
        this.stop = functions.get("component_stop");
        this.status = functions.get("component_status");
        this.info = functions.get("component_info");
        this.handleRpc = functions.get("component_handle_rpc");
        this.freeString = functions.get("component_free_string");
        this.lastError = functions.get("component_last_error");
        this.describe = functions.get("component_describe");
    }

    /**
     * Copies the library into {@code copyDirectory}, loads the copy and checks every required
     * symbol.
     *
     * @param library the library file as the operator gave it
     * @param copyDirectory where the private copy goes
     * @return the loaded library, without an instance yet
     * @throws NativeLoadException when the file cannot be copied or loaded, or lacks symbols
     *         (all missing ones are named)
     */
    static NativeComponent load(Path library, Path copyDirectory) throws NativeLoadException {
        String shown = library.toString();
        Path copy = privateCopy(library, copyDirectory);
        NativeLibrary nativeLibrary;
        try {
            Map<String, Object> options = new HashMap<>();
            options.put(Library.OPTION_STRING_ENCODING, StandardCharsets.UTF_8.name());
            options.put(Library.OPTION_CLASSLOADER, NativeComponent.class.getClassLoader());
            // RTLD_NOW: an unresolved symbol fails here, not as a crash at the first call.
            // RTLD_LOCAL (JNA's default is GLOBAL): two components exporting the same names
            // must not resolve to each other's functions.
            options.put(Library.OPTION_OPEN_FLAGS, Platform.isMac() ? RTLD_NOW | RTLD_LOCAL_DARWIN : RTLD_NOW);
            nativeLibrary = NativeLibrary.getInstance(copy.toAbsolutePath().toString(), options);
        } catch (UnsatisfiedLinkError e) {
            deleteQuietly(copy);
            throw new NativeLoadException("Library '" + shown + "' could not be loaded: "
                    + firstLine(e.getMessage()) + ".", e);
        }
        Map<String, Function> functions = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String symbol : REQUIRED_SYMBOLS) {
            Function function = lookup(nativeLibrary, symbol);
            if (function == null) {
                missing.add(symbol);
            } else {
                functions.put(symbol, function);
            }
        }
        if (!missing.isEmpty()) {
            nativeLibrary.dispose();
            deleteQuietly(copy);
            throw new NativeLoadException("Library '" + shown + "' does not export the required "
                    + (missing.size() == 1 ? "symbol " : "symbols ") + String.join(", ", missing) + ".");
        }
        for (String symbol : List.of("component_last_error", "component_describe")) {
            Function function = lookup(nativeLibrary, symbol);
            if (function != null) {
                functions.put(symbol, function);
            }
        }
        return new NativeComponent(shown, copy, nativeLibrary, functions);
    }

    private static Path privateCopy(Path library, Path copyDirectory) throws NativeLoadException {
        String shown = library.toString();
        if (!Files.exists(library)) {
            throw new NativeLoadException("Library '" + shown + "' does not exist.");
        }
        if (!Files.isRegularFile(library)) {
            throw new NativeLoadException("Library '" + shown + "' is not a regular file.");
        }
        if (!Files.isReadable(library)) {
            throw new NativeLoadException("Library '" + shown + "' is not readable.");
        }
        Path copy = null;
        try {
            Files.createDirectories(copyDirectory);
            copy = Files.createTempFile(copyDirectory, "copy-", "-" + library.getFileName());
            Files.copy(library, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return copy;
        } catch (IOException | RuntimeException e) {
            if (copy != null) {
                deleteQuietly(copy);
            }
            throw new NativeLoadException("Library '" + shown + "' could not be copied to '" + copyDirectory
                    + "' for loading: " + e + ".", e);
        }
    }

    private static Function lookup(NativeLibrary nativeLibrary, String symbol) {
        try {
            return nativeLibrary.getFunction(symbol);
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }

    /** The library as the operator gave it. */
    String library() {
        return library;
    }

    /** The private copy that is actually mapped. */
    Path copy() {
        return copy;
    }

    boolean hasDescribe() {
        return describe != null;
    }

    boolean hasLastError() {
        return lastError != null;
    }

    /** {@code component_create}; false when it returned NULL. */
    boolean create() {
        instance = create.invokePointer(new Object[0]);
        return instance != null;
    }

    /** {@code component_configure}: 0 ok, -1 error. */
    int configure(String configJson) {
        return configure.invokeInt(new Object[] {instance, cString(configJson)});
    }

    /** {@code component_start}: 0 ok, -1 error. */
    int start() {
        return start.invokeInt(new Object[] {instance});
    }

    /** {@code component_stop}: 0 ok, -1 error. */
    int stop() {
        return stop.invokeInt(new Object[] {instance});
    }

    /** {@code component_status}: 0 to 3, or -1. */
    int status() {
        return status.invokeInt(new Object[] {instance});
    }

    /** {@code component_info}; null when it returned NULL. */
    String info() throws InvalidTextException {
        return take(info.invokePointer(new Object[] {instance}), "component_info");
    }

    /** {@code component_describe}; null when it returned NULL or is not exported. */
    String describe() throws InvalidTextException {
        return describe == null ? null : take(describe.invokePointer(new Object[] {instance}), "component_describe");
    }

    /** {@code component_last_error}; null when it returned NULL or is not exported. */
    String lastError() throws InvalidTextException {
        return lastError == null ? null : take(lastError.invokePointer(new Object[] {instance}), "component_last_error");
    }

    /** {@code component_handle_rpc}; null when it returned NULL. */
    String handleRpc(String method, String paramsJson) throws InvalidTextException {
        Pointer result = handleRpc.invokePointer(new Object[] {instance, cString(method), cString(paramsJson)});
        return take(result, "component_handle_rpc");
    }

    /** {@code component_destroy}, once, when an instance was created. */
    void destroy() {
        if (instance != null) {
            Pointer handle = instance;
            instance = null;
            destroy.invokeVoid(new Object[] {handle});
        }
    }

    /** Unloads the library (dlclose) and deletes the private copy. Call after {@link #destroy()}. */
    void unload() {
        if (!unloaded) {
            unloaded = true;
            nativeLibrary.dispose();
            deleteQuietly(copy);
        }
    }

    // A NUL-terminated UTF-8 byte array: JNA passes it as a pointer to a temporary copy, which
    // needs no native allocation and no cleaner, unlike a String argument.
    private static byte[] cString(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }

    private String take(Pointer text, String function) throws InvalidTextException {
        if (text == null) {
            return null;
        }
        try {
            long length = text.indexOf(0, (byte) 0);
            if (length > MAX_STRING_BYTES) {
                throw new InvalidTextException(function + " returned " + length
                        + " bytes, more than the limit of " + MAX_STRING_BYTES + " bytes");
            }
            byte[] bytes = text.getByteArray(0, (int) length);
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new InvalidTextException(function + " returned text that is not valid UTF-8");
            }
        } finally {
            freeString.invokeVoid(new Object[] {text});
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        String line = message.strip();
        int end = line.indexOf('\n');
        line = end < 0 ? line : line.substring(0, end);
        return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            System.getLogger(NativeComponent.class.getName()).log(System.Logger.Level.WARNING,
                    "The private copy ''{0}'' could not be deleted: {1}", file, e);
        }
    }

    /** A returned string was too large or not UTF-8; it has been freed. */
    static final class InvalidTextException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidTextException(String message) {
            super(message);
        }
    }
}
