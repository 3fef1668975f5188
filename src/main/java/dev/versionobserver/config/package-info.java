/**
 * Start-up checks of settings shared by the packages that own them. Depends on nothing of this project, so every
 * package may use it without forming a cycle.
 */
package dev.versionobserver.config;
