package dev.versionobserver.support;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The app under test as pod "pod-a" of namespace "test", with short election and retry timings. */
public class ClusterProfile implements QuarkusTestProfile {

    public static final String NAMESPACE = "test";
    public static final String POD = "pod-a";
    public static final String SERVICE = "version-observer";
    public static final String LEASE = "version-observer";
    public static final String APP = "version-observer";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        config.put("observer.cluster.mode", "on");
        config.put("observer.pod.namespace", NAMESPACE);
        config.put("observer.pod.name", POD);
        config.put("observer.leader.lease-duration", "2s");
        config.put("observer.leader.renew-deadline", "1500ms");
        config.put("observer.leader.retry-period", "200ms");
        config.put("observer.monitor.debounce", "20ms");
        config.put("observer.monitor.retry-initial", "50ms");
        config.put("observer.monitor.retry-max", "500ms");
        config.put("observer.monitor.poll-timeout", "1s");
        config.putAll(extra());
        return config;
    }

    protected Map<String, String> extra() {
        return Map.of();
    }

    /** The same, discovering peers through EndpointSlices. */
    public static class Slices extends ClusterProfile {
        @Override
        protected Map<String, String> extra() {
            return Map.of("observer.cluster.discovery", "endpoint-slices");
        }
    }
}
