package io.lanes.ops;

/**
 * One event loop as {@link Observability#loopReadings()} reads it: its thread name, the worst lag of its last second or
 * two (a loop blocked right now counts with how late its probe already is) and Vert.x's blocked-thread warnings about it.
 */
public record LoopReading(String loop, long lagNanos, long blockedEvents) {
}
