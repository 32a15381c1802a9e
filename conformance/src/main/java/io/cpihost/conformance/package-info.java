/**
 * The conformance kit: a reusable suite that tells a provider author whether an extension of
 * any kind (Java, process, native) behaves as CPI Host and BOSH callers expect.
 *
 * <p>Run {@link io.cpihost.conformance.ConformanceKit} against a
 * {@link io.cpihost.api.CpiRegistry} and an extension name and read the
 * {@link io.cpihost.conformance.Report}. Unit tests without a framework can use
 * {@code io.cpihost.registry.standalone.StandaloneRegistry} (from the registry artifact) as the registry.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.cpihost.conformance;
