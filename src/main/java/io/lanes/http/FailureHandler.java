package io.lanes.http;

import io.lanes.bus.FailureCodes;
import io.lanes.lane.LaneFullException;
import io.lanes.lifecycle.DrainingException;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.validation.ValidatorException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The one place failures become answers: every failed route and every 404/405 ends here, and leaves with a JSON body
 * {@code {"error", "detail"}}. A feature's own domain failures are answered as that feature says ({@link Routes#answer});
 * lane, event-bus, lifecycle and decoding failures here. A 5xx from an unexpected cause is logged once with the cause; no
 * stack trace reaches a client.
 */
public final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

  private final int retryAfterSeconds;
  private final List<Routes> features;
  private final ContractFailures contract;

  public FailureHandler(int retryAfterSeconds, List<Routes> features, ApiContract contract) {
    this.retryAfterSeconds = retryAfterSeconds;
    this.features = List.copyOf(features);
    this.contract = new ContractFailures(contract);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (clientIsGone(ctx.failure())) {
      // The client left mid-request: nobody to answer, nothing to log above DEBUG (a storm of these is not a bug).
      LOG.debug("Client left during {} {}: {}", ctx.request().method(), ctx.request().path(), ctx.failure().toString());
      ctx.response().reset();
      return;
    }
    ApiException answer = answerFor(ctx.failure(), ctx.statusCode(), ctx);
    if (answer.status() == 503 || answer.status() == 429) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, retryAfterFor(ctx.failure()));
    }
    JsonObject body = new JsonObject().put("error", answer.error());
    if (answer.detail() != null) {
      body.put("detail", answer.detail());
    }
    Responses.send(ctx, answer.status(), body);
  }

  private ApiException answerFor(Throwable failure, int status, RoutingContext ctx) {
    if (failure instanceof ApiException api) {
      return api;
    }
    for (Routes feature : features) {
      ApiException answer = failure == null ? null : feature.answer(failure);
      if (answer != null) {
        return answer;
      }
    }
    if (failure instanceof DrainingException draining) {
      return new ApiException(503, "draining", draining.getMessage());
    }
    if (failure instanceof LaneFullException full) {
      return laneFull(full);
    }
    if (failure instanceof TimeoutException) {
      return new ApiException(504, "timed out", "no answer from the lane in time");
    }
    if (failure instanceof ReplyException reply) {
      return fromReply(reply, ctx);
    }
    if (failure instanceof DecodeException) {
      return new ApiException(400, "malformed JSON body", "the request body is not valid JSON");
    }
    if (failure instanceof HttpPostRequestDecoder.TooLongFormFieldException) {
      return new ApiException(413, "payload too large", "a form field of the request body is over the limit");
    }
    if (failure instanceof DecoderException || formDecodingFailed(failure, ctx)) {
      return new ApiException(400, "malformed body", "the request body could not be decoded");
    }
    if (failure instanceof HttpException http && http.getCause() instanceof ValidatorException invalid) {
      return contract.answer(ctx, invalid);
    }
    if (failure instanceof ValidatorException invalid) {
      // thrown while the validator read the request (a value it cannot decode), not by its validation step
      return contract.answer(ctx, invalid);
    }
    if (failure instanceof HttpException http) {
      return byStatus(http.getStatusCode(), ctx);
    }
    if (failure == null && status >= 400) {
      return byStatus(status, ctx);
    }
    LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
    return new ApiException(500, "internal error", "the failure was logged");
  }

  /**
   * The router's own 400, for a request it cannot even route (a path with an invalid percent-encoding): the same JSON
   * answer as every other error instead of vertx-web's plain-text one.
   */
  void undecodable(RoutingContext ctx) {
    if (!ctx.response().ended() && !ctx.response().closed()) {
      Responses.send(ctx, 400, new JsonObject().put("error", "malformed path").put("detail", "the path has an invalid percent-encoding"));
    }
  }

  /** Vert.x decodes a form body at its end and reports a bad escape in it ({@code %%F0}) as an IllegalArgumentException. */
  private static boolean formDecodingFailed(Throwable failure, RoutingContext ctx) {
    return failure instanceof IllegalArgumentException && ctx.request().isExpectMultipart();
  }

  private static boolean clientIsGone(Throwable failure) {
    return failure instanceof HttpClosedException || failure instanceof SocketException || failure instanceof ClosedChannelException;
  }

  /** 503: the lane would make the work wait past its budget, or it did wait past it; when to retry, from its drain rate. */
  private static ApiException laneFull(LaneFullException full) {
    JsonObject detail = new JsonObject()
      .put("lane", full.lane())
      .put("reason", full.reason() == LaneFullException.Reason.WAITED ? "waited past the budget" : "expected wait over the budget")
      .put("maxWaitMs", full.maxWaitMs())
      .put("retryAfterMs", full.retryAfterMs())
      .put("capacity", full.capacity());
    if (full.reason() == LaneFullException.Reason.WAITED) {
      detail.put("waitedMs", full.waitedMs());
    }
    return new ApiException(503, "lane full", detail.put("message", full.getMessage()));
  }

  private static ApiException fromReply(ReplyException reply, RoutingContext ctx) {
    switch (reply.failureType()) {
      case TIMEOUT:
        return new ApiException(504, "timed out", "no answer from the lane in time");
      case NO_HANDLERS:
        return new ApiException(503, "no consumer", "no node serves this lane right now");
      default:
        if (reply.failureCode() == FailureCodes.BUSY) {
          // A worker took the work after its lane's wait budget and refused it unrun.
          return new ApiException(503, "lane full", new JsonObject().put("message", reply.getMessage()));
        }
        int status = FailureCodes.httpStatus(reply.failureCode());
        if (status == 500) {
          LOG.error("Lane failure on {} {}: code {} {}", ctx.request().method(), ctx.request().path(),
            reply.failureCode(), reply.getMessage());
          return new ApiException(500, "internal error", "the failure was logged");
        }
        return new ApiException(status, HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(), reply.getMessage());
    }
  }

  private static ApiException byStatus(int status, RoutingContext ctx) {
    String path = ctx.request().path();
    return switch (status) {
      case 404 -> new ApiException(404, "not found", "no route for " + path);
      case 405 -> new ApiException(405, "method not allowed", ctx.request().method() + " is not allowed on " + path);
      case 413 -> new ApiException(413, "payload too large", "the request body is over the limit");
      case 400 -> new ApiException(400, "bad request", "the request could not be read");
      default -> {
        if (status >= 500) {
          LOG.error("Failure with status {} on {} {}", status, ctx.request().method(), path);
        }
        yield new ApiException(status, HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(), path);
      }
    };
  }

  private String retryAfterFor(Throwable failure) {
    if (failure instanceof LaneFullException full) {
      return Long.toString(full.retryAfterSeconds());
    }
    return Integer.toString(retryAfterSeconds);
  }
}
