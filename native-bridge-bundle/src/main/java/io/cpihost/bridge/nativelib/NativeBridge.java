package io.cpihost.bridge.nativelib;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import io.cpihost.bridge.nativelib.internal.ExtensionLoader;
import io.cpihost.bridge.nativelib.internal.JnaSupport;
import io.cpihost.bridge.nativelib.internal.LoadRequest;
import io.cpihost.bridge.nativelib.internal.ManagedExtension;
import io.cpihost.bridge.nativelib.internal.Publication;
import io.cpihost.bridge.nativelib.internal.Publisher;

/**
 * The bridge itself; always starts, also without JNA. It says once whether JNA works, owns the
 * folder of private library copies (emptied on start: nothing in it survives a restart) and
 * loads and publishes instances for {@link NativeExtensionComponent} and
 * {@link NativeLibraryInstaller}.
 */
@Component(service = NativeBridge.class, immediate = true)
public final class NativeBridge implements Publisher {

    private static final Logger LOG = System.getLogger(NativeBridge.class.getName());

    private final BundleContext context;
    private final Path copies;

    /**
     * Prepares the copy folder and checks JNA.
     *
     * @param context the bundle context
     */
    @Activate
    public NativeBridge(BundleContext context) {
        this.context = context;
        File data = context.getDataFile("copies");
        this.copies = data != null ? data.toPath()
                : Path.of(System.getProperty("java.io.tmpdir"), "cpihost-native-" + context.getBundle().getBundleId());
        deleteStaleCopies(copies);
        keepJnaOutOfHome(context);
        Optional<String> jna = JnaSupport.unavailableReason();
        if (jna.isPresent()) {
            LOG.log(Level.WARNING, jna.get() + " Native extensions cannot be loaded; each configured or dropped"
                    + " library is listed in state ERROR with this reason.");
        } else {
            LOG.log(Level.INFO, "Native bridge ready; private library copies go to ''{0}''.", copies);
        }
    }

    /**
     * Why native extensions cannot load here.
     *
     * @return "JNA is not available on this platform ...", or empty when JNA works
     */
    public Optional<String> unavailableReason() {
        return JnaSupport.unavailableReason();
    }

    @Override
    public Publication publish(LoadRequest request) {
        ManagedExtension extension = ExtensionLoader.load(request, copies);
        return Publication.register(context, extension);
    }

    // JNA unpacks its dispatch library to ~/.cache/JNA unless told otherwise (BUILD-NOTES); a
    // launcher's -Djna.tmpdir wins, and this only helps when JNA is not initialized yet.
    private static void keepJnaOutOfHome(BundleContext context) {
        File jna = context.getDataFile("jna");
        if (System.getProperty("jna.tmpdir") == null && jna != null && (jna.isDirectory() || jna.mkdirs())) {
            System.setProperty("jna.tmpdir", jna.getAbsolutePath());
        }
    }

    private static void deleteStaleCopies(Path copies) {
        if (!Files.isDirectory(copies)) {
            return;
        }
        try (Stream<Path> files = Files.walk(copies)) {
            files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(copies)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "Stale library copy ''{0}'' could not be deleted: {1}", p, e);
                }
            });
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Stale library copies in ''{0}'' could not be listed: {1}", copies, e);
        }
    }
}
