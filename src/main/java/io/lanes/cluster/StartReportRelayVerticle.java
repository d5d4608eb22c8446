package io.lanes.cluster;

import io.lanes.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * Sends compute start reports into the cluster from an event loop: consumes {@link Addresses#COMPUTE_START_RELAY} (local
 * only) and forwards each report to the address in its {@value #TO} field. A clustered send first looks the address up
 * in Hazelcast with {@code executeBlocking} on the sender's worker pool; sent from a compute verticle, that lookup would
 * wait in the queue of {@code lanes-compute} behind the jobs that occupy every thread, and the report would arrive when a
 * job ends (or never, if the node dies first). One instance per clustered compute node.
 */
public final class StartReportRelayVerticle extends VerticleBase {

  public static final String TO = "to";

  @Override
  public Future<?> start() {
    return vertx.eventBus()
      .<JsonObject>localConsumer(Addresses.COMPUTE_START_RELAY, message -> {
        JsonObject report = message.body().copy();
        Object to = report.remove(TO);
        if (to instanceof String address) {
          vertx.eventBus().send(address, report);
        }
      })
      .completion();
  }
}
