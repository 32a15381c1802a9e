package io.cpihost.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** The versioned test provider rewritten with another Bundle-Version, dropped atomically. */
final class VersionedJar {

    private final Path source;

    VersionedJar(Path source) {
        this.source = source;
    }

    /**
     * Writes the jar with the given version to a temporary file beside the watched folder (same
     * file system), ready to be moved in.
     */
    Path prepare(String version, Path scratch) throws IOException {
        Path temp = Files.createTempFile(scratch, "versioned-" + version + "-", ".part");
        try (InputStream raw = Files.newInputStream(source);
                JarInputStream in = new JarInputStream(raw);
                OutputStream out = Files.newOutputStream(temp)) {
            Manifest manifest = in.getManifest();
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (JarOutputStream jar = new JarOutputStream(out, manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    jar.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        }
        return temp;
    }

    /** Moves a prepared jar into the watched folder in one step, replacing what is there. */
    static void drop(Path prepared, Path watched) throws IOException {
        Files.move(prepared, watched.resolve("versioned.jar"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
