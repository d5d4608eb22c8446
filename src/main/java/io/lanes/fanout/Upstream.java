package io.lanes.fanout;

/**
 * One fan-out target: the URL called and the name it is reported under ({@code upstream} in results and metrics), which is
 * the URL without any user-info, so credentials written in the config never reach a client.
 */
public record Upstream(String name, String url) {

  private static final String SCHEME_END = "://";

  public static Upstream of(String url) {
    return new Upstream(withoutUserInfo(url), url);
  }

  static String withoutUserInfo(String url) {
    int authorityStart = url.indexOf(SCHEME_END);
    if (authorityStart < 0) {
      return url;
    }
    authorityStart += SCHEME_END.length();
    int authorityEnd = authorityStart;
    while (authorityEnd < url.length() && "/?#".indexOf(url.charAt(authorityEnd)) < 0) {
      authorityEnd++;
    }
    int at = url.lastIndexOf('@', authorityEnd - 1);
    if (at < authorityStart) {
      return url;
    }
    return url.substring(0, authorityStart) + url.substring(at + 1);
  }
}
