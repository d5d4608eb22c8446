package io.lanes.tasks;

import io.lanes.app.Node;
import io.lanes.http.ApiException;
import io.lanes.http.Params;
import io.lanes.http.Responses;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.regex.Pattern;

/**
 * The routes of the task lane: {@code GET /task/:task_id} and {@code GET /resource} start background tasks through the
 * node's {@link TaskRunner}; {@code GET /tasks/:task_id} reads their state. Answers at once; the work runs on
 * {@code lanes-tasks}.
 */
public final class TaskHandlers {

  public static final String TASK_ID = "task_id";
  private static final String SECONDS = "seconds";
  private static final String ID = "lanes.task.id";
  private static final String MILLIS = "lanes.task.millis";
  /** Up to 18 digits: always a valid {@code long}, so every accepted id has one canonical form. */
  private static final Pattern NON_NEGATIVE_INTEGER = Pattern.compile("\\d{1,18}");

  private final TaskRunner tasks;
  private final int defaultSeconds;
  private final int maxSeconds;

  public TaskHandlers(Node node) {
    this.tasks = node.tasks();
    this.defaultSeconds = node.config().tasks().defaultSeconds();
    this.maxSeconds = node.config().tasks().maxSeconds();
  }

  /** Route step: {@code task_id} is a non-negative integer, {@code seconds} (optional) a number in 0..tasks.maxSeconds. */
  public void validateSubmit(RoutingContext ctx) {
    String raw = ctx.pathParam(TASK_ID);
    if (taskIdIsMalformed(raw)) {
      throw ApiException.badParameter(TASK_ID, "must be a non-negative integer (at most 18 digits)", raw);
    }
    // "007" and "7" are one task: the canonical form is what the registry, the 409 check and the logs see.
    ctx.put(ID, Long.toString(Long.parseLong(raw)));
    Number seconds = ctx.request().getParam(SECONDS) == null
      ? defaultSeconds
      : Params.seconds(ctx, SECONDS, maxSeconds);
    ctx.put(MILLIS, Params.toMillis(seconds));
    ctx.next();
  }

  /** 202 with {@code Location: /tasks/{id}} once the task is accepted; it then runs in the background. */
  public void submit(RoutingContext ctx) {
    String id = ctx.get(ID);
    long millis = ctx.get(MILLIS);
    tasks.submit(id, TaskBody.sleep(millis))
      .onSuccess(queued -> {
        ctx.response().putHeader(HttpHeaders.LOCATION, "/tasks/" + id);
        Responses.send(ctx, 202, new JsonObject().put("message", "Task " + id + " is running in the background."));
      })
      .onFailure(ctx::fail);
  }

  /** One background task with no id for the caller, through the same bound, registry and drain as {@code /task}. */
  public void resource(RoutingContext ctx) {
    tasks.submitUnnamed(TaskBody.sleep(defaultSeconds * 1000L))
      .onSuccess(queued -> Responses.ok(ctx, new JsonObject().put("message", "Thread started")))
      .onFailure(ctx::fail);
  }

  /** The task's state; 404 when the id is unknown (never submitted, or forgotten after the retention window). */
  public void status(RoutingContext ctx) {
    String raw = ctx.pathParam(TASK_ID);
    String id = NON_NEGATIVE_INTEGER.matcher(raw).matches() ? Long.toString(Long.parseLong(raw)) : raw;
    tasks.state(id)
      .onSuccess(state -> {
        if (state == null) {
          ctx.fail(new ApiException(404, "unknown task", new JsonObject().put("id", raw)));
        } else {
          Responses.ok(ctx, state);
        }
      })
      .onFailure(ctx::fail);
  }

  private static boolean taskIdIsMalformed(String raw) {
    return raw == null || !NON_NEGATIVE_INTEGER.matcher(raw).matches();
  }
}
