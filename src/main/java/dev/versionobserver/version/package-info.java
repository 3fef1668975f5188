/**
 * The version value and its compatibility policy, this pod's own version (from the build, overridable by
 * {@code APP_VERSION}) and the {@code /version} endpoint that peers and the monitor read.
 */
package dev.versionobserver.version;
