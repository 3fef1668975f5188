/**
 * The service's Prometheus metrics (Micrometer, served at {@code /q/metrics}): one place that names every meter,
 * so names, units and label sets stay consistent and low in cardinality.
 */
package dev.versionobserver.metrics;
