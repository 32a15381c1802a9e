package io.cpihost.bridge.nativelib.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge's classes in a class loader that has no JNA, as in a framework where the optional
 * import is not wired: they load, and a library is reported unavailable with the reason.
 * Reflection, because the classes under test come from that other loader.
 */
class WithoutJnaTest {

    @TempDir
    Path copies;

    @Test
    void withoutJnaEveryLibraryIsUnavailableWithTheReason() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        URL[] withoutJna = Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("jna-"))
                .map(WithoutJnaTest::url).toArray(URL[]::new);
        try (URLClassLoader loader = new URLClassLoader(withoutJna, ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("com.sun.jna.Native"));
            Class<?> requestType = loader.loadClass(LoadRequest.class.getName());
            Object request = requestType.getMethod("of", Path.class, String.class, String.class, String.class)
                    .invoke(null, Fixtures.kv(), null, null, "configuration");

            Object extension = loader.loadClass(ExtensionLoader.class.getName())
                    .getMethod("load", requestType, Path.class).invoke(null, request, copies);

            assertEquals(UnavailableExtension.class.getName(), extension.getClass().getName());
            assertEquals("libkv.so", extension.getClass().getMethod("name").invoke(extension));
            assertEquals("ERROR", extension.getClass().getMethod("health").invoke(extension).toString());
            assertEquals("Library '" + Fixtures.kv() + "' cannot be loaded: JNA is not available on this platform "
                    + "(java.lang.ClassNotFoundException: com.sun.jna.Native).",
                    extension.getClass().getMethod("healthDetail").invoke(extension));
        }
    }

    private static URL url(String entry) {
        try {
            return new File(entry).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
