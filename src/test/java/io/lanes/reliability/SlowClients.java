package io.lanes.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Clients that cost a server by being slow or by leaving: slowloris, and disconnects mid-request or after the answer. */
final class SlowClients {

  private static final String[] ABANDONED = {
    "POST /send HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"message\":\"hal",
    "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"type\":",
    "GET /sync?seconds=0.5 HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /write?bytes=1048576 HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /process?n=7&iterations=1000000 HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /fetch-data HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /upstream/json?trickle_ms=200 HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
  };

  private final int port;

  SlowClients(int port) {
    this.port = port;
  }

  /**
   * Opens a connection, sends half a request, then one byte every {@code everyMs} (0: nothing); the seconds until the
   * server closed it, or -1 if it was still open at {@code limitMs}.
   */
  double slowloris(long everyMs, long limitMs) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      OutputStream out = socket.getOutputStream();
      long start = System.nanoTime();
      out.write("GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      socket.setSoTimeout((int) (everyMs == 0 ? limitMs : everyMs));
      while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(limitMs)) {
        try {
          if (socket.getInputStream().read() < 0) {
            return (System.nanoTime() - start) / 1e9;
          }
        } catch (SocketTimeoutException e) {
          if (everyMs > 0) {
            try {
              out.write('a');
              out.flush();
            } catch (IOException closed) {
              return (System.nanoTime() - start) / 1e9;
            }
          }
        } catch (IOException reset) {
          return (System.nanoTime() - start) / 1e9;
        }
      }
      return -1;
    }
  }

  /**
   * Ten rounds of clients that send a request (some only half) and reset the connection at once or after reading the
   * start of the answer; returns how many. Leaves 1.5 s for the server to notice the abandoned connections.
   */
  int disconnects() throws Exception {
    int count = 0;
    for (int round = 0; round < 10; round++) {
      for (String request : ABANDONED) {
        for (boolean readFirst : new boolean[] {false, true}) {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoLinger(true, 0);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            if (readFirst) {
              socket.setSoTimeout(200);
              try {
                socket.getInputStream().read(new byte[64]);
              } catch (IOException ignored) {
                // half a request gets no answer: leave anyway
              }
            }
          }
          count++;
        }
      }
    }
    // scenario time: the server notices the abandoned connections (read and idle timeouts) before /hello is judged
    Poll.pause(1500);
    return count;
  }
}
