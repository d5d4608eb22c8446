package io.lanes.support;

import io.lanes.http.Operations;
import io.lanes.http.Routes;

/**
 * For an HTTP front a test composes from a few features: every operation none of them handles answers 501, so the
 * front starts (it refuses to start with an operation of the contract unhandled). Put it last.
 */
public final class NotServedHere implements Routes {

  @Override
  public void operations(Operations operations) {
    for (String operationId : operations.unhandled()) {
      operations.handle(operationId, ctx -> ctx.response().setStatusCode(501).end());
    }
  }
}
