package io.cpihost.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the assembled distribution as a user does: {@code java -jar cpihost.jar}, commands piped
 * on standard input.
 */
class DistributionIT {

    private static final Path DIST = Path.of(System.getProperty("cpihost.dist", "target/cpihost"));

    @TempDir
    Path work;

    record Run(int exit, String out, String err) {
    }

    private Run launch(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.io.tmpdir=" + work);
        command.add("-jar");
        command.add(DIST.resolve("cpihost.jar").toAbsolutePath().toString());
        command.addAll(List.of(args));
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        Process process = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("The platform did not exit; stderr:\n" + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void pipedScriptRunsOnceReadyAndEndOfInputStopsCleanly() throws Exception {
        Run run = launch(String.join("\n",
                "cpi:list",
                "cpi:call memory info",
                "cpi:call memory has_vm vm_cid=vm-x",
                "cpi:call memory create_disk '{\"size\": 0, \"cloud_properties\": {}}'",
                "cpi:call ghost info",
                "cpi:info example",
                ""));
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("memory") && run.out().contains("ACTIVE"), run.out());
        assertTrue(run.out().contains("example"), "the example provider is deployed:\n" + run.out());
        assertTrue(run.out().contains("\"api_version\" : 2"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.equals("false")), "has_vm of an unknown VM:\n" + run.out());
        assertTrue(run.out().contains("ERROR InvalidParameter"), "size 0 is refused:\n" + run.out());
        assertTrue(run.out().contains("ERROR NotFound: No extension named 'ghost'"), run.out());
        assertTrue(run.err().contains("CPI Host ready in"), run.err());
        assertTrue(Files.isDirectory(work.resolve("extensions")), "the watched folder is created");
        try (var leftovers = Files.list(work)) {
            assertTrue(leftovers.noneMatch(p -> p.getFileName().toString().startsWith("cpihost-fw-")),
                    "framework storage is removed on exit");
        }
    }

    @Test
    void configurationInTheWatchedFolderIsAppliedBeforeTheFirstCommand() throws Exception {
        Path extensions = Files.createDirectories(work.resolve("drop"));
        Files.writeString(extensions.resolve("io.cpihost.provider.memory.cfg"), "name=scratch\n");
        Run run = launch("cpi:list\n", "--extensions", extensions.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("scratch"), "the .cfg renamed the memory provider:\n" + run.out());
    }

    @Test
    void aRestartBringsBackWhatIsInTheFolderOnceAndForgetsWhatWasRemoved() throws Exception {
        Path extensions = Files.createDirectories(work.resolve("watched"));
        Files.copy(Path.of(System.getProperty("cpihost.versioned")), extensions.resolve("versioned.jar"));
        Files.copy(DIST.resolve("examples/libkv.so"), extensions.resolve("libkv.so"));
        String script = "cpi:list\ncpi:call kv kv.put key=a value=b\n";

        Run first = launch(script, "--extensions", extensions.toString());
        assertEquals(0, first.exit(), first.err());
        assertEquals(1, occurrences(first.out(), "\nversioned "), first.out());
        assertEquals(1, occurrences(first.out(), "\nkv "), first.out());

        Files.delete(extensions.resolve("libkv.so"));
        Run second = launch(script + "cpi:deployments -a\n", "--extensions", extensions.toString());
        assertEquals(0, second.exit(), second.err());
        assertEquals(1, occurrences(second.out(), "\nversioned "), "versioned comes back, once:\n" + second.out());
        assertEquals(0, occurrences(second.out(), "\nkv "), "kv was removed while down:\n" + second.out());
        assertTrue(second.out().contains("ERROR NotFound: No extension named 'kv'"), second.out());
        assertTrue(second.out().contains("1 files, 0 with problems"), second.out());
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    @Test
    void theShippedExamplesConform() throws Exception {
        Path extensions = Files.createDirectories(work.resolve("examples-drop"));
        Files.copy(DIST.resolve("examples/libkv.so"), extensions.resolve("libkv.so"));
        Files.copy(DIST.resolve("examples/io.cpihost.provider.local-default.cfg"),
                extensions.resolve("io.cpihost.provider.local-default.cfg"));
        Run run = launch("cpi:verify local\ncpi:verify kv\ncpi:deployments\n", "--extensions", extensions.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("conformance local: ") && run.out().contains("conformance kv: "), run.out());
        assertEquals(2, occurrences(run.out(), " 0 failed"), run.out() + run.err());
        assertTrue(run.out().contains("0 with problems"), run.out());
        assertTrue(Files.isDirectory(work.resolve("local-store")), "the store lies in the working directory");
    }

    @Test
    void testExtensionPassesForAGoodProviderAndFailsForAMissingOne() throws Exception {
        Run pass = launch("", "--test-extension", "memory");
        assertEquals(0, pass.exit(), pass.out() + pass.err());
        assertTrue(pass.out().contains(" 0 failed"), pass.out());

        Run missing = launch("", "--test-extension", "nope", "--test-timeout", "1");
        assertEquals(Main.EXIT_TEST_FAILED, missing.exit());
        assertTrue(missing.err().contains("'nope' did not register within 1 s"), missing.err());
    }

    @Test
    void unknownOptionIsRefusedWithUsage() throws Exception {
        Run run = launch("", "--bogus");
        assertEquals(Main.EXIT_START_FAILED, run.exit());
        assertTrue(run.err().contains("Unknown option '--bogus'") && run.err().contains("Usage:"), run.err());
    }
}
