package dev.versionobserver.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

/**
 * Plays, against an API server without controllers (the embedded mock), the parts a real cluster would: the
 * kubelet (pod objects with IP and Ready condition, deletionTimestamp on termination) and the endpoints
 * controllers (v1 Endpoints with ready / not-ready addresses, EndpointSlices with ready / serving / terminating
 * conditions), using only standard objects. Each pod carries its port so stand-ins can listen anywhere.
 */
public final class FakeCluster {

    public static final String APP_LABEL = "app.kubernetes.io/name";
    static final String KUBELET_FINALIZER = "version-observer.dev/local-kubelet";
    /** No node of that name exists, so no kubelet or controller of a real cluster touches these pods. */
    static final String PLACEHOLDER_NODE = "version-observer-local-node";

    private record PodRecord(String name, String uid, String ip, Map<String, Integer> ports, boolean ready,
            boolean terminating) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String service;
    private final String app;
    private final Map<String, PodRecord> pods = new LinkedHashMap<>();
    /** The EndpointSlices as last written, by name: unchanged ones are not written again (as the controller). */
    private final Map<String, EndpointSlice> slicesWritten = new LinkedHashMap<>();
    private boolean batching;
    /** The slice each pod's endpoint lives in (port, chunk): kept until the pod goes, as the controller does. */
    private final Map<String, Integer> chunkOf = new LinkedHashMap<>();

    /** The endpointslice controller's default --max-endpoints-per-slice. */
    static final int MAX_ENDPOINTS_PER_SLICE = 100;
    /** The endpoints controller keeps at most this many addresses in a v1 Endpoints and marks it truncated. */
    static final int MAX_ENDPOINTS_ADDRESSES = 1000;

    public FakeCluster(KubernetesClient client, String namespace, String service, String app) {
        this.client = client;
        this.namespace = namespace;
        this.service = service;
        this.app = app;
    }

    /** A pod is scheduled and its container starts (not ready yet). */
    public synchronized String addPod(String name, String ip, int port) {
        return addPod(name, ip, Map.of("http", port));
    }

    /**
     * A pod whose containers listen on these named ports (a sidecar's beside the app's), listed in the Endpoints and
     * EndpointSlices under those names as the controllers list a Service's named ports.
     */
    public synchronized String addPod(String name, String ip, Map<String, Integer> namedPorts) {
        Map<String, Integer> ports = new java.util.TreeMap<>(namedPorts);
        String uid = UUID.randomUUID().toString();
        pods.put(name, new PodRecord(name, uid, ip, ports, false, false));
        Pod created = client.pods().inNamespace(namespace).resource(pod(pods.get(name))).create();
        // A real API server ignores status on create and assigns the UID: status is the kubelet's write.
        pods.put(name, new PodRecord(name, created.getMetadata().getUid() == null ? uid
                : created.getMetadata().getUid(), ip, ports, false, false));
        client.pods().inNamespace(namespace).withName(name).editStatus(pod -> {
            pod.setStatus(pod(pods.get(name)).getStatus());
            return pod;
        });
        sync();
        return pods.get(name).uid;
    }

    /** The readiness probe passes (or fails): the kubelet writes the Ready condition. */
    public synchronized void setReady(String name, boolean ready) {
        PodRecord p = pods.get(name);
        pods.put(name, new PodRecord(p.name, p.uid, p.ip, p.ports, ready, p.terminating));
        client.pods().inNamespace(namespace).withName(name).editStatus(pod -> {
            pod.getStatus().getConditions().forEach(c -> {
                if ("Ready".equals(c.getType())) {
                    c.setStatus(ready ? "True" : "False");
                }
            });
            return pod;
        });
        sync();
    }

    /**
     * Deletion begins: a real DELETE. The pod carries a finalizer (standing in for the kubelet, which keeps a
     * pod object until its containers are gone), so the API server sets deletionTimestamp and keeps the object;
     * it leaves v1 Endpoints while its process may still run.
     */
    public synchronized void beginTermination(String name) {
        PodRecord p = pods.get(name);
        pods.put(name, new PodRecord(p.name, p.uid, p.ip, p.ports, p.ready, true));
        client.pods().inNamespace(namespace).withName(name).delete();
        sync();
    }

    /** The process is gone: the finalizer is removed and with it the pod object. */
    public synchronized void remove(String name) {
        PodRecord p = pods.remove(name);
        if (p != null && !p.terminating) {
            client.pods().inNamespace(namespace).withName(name).delete();
        }
        client.pods().inNamespace(namespace).withName(name).edit(pod -> {
            pod.getMetadata().setFinalizers(List.of());
            return pod;
        });
        // Bound to a node without a kubelet, a real API server waits for a confirmation that never comes.
        client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
        sync();
    }

    /** Deletes every pod and the discovery objects. */
    public synchronized void reset() {
        pods.clear();
        slicesWritten.clear();
        chunkOf.clear();
        client.pods().inNamespace(namespace).withLabel(APP_LABEL, app).list().getItems().forEach(pod -> {
            client.resource(pod).delete();
            client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).edit(p -> {
                p.getMetadata().setFinalizers(List.of());
                return p;
            });
        });
        client.endpoints().inNamespace(namespace).withName(service).delete();
        client.discovery().v1().endpointSlices().inNamespace(namespace)
                .withLabel("kubernetes.io/service-name", service).delete();
    }

    private Pod pod(PodRecord p) {
        PodBuilder builder = new PodBuilder()
                .withNewMetadata().withName(p.name).withNamespace(namespace).withUid(p.uid)
                .addToLabels(APP_LABEL, app)
                .addToFinalizers(KUBELET_FINALIZER)
                .endMetadata()
                .withNewSpec().withNodeName(PLACEHOLDER_NODE)
                .addNewContainer().withName("app").withImage("version-observer").endContainer()
                .endSpec()
                .withNewStatus().withPhase("Running").withPodIP(p.ip)
                .addNewCondition().withType("Ready").withStatus(p.ready ? "True" : "False").endCondition()
                .endStatus();
        return builder.build();
    }

    /**
     * Applies several pod changes and then writes the discovery objects once, as the controllers coalesce the
     * changes that reach them within one sync (a rolling update's batch of new pods).
     */
    public synchronized void batch(Runnable changes) {
        batching = true;
        try {
            changes.run();
        } finally {
            batching = false;
        }
        sync();
    }

    /** What the endpoints and endpointslice controllers would write for the current pods. */
    private void sync() {
        if (batching) {
            return;
        }
        // One subset per set of ports, as the controller groups addresses (stand-ins each listen on their own port).
        Map<Map<String, Integer>, List<EndpointAddress>> readyByPort = new LinkedHashMap<>();
        Map<Map<String, Integer>, List<EndpointAddress>> notReadyByPort = new LinkedHashMap<>();
        for (PodRecord p : pods.values()) {
            if (p.terminating) {
                continue; // v1 Endpoints drop terminating pods
            }
            EndpointAddress address = new EndpointAddressBuilder().withIp(p.ip)
                    .withNewTargetRef().withKind("Pod").withName(p.name).withNamespace(namespace).withUid(p.uid)
                    .endTargetRef().build();
            (p.ready ? readyByPort : notReadyByPort).computeIfAbsent(p.ports, k -> new ArrayList<>()).add(address);
        }
        // Past 1000 addresses the controller keeps 1000 (ready ones first) and says so in an annotation.
        int total = readyByPort.values().stream().mapToInt(List::size).sum()
                + notReadyByPort.values().stream().mapToInt(List::size).sum();
        boolean truncated = total > MAX_ENDPOINTS_ADDRESSES;
        int room = MAX_ENDPOINTS_ADDRESSES;
        for (Map<Map<String, Integer>, List<EndpointAddress>> byPort : List.of(readyByPort, notReadyByPort)) {
            for (List<EndpointAddress> addresses : byPort.values()) {
                addresses.subList(Math.min(room, addresses.size()), addresses.size()).clear();
                room -= addresses.size();
            }
        }
        Set<Map<String, Integer>> ports = new LinkedHashSet<>(readyByPort.keySet());
        ports.addAll(notReadyByPort.keySet());
        EndpointsBuilder endpoints = new EndpointsBuilder().withNewMetadata().withName(service)
                .withNamespace(namespace).endMetadata();
        if (truncated) {
            endpoints.editMetadata().addToAnnotations("endpoints.kubernetes.io/over-capacity", "truncated")
                    .endMetadata();
        }
        for (Map<String, Integer> named : ports) {
            endpoints.addNewSubset()
                    .withAddresses(readyByPort.getOrDefault(named, List.of()))
                    .withNotReadyAddresses(notReadyByPort.getOrDefault(named, List.of()))
                    .withPorts(named.entrySet().stream().map(e -> new io.fabric8.kubernetes.api.model.EndpointPortBuilder()
                            .withName(e.getKey()).withPort(e.getValue()).withProtocol("TCP").build()).toList())
                    .endSubset();
        }
        client.endpoints().inNamespace(namespace).resource(endpoints.build())
                .createOr(NonDeletingOperation::update);
        syncSlices();
    }

    private void syncSlices() {
        // One slice per port set and per 100 endpoints, named service-port[-n]. An endpoint stays in the slice it
        // was put in (the first one with room) until its pod goes: the controller does not move endpoints between
        // slices, and a move would look like a pod leaving and coming back.
        chunkOf.keySet().retainAll(pods.keySet());
        Map<String, EndpointSliceBuilder> byName = new LinkedHashMap<>();
        Map<String, Integer> members = new LinkedHashMap<>();
        for (PodRecord p : pods.values()) {
            Integer chunk = chunkOf.get(p.name);
            if (chunk != null) {
                members.merge(p.ports.values().iterator().next() + "/" + chunk, 1, Integer::sum);
            }
        }
        for (PodRecord p : pods.values()) {
            int key = p.ports.values().iterator().next();
            Integer chunk = chunkOf.get(p.name);
            if (chunk == null) {
                int free = 0;
                while (members.getOrDefault(key + "/" + free, 0) >= MAX_ENDPOINTS_PER_SLICE) {
                    free++;
                }
                chunk = free;
                chunkOf.put(p.name, chunk);
                members.merge(key + "/" + chunk, 1, Integer::sum);
            }
            String name = service + "-" + key + (chunk == 0 ? "" : "-" + chunk);
            EndpointSliceBuilder slice = byName.computeIfAbsent(name, n -> new EndpointSliceBuilder()
                    .withNewMetadata().withName(n).withNamespace(namespace)
                    .addToLabels("kubernetes.io/service-name", service)
                    .addToLabels("endpointslice.kubernetes.io/managed-by", "version-observer-local-cluster")
                    .endMetadata()
                    .withAddressType("IPv4")
                    .withPorts(p.ports.entrySet().stream().map(e -> new io.fabric8.kubernetes.api.model.discovery.v1
                            .EndpointPortBuilder().withName(e.getKey()).withPort(e.getValue()).withProtocol("TCP")
                            .build()).toList()));
            slice.addToEndpoints(new EndpointBuilder().withAddresses(p.ip)
                    .withNewConditions().withReady(p.ready && !p.terminating).withServing(p.ready)
                    .withTerminating(p.terminating).endConditions()
                    .withNewTargetRef().withKind("Pod").withName(p.name).withNamespace(namespace).withUid(p.uid)
                    .endTargetRef().build());
        }
        List<EndpointSlice> existing = client.discovery().v1().endpointSlices().inNamespace(namespace)
                .withLabel("kubernetes.io/service-name", service).list().getItems();
        for (EndpointSlice old : existing) {
            if (!byName.containsKey(old.getMetadata().getName())) {
                client.resource(old).delete();
                slicesWritten.remove(old.getMetadata().getName());
            }
        }
        for (Map.Entry<String, EndpointSliceBuilder> slice : byName.entrySet()) {
            EndpointSlice wanted = slice.getValue().build();
            if (!wanted.equals(slicesWritten.get(slice.getKey()))) {
                client.resource(wanted).createOr(NonDeletingOperation::update);
                slicesWritten.put(slice.getKey(), wanted);
            }
        }
    }
}
