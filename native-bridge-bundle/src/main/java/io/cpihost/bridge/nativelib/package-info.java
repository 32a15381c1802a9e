/**
 * The native bridge: shared libraries implementing the C ABI of
 * {@code include/cpihost_component.h}, loaded with JNA and published as
 * {@link io.cpihost.api.CpiExtension} services of provider type
 * {@value io.cpihost.api.CpiExtension#TYPE_NATIVE}.
 *
 * <p>Instances come from ConfigAdmin factory configurations ({@link NativeExtensionComponent})
 * and from libraries dropped into FileInstall's watched folder ({@link NativeLibraryInstaller}).
 * {@link NativeBridge} always starts, also without JNA, and says why native extensions are
 * unavailable. Nothing here is exported: the bundle only publishes services.
 */
package io.cpihost.bridge.nativelib;
