package dev.versionobserver.version;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;


import dev.versionobserver.cluster.PodIdentity;
import dev.versionobserver.json.JsonText;
import io.smallrye.common.annotation.NonBlocking;

/**
 * {@code GET /version} (and {@code HEAD}): this pod's version, name and start time. The monitor polls it once per
 * pod lifetime, so the body is rendered once and every request is answered from memory on the event loop.
 */
@Path("/version")
public class VersionResource {

    /** The wire form of {@code /version}; the monitor parses exactly this. */
    public record VersionInfo(String version, String pod, String startedAt) {
    }

    private final String body;

    public VersionResource(OwnVersion own, PodIdentity pod) {
        VersionInfo info = new VersionInfo(own.version().toString(), pod.name(), own.startedAt().toString());
        this.body = JsonText.object(json -> {
            json.writeStringField("version", info.version());
            json.writeStringField("pod", info.pod());
            json.writeStringField("startedAt", info.startedAt());
        });
    }

    @GET
    @NonBlocking
    @Produces(MediaType.APPLICATION_JSON)
    public RestResponse<String> version() {
        return RestResponse.ResponseBuilder.ok(body).header("Cache-Control", "no-store").build();
    }
}
