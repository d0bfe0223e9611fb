package io.pxlite.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A finished restore: {@code volume} now reads as {@code snapshot} did. Of the {@code comparedBytes}
 * compared, {@code writtenBytes} differed and were written again and {@code zeroedBytes} were zeros
 * in the snapshot and released; the rest was already equal.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record VolumeRestoreView(
    String volume, String snapshot, long comparedBytes, long writtenBytes, long zeroedBytes, long millis) {}
