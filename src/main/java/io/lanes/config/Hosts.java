package io.lanes.config;

import java.util.Locale;

/** What a configured host name or address is, without resolving it. */
public final class Hosts {

  private Hosts() {
  }

  /** {@code localhost}, {@code 127.x.x.x} or {@code ::1} (bracketed or not); a wildcard such as {@code 0.0.0.0} is not. */
  public static boolean isLoopback(String host) {
    String name = host.trim().toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    return name.equals("localhost") || name.startsWith("127.") || name.equals("::1") || name.equals("0:0:0:0:0:0:0:1");
  }
}
