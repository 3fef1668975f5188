package dev.versionobserver.support;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import dev.versionobserver.cluster.KubernetesApi;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Test-only: records, for every Pod (a generic resource), Endpoints, EndpointSlice and Lease the Kubernetes client
 * decodes, which Vert.x instance's event loop (if any) decoded it. Lets a test prove that API responses are never
 * decoded on the application's serving event loops. It replaces the service's {@link KubernetesSerialization} in every
 * {@code @QuarkusTest} by one whose mapper records, so the client under test is the service's own in all else.
 */
@Singleton
public class DecodingThreads {

    private static final Set<Class<?>> WATCHED = Set.of(GenericKubernetesResource.class, Endpoints.class,
            EndpointSlice.class, Lease.class);

    /** One decode: the type, the thread, and the Vert.x instance whose event loop ran it (null off any loop). */
    public record Decode(Class<?> type, String thread, Vertx loopOwner) {
    }

    private final Set<Decode> decodes = ConcurrentHashMap.newKeySet();

    @Produces
    @Dependent
    @Alternative
    @Priority(1)
    KubernetesSerialization recordingSerialization() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.registerModule(new SimpleModule("decoding-threads").setDeserializerModifier(
                new BeanDeserializerModifier() {
                    @Override
                    public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription bean,
                            JsonDeserializer<?> deserializer) {
                        return WATCHED.contains(bean.getBeanClass())
                                ? new Recording(deserializer, bean.getBeanClass()) : deserializer;
                    }
                }));
        // As the service's own: the kinds it decodes typed, everything else generic.
        return KubernetesApi.serialization(mapper);
    }

    public Set<Decode> decodes() {
        return Set.copyOf(decodes);
    }

    private final class Recording extends DelegatingDeserializer {

        private final Class<?> type;

        Recording(JsonDeserializer<?> delegate, Class<?> type) {
            super(delegate);
            this.type = type;
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new Recording(delegate, type);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            Context vertx = Context.isOnEventLoopThread() ? Vertx.currentContext() : null;
            decodes.add(new Decode(type, Thread.currentThread().getName(), vertx == null ? null : vertx.owner()));
            return super.deserialize(parser, context);
        }
    }
}
