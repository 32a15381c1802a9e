/**
 * Internals of the native bridge. Only {@link io.cpihost.bridge.nativelib.internal.NativeComponent}
 * and {@link io.cpihost.bridge.nativelib.internal.NativeExtension} touch JNA; every other class
 * loads without it, so the bridge can report that JNA is missing instead of failing to start.
 */
package io.cpihost.bridge.nativelib.internal;
