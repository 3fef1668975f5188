/**
 * The reusable {@code {#versionObserver /}} Qute tag that any application page includes to carry
 * {@code window.appVersion} and load the browser client.
 */
package dev.versionobserver.web;
