package io.lanes.files;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.channels.FileChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds every write it watches once {@link #holdAtBytes} bytes are in the file, until {@link #open()}: a test sees
 * exactly how many writes are in progress at once ({@link #held()}), whatever the machine's speed. The blocking writer's
 * thread waits inside its channel; an async write's file reports a full queue and withholds its drain until then.
 */
final class WriteGate {

  private final long holdAtBytes;
  private final AtomicInteger held = new AtomicInteger();
  private final Set<String> threads = ConcurrentHashMap.newKeySet();
  private final Set<Integer> priorities = ConcurrentHashMap.newKeySet();
  private final CountDownLatch opened = new CountDownLatch(1);
  private final Promise<Void> openedAsync = Promise.promise();

  WriteGate(long holdAtBytes) {
    this.holdAtBytes = holdAtBytes;
  }

  long holdAtBytes() {
    return holdAtBytes;
  }

  /** Writes now held half-way. */
  int held() {
    return held.get();
  }

  /** The threads the held writes ran on. */
  Set<String> threads() {
    return Set.copyOf(threads);
  }

  /** The Java priorities of those threads while they wrote. */
  Set<Integer> priorities() {
    return Set.copyOf(priorities);
  }

  void open() {
    opened.countDown();
    openedAsync.tryComplete();
  }

  /** A blocking writer's thread arrives: it waits here (bounded, so a failed test cannot hang the pool). */
  void holdHere() throws IOException {
    threads.add(Thread.currentThread().getName());
    priorities.add(Thread.currentThread().getPriority());
    held.incrementAndGet();
    try {
      if (!opened.await(30, TimeUnit.SECONDS)) {
        throw new IOException("the write gate was never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted at the write gate");
    }
  }

  /** A channel for the blocking writer, held at the gate. */
  FileChannel channel(FileChannel real) {
    return new WatchedChannel(real, new AtomicInteger(), this);
  }

  /** {@code real}, held at the gate: past the mark its queue reads full and its drain waits until {@link #open()}. */
  Future<AsyncFile> asyncFile(AsyncFile real) {
    long[] written = {0};
    boolean[] counted = {false};
    @SuppressWarnings("unchecked")
    Handler<Void>[] drain = new Handler[1];
    AsyncFile held = (AsyncFile) Proxy.newProxyInstance(AsyncFile.class.getClassLoader(), new Class<?>[] {AsyncFile.class},
      (proxy, method, args) -> {
        switch (method.getName()) {
          case "write":
            if (args.length == 1 && args[0] instanceof Buffer buffer) {
              written[0] += buffer.length();
            }
            break;
          case "writeQueueFull":
            if (written[0] >= holdAtBytes && !openedAsync.future().isComplete()) {
              if (!counted[0]) {
                counted[0] = true;
                threads.add(Thread.currentThread().getName());
                priorities.add(Thread.currentThread().getPriority());
                this.held.incrementAndGet();
              }
              return true;
            }
            break;
          case "drainHandler":
            drain[0] = (Handler<Void>) args[0];
            // The file is confined to the loop that opened it: its writer resumes there, whoever opens the gate.
            Context loop = Vertx.currentContext();
            openedAsync.future().onComplete((AsyncResult<Void> open) -> loop.runOnContext(v -> {
              if (drain[0] != null) {
                drain[0].handle(null);
              }
            }));
            break;
          default:
            break;
        }
        try {
          Object result = method.invoke(real, args);
          return result == real ? proxy : result;
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });
    return Future.succeededFuture(held);
  }
}
