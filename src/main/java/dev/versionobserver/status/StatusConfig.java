package dev.versionobserver.status;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Whether the SRE status page is served (see docs/SECURITY.md for what it reveals). */
@ConfigMapping(prefix = "observer.status")
public interface StatusConfig {

    /** Serve /status, /status/data and /status/stream; when false they answer 404. */
    @WithDefault("true")
    boolean enabled();
}
