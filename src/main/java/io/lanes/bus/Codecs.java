package io.lanes.bus;

import io.vertx.core.eventbus.EventBus;

import java.util.List;

/** The codecs of every message record Lanes sends; every node registers them at start (the cluster needs them all). */
public final class Codecs {

  private static final List<JsonCodec<?>> ALL = List.of(
    new JsonCodec<>(WriteRequest.class, WriteRequest::toJson, WriteRequest::fromJson),
    new JsonCodec<>(WriteDone.class, WriteDone::toJson, WriteDone::fromJson),
    new JsonCodec<>(JobRequest.class, JobRequest::toJson, JobRequest::fromJson),
    new JsonCodec<>(JobResult.class, JobResult::toJson, JobResult::fromJson),
    new JsonCodec<>(JobStarted.class, JobStarted::toJson, JobStarted::fromJson));

  private Codecs() {
  }

  /** Registers each record's codec as its default on {@code bus}; one already registered there is kept. */
  public static void registerOn(EventBus bus) {
    ALL.forEach(codec -> register(bus, codec));
  }

  private static <T> void register(EventBus bus, JsonCodec<T> codec) {
    try {
      bus.registerDefaultCodec(codec.type(), codec);
    } catch (IllegalStateException alreadyRegistered) {
      // A second Lanes node in the same Vert.x (tests): the codec of the first one is the same.
    }
  }
}
