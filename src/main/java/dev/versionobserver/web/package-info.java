/**
 * Qute pages: the demo "app" page, and the reusable {@code {#versionObserver /}} tag that any application page
 * includes to carry {@code window.appVersion} and load the browser client.
 */
package dev.versionobserver.web;
