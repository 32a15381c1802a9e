package io.cpihost.bridge.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

import io.cpihost.api.CpiExtension.Health;
import io.cpihost.bridge.nativelib.internal.LoadRequest;
import io.cpihost.bridge.nativelib.internal.Publication;
import io.cpihost.bridge.nativelib.internal.UnavailableExtension;

class NativeExtensionComponentTest {

    private final List<LoadRequest> requests = new ArrayList<>();
    private final List<UnavailableExtension> published = new ArrayList<>();

    private NativeExtensionComponent activate(Map<String, Object> properties) {
        NativeExtensionComponent.Config config = Converters.standardConverter().convert(properties)
                .to(NativeExtensionComponent.Config.class);
        return new NativeExtensionComponent(request -> {
            requests.add(request);
            UnavailableExtension extension = new UnavailableExtension(request.fallbackName(),
                    request.library().toString(), "test");
            published.add(extension);
            return Publication.unregistered(extension);
        }, config);
    }

    @Test
    void passesLibraryNameAndConfiguration() {
        NativeExtensionComponent component = activate(Map.of("library", " /opt/cpi/libkv.so ", "name", "store",
                "config", "{\"max_keys\": 3}"));

        assertEquals(List.of(LoadRequest.of(Path.of("/opt/cpi/libkv.so"), "store", "{\"max_keys\": 3}",
                "configuration (property 'config')")), requests);
        assertEquals("store", published.get(0).name());
        component.deactivate();
    }

    @Test
    void withoutANameTheLibraryFileNameStandsInUntilLoaded() {
        activate(Map.of("library", "/opt/cpi/libkv.so")).deactivate();

        assertEquals("{}", requests.get(0).configJson());
        assertEquals("libkv.so", requests.get(0).fallbackName());
        assertEquals(Health.ERROR, published.get(0).health());
    }

    @Test
    void aConfigurationWithoutLibraryIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> activate(Map.of("library", " ", "name", "store")));
        assertTrue(e.getMessage().contains("has no 'library' path"), e.getMessage());
        assertEquals(List.of(), requests);
    }
}
