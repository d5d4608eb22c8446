package io.lanes.files;

import io.lanes.bus.Addresses;
import io.lanes.bus.FailureCodes;
import io.lanes.bus.WriteDone;
import io.lanes.bus.WriteRequest;
import io.lanes.config.LanesConfig;
import io.lanes.lane.WorkThreads;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Consumes {@link Addresses#FILES_WRITE} ({@link WriteRequest}) as a worker verticle on its own pool {@value #POOL_NAME}
 * ({@code files.writerInstances} instances, one write each at a time) and answers {@link WriteDone}; fails with
 * {@link FailureCodes#IO} when the disk refuses, {@link FailureCodes#BUSY} (unwritten) for a request taken after its
 * start-by time (the files lane's wait budget), {@link FailureCodes#DEADLINE} for one stopped at its deadline. The consumer is local: a write lands on the disk of the node that
 * accepted it.
 */
public final class FileWriterVerticle extends VerticleBase {

  public static final String POOL_NAME = "lanes-files";

  private static final Logger LOG = LoggerFactory.getLogger(FileWriterVerticle.class);

  private final ChunkedFileWriter writer;
  private final long maxBytes;

  public FileWriterVerticle(ChunkedFileWriter writer, long maxBytes) {
    this.writer = writer;
    this.maxBytes = maxBytes;
  }

  /** {@code files.writerInstances} writers on their own worker pool of as many threads. */
  public static DeploymentOptions deploymentOptions(LanesConfig.Files files) {
    return new DeploymentOptions()
      .setThreadingModel(ThreadingModel.WORKER)
      .setInstances(files.writerInstances())
      .setWorkerPoolName(POOL_NAME)
      .setWorkerPoolSize(files.writerInstances())
      .setMaxWorkerExecuteTime(files.writeTimeoutMs())
      .setMaxWorkerExecuteTimeUnit(TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<Object>localConsumer(Addresses.FILES_WRITE, this::write).completion();
  }

  private void write(Message<Object> message) {
    WorkThreads.yieldToEventLoops();
    if (!(message.body() instanceof WriteRequest request) || request.bytes() < 0 || request.bytes() > maxBytes) {
      message.fail(FailureCodes.BAD_REQUEST, "a write request must be 0.." + maxBytes + " bytes");
      return;
    }
    long startedAt = System.currentTimeMillis();
    long waitedMs = Math.max(0, startedAt - request.admittedAtEpochMs());
    if (startedAt > request.startByEpochMs()) {
      // It waited for a writer past the files lane's budget: refused now rather than written late.
      message.fail(FailureCodes.BUSY, "the write waited " + waitedMs + " ms for a writer, past the files lane's budget");
      return;
    }
    long started = System.nanoTime();
    try {
      long written = writer.write(request.bytes(), request.deadlineEpochMs());
      message.reply(new WriteDone(written, (System.nanoTime() - started) / 1e9, waitedMs));
    } catch (WriteDeadlineException e) {
      message.fail(FailureCodes.DEADLINE, e.getMessage());
    } catch (IOException e) {
      LOG.warn("File write of {} bytes failed: {}", request.bytes(), e.toString());
      message.fail(FailureCodes.IO, WriteFailures.describe(e));
    } catch (RuntimeException e) {
      LOG.error("File write of {} bytes failed", request.bytes(), e);
      message.fail(FailureCodes.INTERNAL, "the write failed; the failure was logged");
    }
  }
}
