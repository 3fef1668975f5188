package dev.versionobserver.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every Kubernetes API call this service makes, as RBAC rules: the one list that k8s/role.yaml, the Helm chart's
 * Role and their tests are checked against. Change it together with the code that makes the call.
 *
 * <ul>
 * <li>pods: list + watch with a metadata.name field selector ({@link PeerWatcher}'s informer on this pod's own Pod,
 * for its deletion); RBAC cannot restrict list/watch by the pod's name, which is not known in advance</li>
 * <li>endpoints or endpointslices: list + watch ({@link PeerWatcher}'s informer)</li>
 * <li>leases: create (the first candidate creates the Lease; create cannot be restricted by name)</li>
 * <li>the named Lease: get + patch (fabric8 LeaderElector: read, acquire, renew), update (the release by
 * {@code leader.LeaderElection}, the fenced publication), list + watch with a metadata.name field selector (every
 * pod follows the publication and the holder)</li>
 * </ul>
 */
public final class ApiAccess {

    /** One RBAC rule; {@code leaseOnly} restricts it to the election Lease by {@code resourceNames}. */
    public record Rule(String apiGroup, String resource, Set<String> verbs, boolean leaseOnly) {
    }

    private ApiAccess() {
    }

    public static List<Rule> rules(ClusterConfig.Discovery discovery) {
        List<Rule> rules = new ArrayList<>();
        rules.add(new Rule("", "pods", Set.of("list", "watch"), false));
        if (discovery == ClusterConfig.Discovery.ENDPOINT_SLICES) {
            rules.add(new Rule("discovery.k8s.io", "endpointslices", Set.of("list", "watch"), false));
        } else {
            rules.add(new Rule("", "endpoints", Set.of("list", "watch"), false));
        }
        rules.add(new Rule("coordination.k8s.io", "leases", Set.of("create"), false));
        rules.add(new Rule("coordination.k8s.io", "leases", Set.of("get", "list", "watch", "update", "patch"), true));
        return List.copyOf(rules);
    }
}
