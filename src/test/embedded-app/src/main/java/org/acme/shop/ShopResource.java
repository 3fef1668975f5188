package org.acme.shop;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The application's own page at {@code /}; its template includes {@code {#versionObserver /}}. */
@Path("/")
public class ShopResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance shop(String greeting);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance shop() {
        return Templates.shop("Welcome to the shop");
    }

    @GET
    @Path("api/items")
    @Produces(MediaType.APPLICATION_JSON)
    public String items() {
        return "[\"tea\",\"coffee\"]";
    }
}
