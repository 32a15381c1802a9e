package io.cpihost.bridge.nativelib.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a {@link LoadRequest} into an extension: a started {@link NativeExtension}, or an
 * {@link UnavailableExtension} carrying the specific reason. Touches JNA only after checking
 * that it is available.
 */
public final class ExtensionLoader {

    private static final Logger LOG = System.getLogger(ExtensionLoader.class.getName());

    private ExtensionLoader() {
    }

    /**
     * Loads a native instance; never throws.
     *
     * @param request what to load
     * @param copyDirectory where the private copy of the library goes
     * @return the started instance, or a placeholder saying why there is none
     */
    public static ManagedExtension load(LoadRequest request, Path copyDirectory) {
        String library = request.library().toString();
        if (request.problem() != null) {
            return failed(request, request.problem());
        }
        Optional<String> jna = JnaSupport.unavailableReason();
        if (jna.isPresent()) {
            return failed(request, "Library '" + library + "' cannot be loaded: " + jna.get());
        }
        String config = request.configJson() == null || request.configJson().isBlank() ? "{}"
                : request.configJson().strip();
        try {
            Json.parseObject(config);
        } catch (IllegalArgumentException e) {
            return failed(request, "The " + request.configSource() + " for library '" + library
                    + "' is unusable: " + e.getMessage() + ".");
        }
        try {
            NativeExtension extension = NativeExtension.start(request.library(), request.name(), config,
                    copyDirectory);
            LOG.log(Level.INFO, "Native extension ''{0}'' {1} added from library ''{2}''.", extension.name(),
                    extension.info().version(), library);
            return extension;
        } catch (NativeLoadException e) {
            return failed(request, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.ERROR, "Library '" + library + "' failed while loading.", e);
            return failed(request, "Library '" + library + "' failed while loading: " + e + ".");
        }
    }

    private static ManagedExtension failed(LoadRequest request, String message) {
        LOG.log(Level.WARNING, "Native extension ''{0}'' is unavailable: {1}", request.fallbackName(), message);
        return new UnavailableExtension(request.fallbackName(), request.library().toString(), message);
    }
}
