package io.pxlite.store;

/** A run of bytes of a volume that is either stored data or a hole (reads as zeros, uses no space). */
public record Extent(long offset, long length, boolean hole) {}
