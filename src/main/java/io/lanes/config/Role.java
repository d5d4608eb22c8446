package io.lanes.config;

import java.util.Locale;

/** What a node runs. A node with every role is a standalone Lanes; {@code compute} alone is a compute-only cluster node. */
public enum Role {
  HTTP, FILES, COMPUTE, SCHEDULER;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Role parse(String key, String value) {
    for (Role role : values()) {
      if (role.id().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return role;
      }
    }
    throw new ConfigException(key, "has unknown role \"" + value + "\" (known: http, files, compute, scheduler)");
  }
}
