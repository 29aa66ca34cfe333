package fr.coffre.roles;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What this instance does, as {@link RoleConfigSource} derives it from {@code COFFRE_ROLES}; read
 * here rather than from the raw variable so that an operator's override of either flag wins.
 */
@ConfigMapping(prefix = "coffre.role")
public interface RolesConfig {

    /** Serves the HTTP API. */
    @WithDefault("true")
    boolean api();

    /** Consumes the indexing topics and extracts documents. */
    @WithDefault("true")
    boolean worker();
}
