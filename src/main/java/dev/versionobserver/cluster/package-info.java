/**
 * Who the peers are: this pod's identity from the downward API, and the serving pods of the Service as seen
 * through Endpoints or EndpointSlice informers, plus a Pod informer whose events trigger re-evaluation.
 */
package dev.versionobserver.cluster;
