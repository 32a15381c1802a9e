/**
 * The registry's call pipeline without a framework, for provider authors' unit tests (and the
 * conformance kit's): the same validation, read-only checks and deadlines as the platform.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.cpihost.registry.standalone;
