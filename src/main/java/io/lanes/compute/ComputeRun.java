package io.lanes.compute;

import io.lanes.bus.JobResult;
import io.vertx.core.AsyncResult;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * One job this node sent to the compute lane and had answered: its type, the node that ran it ({@code null} when it
 * failed before any did), its run time and how it ended ({@code done}, or the failure's kind). What the dashboard lists
 * as "which node ran the last jobs".
 */
public record ComputeRun(String type, String node, long runMs, long finishedAtEpochMs, String outcome) {

  static ComputeRun of(String type, AsyncResult<JobResult> answer, long finishedAtEpochMs) {
    if (answer.succeeded()) {
      JobResult result = answer.result();
      return new ComputeRun(type, result.node(), result.elapsedMs(), finishedAtEpochMs, "done");
    }
    String outcome = answer.cause() instanceof ReplyException reply
      ? reply.failureType().name().toLowerCase()
      : answer.cause().getClass().getSimpleName();
    return new ComputeRun(type, null, -1, finishedAtEpochMs, outcome);
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("type", type)
      .put("node", node)
      .put("runMs", runMs < 0 ? null : runMs)
      .put("at", finishedAtEpochMs)
      .put("outcome", outcome);
  }
}
