package io.cpihost.conformance;

import java.util.Objects;

/**
 * The outcome of one conformance check.
 *
 * @param name the check's stable name, such as {@code "lifecycle.full"} or
 *        {@code "not-found.delete_vm"}
 * @param status whether it passed, failed or was skipped
 * @param detail what was seen, or why the check failed or was skipped; never null
 */
public record Check(String name, Status status, String detail) {

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException when the name is blank or the status missing
     */
    public Check {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A check needs a non-blank name.");
        }
        Objects.requireNonNull(status, () -> "Check '" + name + "' needs a status.");
        detail = detail == null ? "" : detail;
    }

    /**
     * A passed check.
     *
     * @param name the name
     * @param detail what was seen
     * @return the check
     */
    public static Check passed(String name, String detail) {
        return new Check(name, Status.PASSED, detail);
    }

    /**
     * A failed check.
     *
     * @param name the name
     * @param detail why it failed, a sentence naming the offending action or resource
     * @return the check
     */
    public static Check failed(String name, String detail) {
        return new Check(name, Status.FAILED, detail);
    }

    /**
     * A skipped check.
     *
     * @param name the name
     * @param detail why it was skipped, usually the actions the extension lacks
     * @return the check
     */
    public static Check skipped(String name, String detail) {
        return new Check(name, Status.SKIPPED, detail);
    }

    /**
     * One line for people: status, name and detail.
     *
     * @return the line
     */
    public String render() {
        return status.label() + " " + name + (detail.isEmpty() ? "" : " - " + detail);
    }

    /** Outcomes of a check. */
    public enum Status {
        /** The extension did what the contract asks. */
        PASSED("PASS"),
        /** The extension broke the contract; the detail says how. */
        FAILED("FAIL"),
        /** The extension does not claim what the check needs (it lacks the actions). */
        SKIPPED("SKIP");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        /**
         * The four-letter label used in reports.
         *
         * @return {@code PASS}, {@code FAIL} or {@code SKIP}
         */
        public String label() {
            return label;
        }
    }
}
