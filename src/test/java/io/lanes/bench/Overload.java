package io.lanes.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The overload row of scripts/bench: {@code count} requests to one URI at once, each on its own connection, while a
 * probe asks {@code /hello} every 10 ms; then one JSON line: how many were accepted (2xx) and refused (503), how fast
 * each kind was answered, whether a refusal carried {@code Retry-After}, and the probe's latencies. Latency is measured
 * per request, by status, which wrk cannot do. Before the burst, five requests in a row give the URI's service time
 * alone ({@code service_ms}, their slowest). Usage: {@code java -cp ... io.lanes.bench.Overload <port> <uri> <count>}.
 *
 * <p>The client is plain non-blocking sockets on one thread: every request's bytes are built once, written to all
 * {@code count} connections in one pass (its latency counts from its own write), and the answers are read with one
 * selector. A client with a pipeline per request measures itself: on the 2-core machine, beside a Lanes that answers
 * 1,000 {@code /hello} at once in 20-40 ms (p99), a Vert.x {@code HttpClient} issuing them from one thread measured
 * 100-215 ms, its own promise chains and pool hops sharing the two cores with the server. The connections are opened,
 * and the server's and this client's code warmed, by five rounds of {@code count} {@code /hello} at once before the
 * burst: the burst then measures how the lanes answer, not how a cold JVM opens 1,000 connections.
 */
public final class Overload {

  private static final String HOST = "127.0.0.1";
  private static final int WARM_ROUNDS = 5;
  private static final long PROBE_EVERY_MS = 10;

  private Overload() {
  }

  /** One answer: its status ({@code -1} for a failure) and how long it took, in ms. */
  private record Answer(int status, double millis, boolean retryAfter) {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String uri = args[1];
    int count = Integer.parseInt(args[2]);
    InetSocketAddress address = new InetSocketAddress(HOST, port);
    double serviceMs = 0;
    try (SocketChannel single = connect(address)) {
      Response reader = new Response();
      for (int i = 0; i < 5; i++) {
        serviceMs = Math.max(serviceMs, roundTrip(single, reader, request(uri), 60_000).millis());
      }
    }
    List<SocketChannel> connections = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < count; i++) {
        SocketChannel channel = connect(address);
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ, i);
        connections.add(channel);
      }
      for (int round = 0; round < WARM_ROUNDS; round++) {
        burst(selector, connections, "/hello", 120_000);
      }
      List<Answer> hello = new ArrayList<>();
      AtomicBoolean probing = new AtomicBoolean(true);
      Thread probe = new Thread(() -> probe(address, probing, hello), "overload-probe");
      probe.start();
      long started = System.nanoTime();
      List<Answer> answers = burst(selector, connections, uri, 300_000);
      double wallMs = (System.nanoTime() - started) / 1e6;
      probing.set(false);
      probe.join(TimeUnit.SECONDS.toMillis(15));
      List<Answer> probed;
      synchronized (hello) {
        probed = List.copyOf(hello);
      }
      System.out.println(report(answers, probed, wallMs).put("service_ms", Math.round(serviceMs * 10) / 10.0).encode());
    } finally {
      for (SocketChannel channel : connections) {
        channel.close();
      }
    }
  }

  private static SocketChannel connect(InetSocketAddress address) throws IOException {
    SocketChannel channel = SocketChannel.open(address);
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    return channel;
  }

  private static byte[] request(String uri) {
    return ("GET " + uri + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * One request on each connection, all written before any answer is read; the answers, by connection. A connection
   * that closes or does not answer within {@code timeoutMs} counts as a failure ({@code -1}).
   */
  private static List<Answer> burst(Selector selector, List<SocketChannel> connections, String uri, long timeoutMs)
    throws IOException {
    byte[] bytes = request(uri);
    int count = connections.size();
    long[] sentAt = new long[count];
    Answer[] answers = new Answer[count];
    Response[] responses = new Response[count];
    for (int i = 0; i < count; i++) {
      responses[i] = new Response();
      sentAt[i] = System.nanoTime();
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        connections.get(i).write(buffer);
      }
    }
    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    int answered = 0;
    while (answered < count && System.nanoTime() < deadline) {
      selector.select(100);
      for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
        SelectionKey key = keys.next();
        keys.remove();
        int i = (Integer) key.attachment();
        in.clear();
        int read = connections.get(i).read(in);
        long now = System.nanoTime();
        if (answers[i] != null) {
          if (read < 0) {
            key.cancel(); // closed after its answer (a refusal may say Connection: close)
          }
        } else if (read < 0) {
          answers[i] = new Answer(-1, (now - sentAt[i]) / 1e6, false);
          key.cancel();
          answered++;
        } else if (responses[i].add(in.array(), read)) {
          answers[i] = new Answer(responses[i].status, (now - sentAt[i]) / 1e6, responses[i].retryAfter);
          answered++;
        }
      }
    }
    long now = System.nanoTime();
    List<Answer> result = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      result.add(answers[i] != null ? answers[i] : new Answer(-1, (now - sentAt[i]) / 1e6, false));
    }
    return result;
  }

  /** {@code /hello} every {@value #PROBE_EVERY_MS} ms on one blocking connection of its own, until told to stop. */
  private static void probe(InetSocketAddress address, AtomicBoolean probing, List<Answer> hello) {
    byte[] bytes = request("/hello");
    Response reader = new Response();
    try (SocketChannel channel = connect(address)) {
      while (probing.get()) {
        Answer answer = roundTrip(channel, reader, bytes, 10_000);
        synchronized (hello) {
          hello.add(answer);
        }
        if (answer.status() < 0) {
          return;
        }
        // Pacing, not waiting for an event: the probe asks at a steady rate whatever the answers do.
        Thread.sleep(PROBE_EVERY_MS);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Answer roundTrip(SocketChannel channel, Response reader, byte[] bytes, long timeoutMs)
    throws IOException {
    channel.socket().setSoTimeout((int) timeoutMs);
    reader.reset();
    long start = System.nanoTime();
    ByteBuffer out = ByteBuffer.wrap(bytes);
    while (out.hasRemaining()) {
      channel.write(out);
    }
    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    while (true) {
      in.clear();
      int read = channel.read(in);
      if (read < 0) {
        return new Answer(-1, (System.nanoTime() - start) / 1e6, false);
      }
      if (reader.add(in.array(), read)) {
        return new Answer(reader.status, (System.nanoTime() - start) / 1e6, reader.retryAfter);
      }
    }
  }

  /** One HTTP/1.1 response read as its bytes come: the status line, two headers, a body by length or by chunks. */
  private static final class Response {
    private byte[] bytes = new byte[1024];
    private int length;
    private int headEnd;
    private int status;
    private boolean retryAfter;
    private long contentLength;
    private boolean chunked;

    void reset() {
      length = 0;
      headEnd = 0;
      status = 0;
      retryAfter = false;
      contentLength = 0;
      chunked = false;
    }

    /** Adds what was read; true once the whole response is in. */
    boolean add(byte[] data, int count) {
      if (length + count > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
      }
      System.arraycopy(data, 0, bytes, length, count);
      length += count;
      if (headEnd == 0 && !parseHead()) {
        return false;
      }
      if (chunked) {
        // The last chunk: a size of 0 and the empty line that ends the (absent) trailers.
        return length - headEnd >= 5
          && new String(bytes, length - 5, 5, StandardCharsets.ISO_8859_1).equals("0\r\n\r\n");
      }
      return length - headEnd >= contentLength;
    }

    private boolean parseHead() {
      String text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        return false;
      }
      headEnd = end + 4;
      String[] lines = text.substring(0, end).split("\r\n");
      status = Integer.parseInt(lines[0].substring(9, 12));
      for (int i = 1; i < lines.length; i++) {
        String line = lines[i].toLowerCase(Locale.ROOT);
        if (line.startsWith("content-length:")) {
          contentLength = Long.parseLong(line.substring("content-length:".length()).trim());
        } else if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
          chunked = true;
        } else if (line.startsWith("retry-after:")) {
          retryAfter = true;
        }
      }
      return true;
    }
  }

  private static JsonObject report(List<Answer> answers, List<Answer> hello, double wallMs) {
    List<Answer> accepted = answers.stream().filter(a -> a.status() >= 200 && a.status() < 300).toList();
    List<Answer> refused = answers.stream().filter(a -> a.status() == 503).toList();
    long other = answers.size() - accepted.size() - refused.size();
    return new JsonObject()
      .put("requests", answers.size())
      .put("accepted", accepted.size())
      .put("refused", refused.size())
      .put("other", other)
      .put("shed_fraction", answers.isEmpty() ? 0 : (double) refused.size() / answers.size())
      .put("refused_without_retry_after", refused.stream().filter(a -> !a.retryAfter()).count())
      .put("accepted_p50_ms", percentile(accepted, 50))
      .put("accepted_p99_ms", percentile(accepted, 99))
      .put("refused_p50_ms", percentile(refused, 50))
      .put("refused_p99_ms", percentile(refused, 99))
      .put("refused_max_ms", percentile(refused, 100))
      .put("hello", hello.size())
      .put("hello_failed", hello.stream().filter(a -> a.status() != 200).count())
      .put("hello_p99_ms", percentile(hello, 99))
      .put("wall_ms", Math.round(wallMs));
  }

  private static double percentile(List<Answer> answers, double p) {
    if (answers.isEmpty()) {
      return 0;
    }
    double[] sorted = answers.stream().mapToDouble(Answer::millis).toArray();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return Math.round(sorted[Math.max(0, Math.min(sorted.length - 1, index))] * 10) / 10.0;
  }
}
