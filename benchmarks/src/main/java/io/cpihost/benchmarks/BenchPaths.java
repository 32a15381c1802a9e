package io.cpihost.benchmarks;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things are: derived from the location of the benchmark classes ({@code
 * benchmarks/target/benchmarks.jar} or {@code benchmarks/target/classes}), each overridable by a
 * system property.
 */
public final class BenchPaths {

    private BenchPaths() {
    }

    /**
     * {@code benchmarks/target}: scratch files (JNA's temp folder, library copies, platform runs).
     *
     * @return the folder
     */
    public static Path target() {
        String property = System.getProperty("cpihost.bench.target");
        if (property != null) {
            return Path.of(property).toAbsolutePath();
        }
        try {
            Path code = Path.of(BenchPaths.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.toAbsolutePath().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the benchmark classes: " + e, e);
        }
    }

    /**
     * The repository root.
     *
     * @return the folder holding the modules
     */
    public static Path repository() {
        String property = System.getProperty("cpihost.repo");
        return property != null ? Path.of(property).toAbsolutePath() : target().getParent().getParent();
    }

    /**
     * A fixture library of the native bridge's build.
     *
     * @param name the short name, such as {@code echo}
     * @return the existing library file
     */
    public static Path nativeFixture(String name) {
        String dir = System.getProperty("cpihost.native.fixtures");
        Path folder = dir != null ? Path.of(dir) : repository().resolve("native-bridge-bundle/target/fixtures");
        return existing(folder.resolve("lib" + name + ".so"), "mvn -B -q install -DskipTests -pl native-bridge-bundle -am");
    }

    /**
     * The built distribution.
     *
     * @return {@code run/target/cpihost}
     */
    public static Path distribution() {
        String dir = System.getProperty("cpihost.dist");
        Path folder = dir != null ? Path.of(dir) : repository().resolve("run/target/cpihost");
        existing(folder.resolve("cpihost.jar"), "mvn -B -q package -DskipTests -pl run -am");
        return folder.toAbsolutePath();
    }

    /**
     * The versioned test provider's jar.
     *
     * @return the jar
     */
    public static Path versionedJar() {
        String file = System.getProperty("cpihost.versioned.jar");
        Path jar = file != null ? Path.of(file)
                : repository().resolve("test-bundles/versioned/target/testbundle.versioned-1.0.0-SNAPSHOT.jar");
        return existing(jar, "mvn -B -q package -DskipTests -pl test-bundles/versioned -am");
    }

    /**
     * A scratch folder under {@link #target()}, created.
     *
     * @param name the folder name
     * @return the folder
     */
    public static Path scratch(String name) {
        Path folder = target().resolve(name);
        try {
            Files.createDirectories(folder);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot create " + folder + ": " + e, e);
        }
        return folder;
    }

    /**
     * Points JNA's temporary folder into {@code target/}, before JNA loads, unless set already.
     */
    public static void configureJna() {
        if (System.getProperty("jna.tmpdir") == null) {
            System.setProperty("jna.tmpdir", scratch("jna").toString());
        }
    }

    private static Path existing(Path file, String build) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file.toAbsolutePath() + " does not exist; build it first: " + build);
        }
        return file;
    }
}
