package io.cpihost.bridge.nativelib.internal;

/**
 * A native library could not be turned into a working instance; the message is a full sentence
 * naming the library and what went wrong.
 */
public final class NativeLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    NativeLoadException(String message) {
        super(message);
    }

    NativeLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
