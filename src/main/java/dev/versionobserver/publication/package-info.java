/**
 * The published version: the one version every browser is measured against. In a cluster it lives in an
 * annotation of the election Lease (written only by the leader, fenced by the Lease's resourceVersion) and every
 * pod follows it through an informer; standalone, it is this pod's own version.
 */
package dev.versionobserver.publication;
