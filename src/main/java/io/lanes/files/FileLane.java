package io.lanes.files;

import io.lanes.app.Node;
import io.lanes.config.LanesConfig;
import io.lanes.config.Role;
import io.lanes.lane.Lane;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.file.Path;

/**
 * What the file lane shares on a node: the data directory, the {@code files} admission bound (writers plus
 * {@code files.queueLimit} waiting) for the {@code worker} and {@code async} modes, the blocking writer and the one
 * {@code log.txt} appender. Created with the {@link Node}.
 */
public final class FileLane {

  public static final String LANE_NAME = "files";

  private final LanesConfig.Files config;
  private final Path dataDir;
  private final Lane writes;
  private final ChunkedFileWriter writer;
  private final LogAppender log;

  private FileLane(LanesConfig.Files config, Lane writes, LogAppender log) {
    this.config = config;
    this.dataDir = Path.of(config.dataDir());
    this.writes = writes;
    this.writer = ChunkedFileWriter.from(config);
    this.log = log;
  }

  public static FileLane create(Vertx vertx, LanesConfig config) {
    LanesConfig.Files files = config.files();
    Lane writes = new Lane(LANE_NAME, files.capacity(), config.http().retryAfterSeconds());
    LogAppender log = new LogAppender(Path.of(files.dataDir()).resolve(LogAppender.FILE_NAME),
      vertx.createSharedWorkerExecutor(LogAppender.POOL_NAME, 1), files.logQueueBytes(), files.fsync());
    return new FileLane(files, writes, log);
  }

  /**
   * The deploy step of the file lane: creates the data directory if missing, then (on a node with the {@code files}
   * role) the {@link FileWriterVerticle} instances.
   */
  public static Future<Void> deploy(Vertx vertx, Node node) {
    Future<Void> dataDir = vertx.fileSystem().mkdirs(node.files().dataDir().toString());
    if (!node.config().has(Role.FILES)) {
      return dataDir;
    }
    return dataDir.compose(v -> FileWriterVerticle.deploy(vertx, node)).mapEmpty();
  }

  public LanesConfig.Files config() {
    return config;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Admission of {@code worker} and {@code async} writes. */
  public Lane writes() {
    return writes;
  }

  /** The blocking writer: call it only off the event loop (or on it in the {@code event-loop} demo mode). */
  public ChunkedFileWriter writer() {
    return writer;
  }

  /** The appender of {@code <data dir>/log.txt}. */
  public LogAppender log() {
    return log;
  }
}
