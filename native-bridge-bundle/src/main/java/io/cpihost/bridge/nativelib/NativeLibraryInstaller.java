package io.cpihost.bridge.nativelib;

import java.io.File;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import io.cpihost.bridge.nativelib.internal.InstalledLibraries;
import io.cpihost.bridge.nativelib.internal.Publisher;

/**
 * Publishes the shared libraries dropped into FileInstall's watched folder, each configured by
 * its optional sidecar {@code <library>.json}. A delayed service: without FileInstall (its
 * package is an optional import) nobody asks for it, so this class is never loaded.
 */
@Component(service = ArtifactInstaller.class)
public final class NativeLibraryInstaller implements ArtifactInstaller {

    private final InstalledLibraries libraries;

    /**
     * Creates the installer.
     *
     * @param bridge the bridge
     */
    @Activate
    public NativeLibraryInstaller(@Reference(service = NativeBridge.class) Publisher bridge) {
        this.libraries = new InstalledLibraries(bridge);
    }

    @Override
    public boolean canHandle(File artifact) {
        return libraries.canHandle(artifact);
    }

    @Override
    public void install(File artifact) {
        libraries.installOrUpdate(artifact);
    }

    @Override
    public void update(File artifact) {
        libraries.installOrUpdate(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        libraries.uninstall(artifact);
    }

    /** Unpublishes and unloads every dropped library. */
    @Deactivate
    void deactivate() {
        libraries.closeAll();
    }
}
