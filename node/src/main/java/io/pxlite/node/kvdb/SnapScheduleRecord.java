package io.pxlite.node.kvdb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One snapshot schedule of a volume as kept in the kvdb: its kind ({@code periodic}, {@code daily},
 * {@code weekly}, {@code monthly}), when it is due in PX's form ({@code 60}, {@code 14:30},
 * {@code monday@14:30}, {@code 15@14:30}), how many of its snapshots to keep, and since when it is
 * in force (ISO instant): slots before that are not due.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SnapScheduleRecord(String kind, String when, int keep, String since) {}
