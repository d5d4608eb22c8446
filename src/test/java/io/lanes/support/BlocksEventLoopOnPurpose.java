package io.lanes.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test (or a whole test class) that blocks an event loop on purpose, e.g. the {@code event-loop} write mode
 * demo: {@link NoBlockedEventLoops} does not fail it for the blocked-thread warnings it causes. Say why in {@link #value}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface BlocksEventLoopOnPurpose {

  /** Why the test blocks a loop. */
  String value();
}
