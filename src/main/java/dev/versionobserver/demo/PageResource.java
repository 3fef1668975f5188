package dev.versionobserver.demo;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.versionobserver.cluster.PodIdentity;
import dev.versionobserver.version.OwnVersion;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.NonBlocking;

/**
 * {@code GET /}: the demo "app" page, a stand-in for any single-page application served by this pod. Part of the
 * service only: the library jar leaves this package out, so an application that embeds Version Observer keeps
 * {@code /} for itself.
 */
@Path("/")
public class PageResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(String version, String pod);
    }

    private final OwnVersion own;
    private final PodIdentity pod;

    public PageResource(OwnVersion own, PodIdentity pod) {
        this.own = own;
        this.pod = pod;
    }

    @GET
    @NonBlocking
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance index() {
        return Templates.index(own.version().toString(), pod.name());
    }
}
