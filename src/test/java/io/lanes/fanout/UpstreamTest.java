package io.lanes.fanout;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

@DisplayName("An upstream's reported name")
class UpstreamTest {

  @Test
  @DisplayName("is its URL without user-info, so configured credentials never reach a client")
  void dropsUserInfo() {
    assertEquals("http://api.example.com:8443/v1?q=@x", Upstream.of("http://user:secret@api.example.com:8443/v1?q=@x").name());
    assertEquals("https://example.com/a@b", Upstream.of("https://example.com/a@b").name());
    assertEquals("http://127.0.0.1:8080/upstream/json", Upstream.of("http://127.0.0.1:8080/upstream/json").name());
    assertEquals("http://user:secret@api.example.com/v1", Upstream.of("http://user:secret@api.example.com/v1").url());
  }
}
