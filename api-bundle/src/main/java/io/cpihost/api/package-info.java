/**
 * The contract between CPI Host and its cloud providers.
 *
 * <p>Providers implement {@link io.cpihost.api.CpiExtension} and publish it as an OSGi
 * service; callers use {@link io.cpihost.api.CpiRegistry}, the one way in. Only JDK types and
 * the types of this package appear in signatures.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.cpihost.api;
