package io.pxlite.api;

/** Body of {@code POST /v1/volumes/{ref}/mount} and {@code /unmount}: the host path. */
public record HostMountRequest(String path) {}
