package dev.scaleplan.testkit.trace;

/**
 * One request of a trace, as a value ({@link ArrivalStream#toList()}).
 *
 * @param seconds arrival time in seconds from the trace's start
 * @param key the model, function or application, or the empty text
 * @param inputTokens prompt tokens, or -1 when not recorded
 * @param outputTokens generated tokens, or -1
 * @param durationSeconds recorded execution time, or -1
 */
public record Arrival(double seconds, String key, long inputTokens, long outputTokens, double durationSeconds) {}
