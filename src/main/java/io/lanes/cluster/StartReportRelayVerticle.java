package io.lanes.cluster;

import io.lanes.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Sends compute start reports into the cluster from an event loop: consumes {@link Addresses#COMPUTE_START_RELAY} (local
 * only) and forwards each report to the address in its {@link Addresses#RELAY_TO} header. A clustered send first looks
 * the address up in Hazelcast with {@code executeBlocking} on the sender's worker pool; sent from a compute verticle,
 * that lookup would wait in the queue of {@code lanes-compute} behind the jobs that occupy every thread, and the report
 * would arrive when a job ends (or never, if the node dies first). One instance per clustered compute node.
 */
public final class StartReportRelayVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    return vertx.eventBus()
      .localConsumer(Addresses.COMPUTE_START_RELAY, message -> {
        String to = message.headers().get(Addresses.RELAY_TO);
        if (to != null) {
          vertx.eventBus().send(to, message.body());
        }
      })
      .completion();
  }
}
