/**
 * The BOSH CPI method catalog as CPI Host action definitions: BOSH's method names, argument
 * names in BOSH's positional order, and read-only flags. Shared by every provider that speaks
 * the BOSH CPI, so they all present the same contract.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.cpihost.api.bosh;
