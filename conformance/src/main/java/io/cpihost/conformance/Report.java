package io.cpihost.conformance;

import java.util.List;
import java.util.Optional;

/**
 * Every check of one conformance run against one extension, in the order they ran.
 *
 * @param extension the extension name
 * @param checks the checks
 */
public record Report(String extension, List<Check> checks) {

    /**
     * Copies the check list.
     */
    public Report {
        extension = extension == null ? "" : extension;
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /**
     * How many checks passed.
     *
     * @return the count
     */
    public long passed() {
        return count(Check.Status.PASSED);
    }

    /**
     * How many checks failed.
     *
     * @return the count
     */
    public long failed() {
        return count(Check.Status.FAILED);
    }

    /**
     * How many checks were skipped.
     *
     * @return the count
     */
    public long skipped() {
        return count(Check.Status.SKIPPED);
    }

    /**
     * Whether the extension passed: no check failed (skipped checks do not count against it).
     *
     * @return true without failures
     */
    public boolean conforms() {
        return failed() == 0;
    }

    /**
     * One check by name.
     *
     * @param name the check name
     * @return the check, or empty when the run had no such check
     */
    public Optional<Check> check(String name) {
        return checks.stream().filter(check -> check.name().equals(name)).findFirst();
    }

    /**
     * The checks with one status.
     *
     * @param status the status
     * @return those checks, in order
     */
    public List<Check> withStatus(Check.Status status) {
        return checks.stream().filter(check -> check.status() == status).toList();
    }

    /**
     * One line per check, then {@code conformance NAME: N passed, N failed, N skipped}.
     *
     * @return the text
     */
    public String render() {
        StringBuilder out = new StringBuilder();
        for (Check check : checks) {
            out.append(check.render()).append('\n');
        }
        return out.append(summary()).toString();
    }

    /**
     * The last line of {@link #render()}.
     *
     * @return {@code conformance NAME: N passed, N failed, N skipped}
     */
    public String summary() {
        return "conformance " + extension + ": " + passed() + " passed, " + failed() + " failed, "
                + skipped() + " skipped";
    }

    /**
     * Throws when a check failed, for use in a provider's unit tests.
     *
     * @return this report, when nothing failed
     * @throws AssertionError with the rendered report when a check failed
     */
    public Report assertConforms() {
        if (!conforms()) {
            throw new AssertionError("Extension '" + extension + "' does not conform:\n" + render());
        }
        return this;
    }

    private long count(Check.Status status) {
        return checks.stream().filter(check -> check.status() == status).count();
    }
}
