package dev.versionobserver.status;

import java.time.Duration;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestStreamElementType;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * {@code /status}: the live page; {@code /status/data}: the view as JSON ({@code ?scope=local} for this pod's
 * own facts only, which is what followers ask the leader for); {@code /status/stream}: the view every second as
 * server-sent events, for as long as a page listens. All three answer 404 when {@code observer.status.enabled}
 * is false.
 */
@Path("/status")
public class StatusResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance status(StatusView view);
    }

    private final StatusService status;
    private final boolean enabled;

    public StatusResource(StatusService status, StatusConfig config) {
        this.status = status;
        this.enabled = config.enabled();
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new NotFoundException();
        }
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Uni<TemplateInstance> page() {
        requireEnabled();
        return status.view().map(Templates::status);
    }

    @GET
    @Path("data")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<StatusView> data(@QueryParam("scope") String scope) {
        requireEnabled();
        return "local".equals(scope) ? Uni.createFrom().item(status.local()) : status.view();
    }

    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<StatusView> stream() {
        requireEnabled();
        return Multi.createFrom().ticks().every(Duration.ofSeconds(1))
                .onItem().transformToUniAndConcatenate(tick -> status.view());
    }
}
