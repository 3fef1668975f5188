package dev.versionobserver.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import dev.versionobserver.cluster.ApiAccess;
import dev.versionobserver.cluster.ClusterConfig;
import dev.versionobserver.cluster.PodIdentity;
import dev.versionobserver.leader.LeaderConfig;
import dev.versionobserver.monitor.MonitorConfig;
import dev.versionobserver.push.PushConfig;
import dev.versionobserver.support.ImageDeployment;
import dev.versionobserver.version.VersionConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.smallrye.config.WithDefault;
import dev.versionobserver.push.PushConfig;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/**
 * The chart and k8s/ against the code: probes hit paths this app serves (asked of the running app), env names
 * are ones it reads, RBAC is exactly {@link ApiAccess}, the security context is locked down, and the chart's
 * default render matches k8s/ in substance. The chart is linted strictly and rendered offline with helm-java.
 */
@QuarkusTest
class DeployManifestsTest {

    private static final List<Class<?>> MAPPINGS = List.of(VersionConfig.class, PodIdentity.class,
            ClusterConfig.class, LeaderConfig.class, MonitorConfig.class, PushConfig.class,
            dev.versionobserver.status.StatusConfig.class);
    /**
     * Env vars the app reads directly (wired in META-INF/microprofile-config.properties and application.properties)
     * or the base image reads.
     */
    private static final Set<String> DIRECT_ENV = Set.of("POD_NAME", "POD_NAMESPACE", "POD_IP", "APP_VERSION",
            "HTTP_HOST", "JAVA_OPTS_APPEND", "QUARKUS_HTTP_PORT");
    /** README "Beside any web server: the sidecar": the values a user copies. */
    static final String SIDECAR_VALUES = """
            mode: sidecar
            app:
              image:
                repository: registry.example.com/shop
                tag: 1.4.2
              port: 8080
            ingress:
              enabled: true
              hosts:
                - host: shop.example.com
                  paths:
                    - path: /
                      pathType: Prefix
            networkPolicy:
              enabled: true
            serviceMonitor:
              enabled: true
            """;

    private static List<List<HasMetadata>> both() {
        return List.of(Manifests.plain(), Manifests.render(Map.of()));
    }

    /** Every env var name the app understands: the direct ones and those of every @ConfigMapping property. */
    static Set<String> knownEnv() {
        Set<String> names = new HashSet<>(DIRECT_ENV);
        for (Class<?> mapping : MAPPINGS) {
            String prefix = mapping.getAnnotation(ConfigMapping.class).prefix();
            for (Method method : mapping.getDeclaredMethods()) {
                if (method.getParameterCount() > 0 || method.isDefault() || java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                    continue;
                }
                WithName renamed = method.getAnnotation(WithName.class);
                String property = prefix + "." + (renamed != null ? renamed.value()
                        : method.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase());
                names.add(property.toUpperCase().replace('.', '_').replace('-', '_'));
            }
        }
        return names;
    }

    @Test
    void chartPassesStrictLint() {
        LintResult result = new Helm(Manifests.CHART).lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void probesPointAtPathsTheAppServes() {
        for (List<HasMetadata> objects : both()) {
            Container c = Manifests.container(objects);
            for (Probe probe : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
                assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
                given().when().get(probe.getHttpGet().getPath()).then().statusCode(200);
            }
            assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
            assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
            assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        }
    }

    @Test
    void portsLineUpFromServiceToContainerToTheMonitorsPortName() {
        for (List<HasMetadata> objects : both()) {
            Container c = Manifests.container(objects);
            assertThat(c.getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getContainerPort()).as("Quarkus' production HTTP port").isEqualTo(8080);
            });
            Service service = Manifests.one(objects, Service.class);
            assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getName()).as("observer.cluster.port-name default").isEqualTo("http");
                assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
            });
            Deployment deployment = Manifests.one(objects, Deployment.class);
            assertThat(service.getSpec().getSelector())
                    .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        }
    }

    @Test
    void everyEnvNameIsOneTheAppReadsAndPodIdentityComesFromTheDownwardApi() {
        Set<String> known = knownEnv();
        for (List<HasMetadata> objects : both()) {
            List<EnvVar> env = Manifests.container(objects).getEnv();
            assertThat(env).extracting(EnvVar::getName).allSatisfy(name -> assertThat(known).contains(name));
            Map<String, String> fieldRefs = env.stream().filter(e -> e.getValueFrom() != null)
                    .collect(Collectors.toMap(EnvVar::getName, e -> e.getValueFrom().getFieldRef().getFieldPath()));
            assertThat(fieldRefs).containsExactlyInAnyOrderEntriesOf(Map.of("POD_NAME", "metadata.name",
                    "POD_NAMESPACE", "metadata.namespace", "POD_IP", "status.podIP"));
        }
    }

    @Test
    void rbacGrantsExactlyWhatTheCodeCalls() {
        assertRules(Manifests.plain(), ClusterConfig.Discovery.ENDPOINTS, "version-observer");
        assertRules(Manifests.render(Map.of()), ClusterConfig.Discovery.ENDPOINTS, "version-observer");
        assertRules(Manifests.render(Map.of("discovery", "endpoint-slices")), ClusterConfig.Discovery.ENDPOINT_SLICES,
                "version-observer");
        assertRules(Manifests.render(Map.of("leader.leaseName", "my-lease")), ClusterConfig.Discovery.ENDPOINTS,
                "my-lease");
    }

    private static void assertRules(List<HasMetadata> objects, ClusterConfig.Discovery discovery, String lease) {
        Set<String> actual = Manifests.one(objects, Role.class).getRules().stream()
                .flatMap(DeployManifestsTest::expand).collect(Collectors.toSet());
        Set<String> expected = ApiAccess.rules(discovery).stream()
                .flatMap(r -> r.verbs().stream().map(v -> r.apiGroup() + "/" + r.resource() + "/" + v
                        + (r.leaseOnly() ? "@" + lease : "")))
                .collect(Collectors.toSet());
        assertThat(actual).isEqualTo(expected);
        List<EnvVar> env = Manifests.container(objects).getEnv();
        assertThat(env).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("OBSERVER_LEADER_LEASE_NAME");
            assertThat(e.getValue()).isEqualTo(lease);
        });
    }

    private static java.util.stream.Stream<String> expand(PolicyRule rule) {
        assertThat(rule.getResources()).hasSize(1);
        assertThat(rule.getVerbs()).doesNotContain("*");
        String named = rule.getResourceNames() == null || rule.getResourceNames().isEmpty() ? ""
                : "@" + String.join(",", rule.getResourceNames());
        return rule.getVerbs().stream()
                .map(v -> rule.getApiGroups().get(0) + "/" + rule.getResources().get(0) + "/" + v + named);
    }

    @Test
    void podsRunNonRootReadOnlyWithoutPrivilegesOrCapabilities() {
        for (List<HasMetadata> objects : both()) {
            PodSpec pod = Manifests.one(objects, Deployment.class).getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            var sc = pod.getContainers().get(0).getSecurityContext();
            assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
            assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
            assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
            assertThat(pod.getContainers().get(0).getLifecycle().getPreStop().getExec().getCommand())
                    .startsWith("sleep");
            assertThat(pod.getContainers().get(0).getResources().getLimits()).containsKey("memory");
        }
    }

    @Test
    void defaultRenderMatchesThePlainManifestsInSubstance() {
        List<HasMetadata> plain = Manifests.plain();
        List<HasMetadata> chart = Manifests.render(Map.of());
        assertThat(chart.stream().map(HasMetadata::getKind).filter(k -> !k.equals("Pod")).sorted().toList())
                .isEqualTo(plain.stream().map(HasMetadata::getKind).sorted().toList());
        Deployment a = Manifests.one(plain, Deployment.class);
        Deployment b = Manifests.one(chart, Deployment.class);
        assertThat(b.getSpec().getReplicas()).isEqualTo(a.getSpec().getReplicas());
        assertThat(b.getSpec().getStrategy()).isEqualTo(a.getSpec().getStrategy());
        PodSpec pa = a.getSpec().getTemplate().getSpec();
        PodSpec pb = b.getSpec().getTemplate().getSpec();
        assertThat(pb.getSecurityContext()).isEqualTo(pa.getSecurityContext());
        assertThat(pb.getTerminationGracePeriodSeconds()).isEqualTo(pa.getTerminationGracePeriodSeconds());
        assertThat(pb.getVolumes()).isEqualTo(pa.getVolumes());
        Container ca = pa.getContainers().get(0);
        Container cb = pb.getContainers().get(0);
        assertThat(cb.getPorts()).isEqualTo(ca.getPorts());
        assertThat(cb.getSecurityContext()).isEqualTo(ca.getSecurityContext());
        assertThat(cb.getStartupProbe()).isEqualTo(ca.getStartupProbe());
        assertThat(cb.getLivenessProbe()).isEqualTo(ca.getLivenessProbe());
        assertThat(cb.getReadinessProbe()).isEqualTo(ca.getReadinessProbe());
        assertThat(cb.getLifecycle()).isEqualTo(ca.getLifecycle());
        assertThat(cb.getResources()).isEqualTo(ca.getResources());
        assertThat(cb.getVolumeMounts()).isEqualTo(ca.getVolumeMounts());
        // Same variables; the chart also pins its defaults explicitly.
        assertThat(cb.getEnv().stream().map(EnvVar::getName).toList())
                .containsAll(ca.getEnv().stream().map(EnvVar::getName).toList());
        for (EnvVar e : ca.getEnv()) {
            EnvVar same = cb.getEnv().stream().filter(x -> x.getName().equals(e.getName())).findFirst().orElseThrow();
            assertThat(same).as(e.getName()).isEqualTo(e);
        }
        assertThat(Manifests.one(chart, Role.class).getRules()).isEqualTo(Manifests.one(plain, Role.class).getRules());
        assertThat(Manifests.one(chart, PodDisruptionBudget.class).getSpec().getMaxUnavailable())
                .isEqualTo(Manifests.one(plain, PodDisruptionBudget.class).getSpec().getMaxUnavailable());
    }

    @Test
    void podsMapTheClassArchiveTheImageTrainsUnlessTheImageHasNone() throws Exception {
        String flag = "-XX:SharedArchiveFile=" + ImageDeployment.archiveUsed();
        for (List<HasMetadata> objects : List.of(Manifests.plain(), Manifests.render(Map.of()))) {
            assertThat(javaOptsAppend(objects)).startsWith("-XX:MaxRAMPercentage=70 ").endsWith(" " + flag);
        }
        assertThat(javaOptsAppend(Manifests.render(Map.of("image.classArchive", ""))))
                .isEqualTo("-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError");
    }

    private static String javaOptsAppend(List<HasMetadata> objects) {
        return Manifests.container(objects).getEnv().stream().filter(e -> e.getName().equals("JAVA_OPTS_APPEND"))
                .findFirst().orElseThrow().getValue();
    }

    @Test
    void optionalResourcesRenderWhenEnabled() {
        List<HasMetadata> objects = Manifests.render(Map.of("ingress.enabled", true, "serviceMonitor.enabled", true,
                "networkPolicy.enabled", true, "podDisruptionBudget.enabled", false, "replicaCount", 5,
                "appVersionOverride", "2.0.0"));
        assertThat(Manifests.maybe(objects, Ingress.class)).isPresent();
        assertThat(Manifests.maybe(objects, NetworkPolicy.class)).isPresent();
        assertThat(objects).anySatisfy(o -> assertThat(o.getKind()).isEqualTo("ServiceMonitor"));
        assertThat(Manifests.maybe(objects, PodDisruptionBudget.class)).isEmpty();
        assertThat(Manifests.one(objects, Deployment.class).getSpec().getReplicas()).isEqualTo(5);
        assertThat(Manifests.container(Manifests.render(Map.of("status.enabled", false))).getEnv())
                .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("OBSERVER_STATUS_ENABLED=false"));
        assertThat(Manifests.container(objects).getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("APP_VERSION");
            assertThat(e.getValue()).isEqualTo("2.0.0");
        });
    }

    @Test
    void theIngressKeepsWebSocketsOpenOnIngressNginxAndTheUsersAnnotationsWin() {
        Ingress ingress = Manifests.one(Manifests.render(Map.of("ingress.enabled", true)), Ingress.class);
        assertThat(ingress.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-send-timeout", "3600");
        Ingress tuned = Manifests.one(Manifests.renderWithValues("""
                ingress:
                  enabled: true
                  className: alb
                  annotations:
                    nginx.ingress.kubernetes.io/proxy-read-timeout: "7200"
                    alb.ingress.kubernetes.io/target-type: ip
                """), Ingress.class);
        assertThat(tuned.getSpec().getIngressClassName()).isEqualTo("alb");
        assertThat(tuned.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "7200")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-send-timeout", "3600")
                .containsEntry("alb.ingress.kubernetes.io/target-type", "ip");
    }

    @Test
    void trustedProxiesDefaultToTheAppsOwnDefaultEverywhereAndAreAValue() throws Exception {
        String appDefault = PushConfig.class.getMethod("trustedProxies").getAnnotation(WithDefault.class).value();
        for (List<HasMetadata> objects : List.of(Manifests.plain(), Manifests.render(Map.of()))) {
            assertThat(Manifests.container(objects).getEnv()).anySatisfy(e -> assertThat(e.getName() + "="
                    + e.getValue()).isEqualTo("OBSERVER_PUSH_TRUSTED_PROXIES=" + appDefault));
        }
        assertThat(Manifests.container(Manifests.renderWithValues("""
                push:
                  trustedProxies: [10.42.0.0/16, 35.191.0.0/16]
                """)).getEnv()).anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue())
                        .isEqualTo("OBSERVER_PUSH_TRUSTED_PROXIES=10.42.0.0/16,35.191.0.0/16"));
    }

    @Test
    void theNetworkPolicyAdmitsTheIngressControllersNamespaceAndTheReleasesOwnPods() {
        NetworkPolicy policy = Manifests.one(Manifests.renderWithValues("""
                networkPolicy:
                  enabled: true
                  ingressControllerNamespace: ingress-nginx
                  ingressControllerPodLabels:
                    app.kubernetes.io/name: ingress-nginx
                """), NetworkPolicy.class);
        var from = policy.getSpec().getIngress().get(0).getFrom();
        assertThat(from).hasSize(2);
        assertThat(from.get(0).getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name",
                "version-observer");
        assertThat(from.get(1).getNamespaceSelector().getMatchLabels())
                .containsExactly(Map.entry("kubernetes.io/metadata.name", "ingress-nginx"));
        assertThat(from.get(1).getPodSelector().getMatchLabels())
                .containsExactly(Map.entry("app.kubernetes.io/name", "ingress-nginx"));
        NetworkPolicy open = Manifests.one(Manifests.render(Map.of("networkPolicy.enabled", true)),
                NetworkPolicy.class);
        assertThat(open.getSpec().getIngress().get(0).getFrom()).as("no source listed: any source").isNullOrEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "push.trustedProxies=10.0.0.0/8", "push.trustedProxies={example.com}",
            "ingress.websocketTimeoutSeconds=30", "networkPolicy.ingressControllerNamespace=Ingress_Nginx",
            "push.maxConnectionsPerAddress=0" })
    void schemaRejectsBadProxyAndIngressValues(String assignment) {
        assertSchemaRejects(assignment);
    }

    @ParameterizedTest
    @ValueSource(strings = { "replicaCont=3", "compatibility=sideways", "discovery=dns", "leader.leaseDuration=15",
            "leader.leaseDuration=1500ms", "image.pullPolicy=Sometimes", "replicaCount=0", "service.port=70000",
            "appVersionOverride=latest", "leader.leaseName=Not_A_Name", "monitor.pollTimout=2s",
            "image.classArchive=app-cds.jsa" })
    void schemaRejectsTyposAndBadValues(String assignment) {
        assertSchemaRejects(assignment);
    }

    @Test
    void sidecarModeRunsTheAppsContainerUnchangedAndTheObserverBesideItOnANamedPort() {
        List<HasMetadata> objects = Manifests.renderWithValues(SIDECAR_VALUES);
        var pod = Manifests.one(objects, Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("app", "version-observer");
        Container app = pod.getContainers().get(0);
        assertThat(app.getImage()).isEqualTo("registry.example.com/shop:1.4.2");
        assertThat(app.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(8080);
        });
        assertThat(app.getEnv()).as("the app is not told anything").isNullOrEmpty();
        assertThat(pod.getSecurityContext().getRunAsUser()).as("the app's image keeps its own user").isNull();

        Container observer = pod.getContainers().get(1);
        assertThat(observer.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("observer");
            assertThat(p.getContainerPort()).isEqualTo(9090);
        });
        Map<String, String> env = observer.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(env).containsEntry("APP_VERSION", "1.4.2").containsEntry("QUARKUS_HTTP_PORT", "9090")
                .containsEntry("OBSERVER_CLUSTER_PORT_NAME", "observer");
        assertThat(knownEnv()).containsAll(observer.getEnv().stream().map(EnvVar::getName).toList());
        for (Probe probe : List.of(observer.getStartupProbe(), observer.getLivenessProbe(),
                observer.getReadinessProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("observer");
        }
        assertThat(observer.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(observer.getSecurityContext().getRunAsUser()).isPositive();

        Service service = Manifests.one(objects, Service.class);
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getName() + "->" + p.getTargetPort().getStrVal())
                .containsExactly("http->http", "observer->observer");
        Ingress ingress = Manifests.one(objects, Ingress.class);
        assertThat(ingress.getSpec().getRules().get(0).getHttp().getPaths())
                .extracting(p -> p.getPath() + " " + p.getPathType() + " -> " + p.getBackend().getService()
                        .getPort().getName())
                .containsExactly("/version Prefix -> observer", "/version-observer Prefix -> observer",
                        "/ Prefix -> http");
        assertThat(Manifests.one(objects, NetworkPolicy.class).getSpec().getIngress().get(0).getPorts())
                .extracting(p -> p.getPort().getStrVal()).containsExactly("http", "observer");
        assertThat(objects).filteredOn(o -> "ServiceMonitor".equals(o.getKind())).singleElement()
                .satisfies(m -> assertThat(Manifests.asYaml(m)).contains("port: \"observer\""));
    }

    @Test
    void theSidecarValuesReadmeTellsUsersToCopyRenderBothContainers() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        int at = readme.indexOf("(`values-sidecar.yaml`):");
        assertThat(at).as("README shows the sidecar values").isPositive();
        int start = readme.indexOf("```yaml\n", at) + "```yaml\n".length();
        String values = readme.substring(start, readme.indexOf("```", start));
        var pod = Manifests.one(Manifests.renderWithValues(values), Deployment.class).getSpec().getTemplate()
                .getSpec();
        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("app", "version-observer");
        assertThat(pod.getContainers().get(0).getImage()).isEqualTo("registry.example.com/shop:1.4.2");
    }

    @Test
    void sidecarModeWithoutTheAppsImageFailsNamingTheSetting() {
        assertThatThrownBy(() -> Manifests.renderWithValues("""
                mode: sidecar
                app:
                  image:
                    repository: registry.example.com/shop
                """)).hasMessageContaining("mode=sidecar needs app.image.tag");
        assertThatThrownBy(() -> Manifests.renderWithValues("""
                mode: sidecar
                """)).hasMessageContaining("mode=sidecar needs app.image.repository");
    }

    @ParameterizedTest
    @ValueSource(strings = { "app.image.tag=latest", "app.image.tag=1.4", "mode=beside", "app.port=0",
            "sidecar.port=70000", "app.imag=x" })
    void schemaRejectsBadSidecarValues(String assignment) {
        assertSchemaRejects(assignment);
    }

    @Test
    void theNotesOfASidecarInstallTellHowToRollOutTheAppAndWhereTheObserverListens() throws Exception {
        java.nio.file.Path values = java.nio.file.Files.createTempFile("values", ".yaml");
        try {
            java.nio.file.Files.writeString(values, SIDECAR_VALUES);
            String notes = new Helm(Manifests.CHART).install().withName("shop").withNamespace("apps")
                    .withKubeVersion("1.32.0").withValuesFile(values).clientOnly()
                    .withDryRunOption(com.marcnuri.helm.DryRun.CLIENT).call().getOutput();
            assertThat(notes).contains("helm upgrade --set app.image.tag=NEW")
                    .contains("port-forward service/shop-version-observer 8080:9090")
                    .contains("Sidecar mode: your app (registry.example.com/shop)")
                    .doesNotContain("(the demo page)");
        } finally {
            java.nio.file.Files.deleteIfExists(values);
        }
    }

    /** {@code key=value} (digits become a number) makes {@code helm template} fail on values.schema.json. */
    private static void assertSchemaRejects(String assignment) {
        String[] kv = assignment.split("=", 2);
        Object value = kv[1].matches("-?\\d+") ? Integer.valueOf(kv[1]) : kv[1];
        assertThatThrownBy(() -> Manifests.render(Map.of(kv[0], value)))
                .hasMessageContaining("values don't meet the specifications of the schema");
    }
}
