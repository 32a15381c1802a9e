package io.cpihost.benchmarks;

/** The launch baseline: a JVM that starts, prints one line and exits. */
public final class Hello {

    private Hello() {
    }

    /**
     * Prints one line.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
