package io.lanes.tasks;

import io.lanes.config.LanesConfig;
import io.lanes.http.ApiException;
import io.lanes.http.Operations;
import io.lanes.http.Params;
import io.lanes.http.RequestValue;
import io.lanes.http.Responses;
import io.lanes.http.Routes;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.regex.Pattern;

/**
 * The routes of the task lane: {@code GET /task/:task_id} and {@code GET /resource} start background tasks through the
 * node's {@link TaskRunner}; {@code GET /tasks/:task_id} reads their state. Answers at once; the work runs on
 * {@code lanes-tasks}.
 */
public final class TaskRoutes implements Routes {

  public static final String TASK_ID = "task_id";
  private static final String SECONDS = "seconds";
  private static final RequestValue<Submission> SUBMISSION = RequestValue.named("tasks.submission");
  /** Up to 18 digits: always a valid {@code long}, so every accepted id has one canonical form. */
  private static final Pattern NON_NEGATIVE_INTEGER = Pattern.compile("\\d{1,18}");

  private final TaskRunner tasks;
  private final int defaultSeconds;
  private final int maxSeconds;

  public TaskRoutes(TaskRunner tasks, LanesConfig.Tasks config) {
    this.tasks = tasks;
    this.defaultSeconds = config.defaultSeconds();
    this.maxSeconds = config.maxSeconds();
  }

  /** A validated {@code /task/{id}}: the canonical id and how long the task works. */
  private record Submission(String id, long millis) {
  }

  @Override
  public void operations(Operations operations) {
    operations
      .handle("startTask", this::validateSubmit, this::submit)
      .handle("resource", this::resource)
      .handle("taskState", this::status);
  }

  @Override
  public ApiException answer(Throwable failure) {
    if (failure instanceof TaskIdInUseException inUse) {
      JsonObject detail = new JsonObject().put("id", inUse.id());
      if (inUse.state() != null) {
        detail.put("state", inUse.state());
      }
      return new ApiException(409, "task already queued or running", detail);
    }
    return null;
  }

  /** Route step: {@code task_id} is a non-negative integer, {@code seconds} (optional) a number in 0..tasks.maxSeconds. */
  private void validateSubmit(RoutingContext ctx) {
    String raw = ctx.pathParam(TASK_ID);
    if (taskIdIsMalformed(raw)) {
      throw ApiException.badParameter(TASK_ID, "must be a non-negative integer (at most 18 digits)", raw);
    }
    Number seconds = ctx.request().getParam(SECONDS) == null
      ? defaultSeconds
      : Params.seconds(ctx, SECONDS, maxSeconds);
    // "007" and "7" are one task: the canonical form is what the registry, the 409 check and the logs see.
    SUBMISSION.put(ctx, new Submission(Long.toString(Long.parseLong(raw)), Params.toMillis(seconds)));
    ctx.next();
  }

  /** 202 with {@code Location: /tasks/{id}} once the task is accepted; it then runs in the background. */
  private void submit(RoutingContext ctx) {
    Submission submission = SUBMISSION.get(ctx);
    tasks.submit(submission.id(), TaskBody.sleep(submission.millis()))
      .onSuccess(queued -> {
        ctx.response().putHeader(HttpHeaders.LOCATION, "/tasks/" + submission.id());
        Responses.send(ctx, 202, new JsonObject()
          .put("message", "Task " + submission.id() + " is running in the background."));
      })
      .onFailure(ctx::fail);
  }

  /** One background task with no id for the caller, through the same bound, registry and drain as {@code /task}. */
  private void resource(RoutingContext ctx) {
    tasks.submitUnnamed(TaskBody.sleep(defaultSeconds * 1000L))
      .onSuccess(queued -> Responses.ok(ctx, new JsonObject().put("message", "Thread started")))
      .onFailure(ctx::fail);
  }

  /** The task's state; 404 when the id is unknown (never submitted, or forgotten after the retention window). */
  private void status(RoutingContext ctx) {
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
