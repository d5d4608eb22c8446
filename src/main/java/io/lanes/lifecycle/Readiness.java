package io.lanes.lifecycle;

import java.util.concurrent.atomic.AtomicReference;

/** Whether this node takes traffic: STARTING until every lane is deployed, READY, then DRAINING from the first stop. */
public final class Readiness {

  public enum State { STARTING, READY, DRAINING }

  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
  private volatile long drainingSince;

  public State state() {
    return state.get();
  }

  public boolean isReady() {
    return state.get() == State.READY;
  }

  /** STARTING → READY; a node already draining stays draining. */
  public void markReady() {
    state.compareAndSet(State.STARTING, State.READY);
  }

  /** Turns readiness DOWN for good; true for the caller that did it. */
  public boolean drain() {
    boolean first = state.getAndSet(State.DRAINING) != State.DRAINING;
    if (first) {
      drainingSince = System.currentTimeMillis();
    }
    return first;
  }

  /** When draining started (epoch ms): the shutdown grace counts from here. 0 while not draining. */
  public long drainingSince() {
    return drainingSince;
  }
}
