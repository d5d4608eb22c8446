package io.lanes.files;

import io.lanes.app.Node;
import io.lanes.bus.Addresses;
import io.lanes.bus.FailureCodes;
import io.lanes.config.LanesConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Consumes {@link Addresses#FILES_WRITE} ({@code {"bytes": N}}) as a worker verticle on its own pool
 * {@value #POOL_NAME} ({@code files.writerInstances} instances, one write each at a time) and answers
 * {@code {"bytes", "elapsed"}}, or fails with {@link FailureCodes#IO} when the disk refuses. The consumer is local: a
 * write lands on the disk of the node that accepted it.
 */
public final class FileWriterVerticle extends VerticleBase {

  public static final String POOL_NAME = "lanes-files";
  public static final String BYTES = "bytes";
  public static final String ELAPSED = "elapsed";

  private static final Logger LOG = LoggerFactory.getLogger(FileWriterVerticle.class);

  private final ChunkedFileWriter writer;
  private final long maxBytes;

  public FileWriterVerticle(Node node) {
    this.writer = node.files().writer();
    this.maxBytes = node.config().files().maxBytes();
  }

  /** Deploys {@code files.writerInstances} writers on their own worker pool. */
  static Future<String> deploy(Vertx vertx, Node node) {
    LanesConfig.Files files = node.config().files();
    DeploymentOptions options = new DeploymentOptions()
      .setThreadingModel(ThreadingModel.WORKER)
      .setInstances(files.writerInstances())
      .setWorkerPoolName(POOL_NAME)
      .setWorkerPoolSize(files.writerInstances())
      .setMaxWorkerExecuteTime(files.writeTimeoutMs())
      .setMaxWorkerExecuteTimeUnit(TimeUnit.MILLISECONDS);
    return vertx.deployVerticle(() -> new FileWriterVerticle(node), options);
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.FILES_WRITE, this::write).completion();
  }

  private void write(Message<JsonObject> message) {
    Object requested = message.body() == null ? null : message.body().getValue(BYTES);
    if (!(requested instanceof Number number) || number.longValue() < 0 || number.longValue() > maxBytes) {
      message.fail(FailureCodes.BAD_REQUEST, "bytes must be a whole number in 0.." + maxBytes);
      return;
    }
    long started = System.nanoTime();
    try {
      long written = writer.write(number.longValue());
      message.reply(new JsonObject().put(BYTES, written).put(ELAPSED, (System.nanoTime() - started) / 1e9));
    } catch (IOException e) {
      LOG.warn("File write of {} bytes failed: {}", number.longValue(), e.toString());
      message.fail(FailureCodes.IO, WriteFailures.describe(e));
    } catch (RuntimeException e) {
      LOG.error("File write of {} bytes failed", number.longValue(), e);
      message.fail(FailureCodes.INTERNAL, "the write failed; the failure was logged");
    }
  }
}
