package io.cpihost.bridge.nativelib.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The libraries dropped into a watched folder and their instances, keyed by canonical path.
 *
 * <p>Idempotent: installing a known library whose file and sidecar are unchanged keeps the
 * running instance (FileInstall reports every existing file as installed again after a
 * restart); a changed one is replaced. A sidecar {@code <library>.json} holds the JSON object
 * passed to {@code component_configure}; adding, changing or removing it reloads its library.
 */
public final class InstalledLibraries {

    /** The most a sidecar file may hold. */
    static final long MAX_SIDECAR_BYTES = 1024 * 1024;

    private static final Logger LOG = System.getLogger(InstalledLibraries.class.getName());
    private static final String SIDECAR_SUFFIX = ".json";

    private final Publisher publisher;
    private final Map<Path, Installed> installed = new LinkedHashMap<>();

    /**
     * Creates an empty set.
     *
     * @param publisher loads and publishes instances
     */
    public InstalledLibraries(Publisher publisher) {
        this.publisher = publisher;
    }

    /**
     * Whether the file is a shared library ({@code .so}, {@code .dylib}, {@code .dll}).
     *
     * @param file a file
     * @return true for a library name
     */
    public static boolean isLibrary(File file) {
        String name = file.getName().toLowerCase(Locale.ROOT);
        return name.endsWith(".so") || name.endsWith(".dylib") || name.endsWith(".dll");
    }

    /**
     * Whether the file is the sidecar configuration of a library ({@code libkv.so.json}).
     *
     * @param file a file
     * @return true for a sidecar name
     */
    public static boolean isSidecar(File file) {
        String name = file.getName();
        return name.endsWith(SIDECAR_SUFFIX)
                && isLibrary(new File(name.substring(0, name.length() - SIDECAR_SUFFIX.length())));
    }

    /**
     * Whether this set handles the file: a library or a library's sidecar.
     *
     * @param file a file
     * @return true when it does
     */
    public boolean canHandle(File file) {
        return isLibrary(file) || isSidecar(file);
    }

    /**
     * A library or its sidecar appeared or changed: (re)load the library unless nothing changed.
     *
     * @param file the library or sidecar
     */
    public synchronized void installOrUpdate(File file) {
        Path library = libraryOf(file);
        if (!Files.isRegularFile(library)) {
            // a sidecar whose library is not there (yet): the library's install reads it
            return;
        }
        Path sidecar = sidecarOf(library);
        byte[] digest = digest(library, sidecar);
        Installed known = installed.get(library);
        if (known != null && digest != null && Arrays.equals(known.digest, digest)) {
            LOG.log(Level.DEBUG, "Library ''{0}'' is unchanged; its instance stays.", library);
            return;
        }
        if (known != null) {
            installed.remove(library);
            known.publication.close();
        }
        installed.put(library, new Installed(publisher.publish(request(library, sidecar)), digest));
    }

    /**
     * A library or its sidecar was deleted: remove the instance, or reload it without the sidecar.
     *
     * @param file the library or sidecar
     */
    public synchronized void uninstall(File file) {
        Path library = libraryOf(file);
        if (isSidecar(file)) {
            if (installed.containsKey(library)) {
                installOrUpdate(library.toFile());
            }
            return;
        }
        Installed known = installed.remove(library);
        if (known != null) {
            known.publication.close();
        }
    }

    /** Removes every instance. */
    public synchronized void closeAll() {
        for (Installed entry : installed.values()) {
            entry.publication.close();
        }
        installed.clear();
    }

    /**
     * The instance of an installed library.
     *
     * @param library the library file (any spelling of its path)
     * @return the extension, or empty when the library is not installed
     */
    public synchronized Optional<ManagedExtension> extension(File library) {
        Installed entry = installed.get(canonical(library));
        return entry == null ? Optional.empty() : Optional.of(entry.publication.extension());
    }

    private static LoadRequest request(Path library, Path sidecar) {
        String source = "sidecar '" + sidecar + "'";
        if (!Files.exists(sidecar)) {
            return LoadRequest.of(library, null, null, source);
        }
        try {
            if (Files.size(sidecar) > MAX_SIDECAR_BYTES) {
                return new LoadRequest(library, null, null, source, "The " + source + " for library '"
                        + library + "' is larger than " + MAX_SIDECAR_BYTES + " bytes.");
            }
            return LoadRequest.of(library, null, Files.readString(sidecar, StandardCharsets.UTF_8), source);
        } catch (IOException e) {
            return new LoadRequest(library, null, null, source, "The " + source + " for library '" + library
                    + "' could not be read: " + e + ".");
        }
    }

    private static Path libraryOf(File file) {
        Path path = canonical(file);
        if (isSidecar(file)) {
            String name = path.getFileName().toString();
            return path.resolveSibling(name.substring(0, name.length() - SIDECAR_SUFFIX.length()));
        }
        return path;
    }

    private static Path sidecarOf(Path library) {
        return library.resolveSibling(library.getFileName() + SIDECAR_SUFFIX);
    }

    private static Path canonical(File file) {
        try {
            return file.getCanonicalFile().toPath();
        } catch (IOException e) {
            return file.getAbsoluteFile().toPath().normalize();
        }
    }

    /** SHA-256 over the library and the sidecar (if any); null when a file cannot be read. */
    private static byte[] digest(Path library, Path sidecar) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, library);
            digest.update((byte) 0);
            if (Files.exists(sidecar)) {
                update(digest, sidecar);
            }
            return digest.digest();
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }

    private static void update(MessageDigest digest, Path file) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
    }

    private static final class Installed {
        final Publication publication;
        final byte[] digest;

        Installed(Publication publication, byte[] digest) {
            this.publication = publication;
            this.digest = digest;
        }
    }
}
