package io.pxlite.nbd;

/** A run of an export that is either data or a hole (reads as zeros, uses no space). */
public record AllocationRun(long offset, long length, boolean hole) {}
