package io.cpihost.provider.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.cpihost.api.CpiError;
import io.cpihost.api.bosh.BoshCloudException;

/**
 * The store directory: where every resource lives, and the only place the provider writes.
 *
 * <p>Layout: one directory per resource, {@code <kind>/<cid>/}, holding its record
 * ({@code <kind>.json}) and its data. A resource exists exactly when its record exists: a
 * creation writes the data first and the record last, a deletion removes the record first and
 * the rest after. Records are written atomically (temporary file, fsync, rename, fsync of the
 * directory), so a crash at any point leaves every record either old or new, never torn, and
 * leaves at worst directories without records and temporary files, which {@link #collect}
 * removes on the next start.
 */
final class Store {

    /** Ids the provider accepts: they name directories, so they cannot hold '/', '.' or '..'. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
    /** Suffix of files being written; never state. */
    static final String TEMP_SUFFIX = ".tmp";
    /** The largest record file read; records are small, anything larger is not ours. */
    static final long MAX_RECORD_BYTES = 16L * 1024 * 1024;

    private static final int BLOCK = 1 << 20;

    /** The kinds of resources, each with its directory and record file name. */
    enum Kind {
        STEMCELL("stemcells", "stemcell.json", "Stemcell"),
        VM("vms", "vm.json", "VM"),
        DISK("disks", "disk.json", "Disk"),
        SNAPSHOT("snapshots", "snapshot.json", "Snapshot"),
        NETWORK("networks", "network.json", "Network");

        final String directory;
        final String recordFile;
        final String label;

        Kind(String directory, String recordFile, String label) {
            this.directory = directory;
            this.recordFile = recordFile;
            this.label = label;
        }
    }

    static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    /**
     * Opens (and creates) a store and locks it against a second provider instance.
     *
     * @param directory the store directory, absolute
     * @throws IllegalArgumentException when the directory cannot be used
     */
    Store(Path directory) {
        try {
            Files.createDirectories(directory);
            this.root = directory.toRealPath();
            for (Kind kind : Kind.values()) {
                Files.createDirectories(root.resolve(kind.directory));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("Store directory '" + directory
                    + "' cannot be created or opened: " + e + ".", e);
        }
        try {
            this.lockChannel = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IllegalArgumentException("Store directory '" + root
                    + "' is not writable: " + e + ".", e);
        }
        FileLock acquired = null;
        try {
            acquired = lockChannel.tryLock();
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            acquired = null;
        }
        if (acquired == null) {
            closeQuietly();
            throw new IllegalArgumentException("Store directory '" + root
                    + "' is in use by another local provider instance.");
        }
        this.lock = acquired;
    }

    /** Releases the store's lock. */
    void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // The channel is closed next, which releases the lock anyway.
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            lockChannel.close();
        } catch (IOException e) {
            // Nothing to do: the lock goes with the process.
        }
    }

    Path root() {
        return root;
    }

    /** The directory of all resources of a kind. */
    Path directory(Kind kind) {
        return root.resolve(kind.directory);
    }

    /**
     * The directory of one resource.
     *
     * @throws IllegalStateException when the id is not a valid id (callers check first)
     */
    Path directory(Kind kind, String cid) {
        if (cid == null || !ID.matcher(cid).matches()) {
            throw new IllegalStateException("Id '" + cid + "' was not validated.");
        }
        Path path = root.resolve(kind.directory).resolve(cid).normalize();
        if (!path.getParent().equals(root.resolve(kind.directory))) {
            throw new IllegalStateException("Id '" + cid + "' escapes the store.");
        }
        return path;
    }

    Path record(Kind kind, String cid) {
        return directory(kind, cid).resolve(kind.recordFile);
    }

    // ------------------------------------------------------------------ atomic writes

    /** Writes a value as JSON, atomically and durably. */
    void writeJson(Path file, Object value) throws IOException {
        write(file, JSON.writeValueAsBytes(value));
    }

    /** Writes bytes atomically and durably: temporary file, fsync, rename, fsync directory. */
    static void write(Path file, byte[] bytes) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("The file system of '" + file
                        + "' cannot rename atomically; the store needs a local file system.", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(file.getParent());
    }

    /** Makes a directory's entries (a rename, a new file) durable. */
    static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories; the rename is atomic either way.
        }
    }

    /** Reads a JSON record, bounded in size. */
    <T> T readJson(Path file, Class<T> type) throws IOException {
        long size = Files.size(file);
        if (size > MAX_RECORD_BYTES) {
            throw new IOException("Record '" + file + "' is " + size + " bytes, more than the "
                    + MAX_RECORD_BYTES + " a record may have.");
        }
        return JSON.readValue(Files.readAllBytes(file), type);
    }

    // ------------------------------------------------------------------ data files

    /**
     * Copies a file into the store, computing its SHA-256 and refusing more than a limit.
     *
     * @return the checksum as lower-case hex
     */
    static String copyWithChecksum(Path source, Path target, long maxBytes, String what)
            throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK lacks SHA-256.", e);
        }
        long copied = 0;
        byte[] buffer = new byte[BLOCK];
        try (InputStream in = new DigestInputStream(Files.newInputStream(source), digest);
                OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
            for (int n; (n = in.read(buffer)) > 0;) {
                copied += n;
                if (copied > maxBytes) {
                    throw new BoshCloudException(CpiError.INVALID_PARAMETER, what
                            + " is larger than " + maxBytes / (1024 * 1024)
                            + " MiB, the limit (maxStemcellSizeMib).");
                }
                out.write(buffer, 0, n);
            }
        }
        force(target);
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Creates a sparse file of a size. */
    static void createSparse(Path file, long bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(bytes);
            raf.getFD().sync();
        }
    }

    /** Grows a file, keeping it sparse. */
    static void grow(Path file, long bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (raf.length() < bytes) {
                raf.setLength(bytes);
            }
            raf.getFD().sync();
        }
    }

    /** Copies a file, leaving blocks of zeros as holes so that sparse disks stay sparse. */
    static void copySparse(Path source, Path target) throws IOException {
        byte[] block = new byte[BLOCK];
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
            long size = in.size();
            long position = 0;
            while (position < size) {
                ByteBuffer buffer = ByteBuffer.wrap(block, 0, (int) Math.min(BLOCK, size - position));
                int read = 0;
                while (buffer.hasRemaining()) {
                    int n = in.read(buffer, position + read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
                if (!allZero(block, read)) {
                    ByteBuffer data = ByteBuffer.wrap(block, 0, read);
                    long at = position;
                    while (data.hasRemaining()) {
                        at += out.write(data, at);
                    }
                }
                if (read == 0) {
                    break;
                }
                position += read;
            }
            if (out.size() < size) {
                // Trailing holes: one zero byte at the end sets the size without filling them.
                out.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
            out.force(true);
        }
    }

    private static boolean allZero(byte[] block, int length) {
        for (int i = 0; i < length; i++) {
            if (block[i] != 0) {
                return false;
            }
        }
        return true;
    }

    static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Deletes a directory tree, not following links. */
    static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                    throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ------------------------------------------------------------------ start-up

    /**
     * Removes what a crash left behind: temporary files, and resource directories without a
     * record (a creation that did not finish, or a deletion that did not).
     *
     * @return what was removed, for the log
     */
    List<Path> collect() throws IOException {
        List<Path> removed = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory(kind))) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    boolean valid = Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                            && ID.matcher(name).matches();
                    if (!valid || !Files.exists(entry.resolve(kind.recordFile))) {
                        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                            deleteTree(entry);
                        } else {
                            Files.deleteIfExists(entry);
                        }
                        removed.add(entry);
                        continue;
                    }
                    try (DirectoryStream<Path> files = Files.newDirectoryStream(entry,
                            "*" + TEMP_SUFFIX)) {
                        for (Path temp : files) {
                            Files.deleteIfExists(temp);
                            removed.add(temp);
                        }
                    }
                }
            }
        }
        return removed;
    }

    /** The ids of every resource of a kind that has a record. */
    List<String> ids(Kind kind) throws IOException {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory(kind))) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (ID.matcher(name).matches() && Files.isRegularFile(entry.resolve(kind.recordFile),
                        LinkOption.NOFOLLOW_LINKS)) {
                    ids.add(name);
                }
            }
        }
        ids.sort(null);
        return ids;
    }
}
