package io.cpihost.bridge.process.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Ends a process and everything it started: SIGTERM to the whole tree, a grace period, then
 * SIGKILL to whatever is left.
 *
 * <p>The descendants are collected before anything is signalled: once a parent dies its
 * children are re-parented and no longer show up as its descendants.
 */
final class ProcessTree {

    private static final System.Logger LOG = System.getLogger(ProcessTree.class.getName());
    private static final long POLL_MILLIS = 10;
    private static final Duration AFTER_KILL = Duration.ofSeconds(2);

    private ProcessTree() {
    }

    /**
     * Terminates a process tree and waits until it is gone. Runs to the end even when the
     * calling thread is interrupted, and then restores the interrupt.
     *
     * @param root the process at the top of the tree
     * @param grace how long the tree may take to exit after SIGTERM
     */
    static void terminate(ProcessHandle root, Duration grace) {
        boolean[] interrupted = {Thread.interrupted()};
        try {
            Set<ProcessHandle> tree = snapshot(List.of(root));
            tree.forEach(ProcessHandle::destroy);
            if (!awaitExit(tree, grace, interrupted)) {
                // Someone ignored SIGTERM; anything it started since then goes too.
                Set<ProcessHandle> survivors = snapshot(alive(tree));
                LOG.log(System.Logger.Level.DEBUG, "Process {0} and its descendants ignored SIGTERM; sending SIGKILL to {1}.",
                        root.pid(), survivors.size());
                survivors.forEach(ProcessHandle::destroyForcibly);
                if (!awaitExit(survivors, AFTER_KILL, interrupted)) {
                    LOG.log(System.Logger.Level.WARNING, "Process {0} or one of its descendants survived SIGKILL.",
                            root.pid());
                }
            }
        } finally {
            if (interrupted[0]) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Set<ProcessHandle> snapshot(List<ProcessHandle> roots) {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        for (ProcessHandle root : roots) {
            tree.add(root);
            try {
                root.descendants().forEach(tree::add);
            } catch (RuntimeException e) {
                // The process list may be unreadable; the root is still signalled.
                LOG.log(System.Logger.Level.DEBUG, "Could not list the descendants of process " + root.pid() + ".", e);
            }
        }
        return tree;
    }

    private static List<ProcessHandle> alive(Set<ProcessHandle> handles) {
        List<ProcessHandle> alive = new ArrayList<>();
        for (ProcessHandle handle : handles) {
            if (running(handle)) {
                alive.add(handle);
            }
        }
        return alive;
    }

    /**
     * Whether a process still runs. A zombie does not: it has exited and only waits for its
     * parent (after re-parenting, init) to collect its status, which is beyond our reach.
     */
    static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(handle.pid()), "stat");
        try {
            String text = Files.readString(stat);
            int end = text.lastIndexOf(')');
            return end < 0 || end + 2 >= text.length() || text.charAt(end + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            // No procfs (macOS) or the process just went away: trust isAlive.
            return handle.isAlive();
        }
    }

    private static boolean awaitExit(Set<ProcessHandle> handles, Duration limit, boolean[] interrupted) {
        long until = System.nanoTime() + limit.toNanos();
        while (true) {
            if (alive(handles).isEmpty()) {
                return true;
            }
            if (System.nanoTime() - until >= 0) {
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                // Keep going: leaving now would leave processes behind. Re-interrupted at the end.
                interrupted[0] = true;
            }
        }
    }
}
