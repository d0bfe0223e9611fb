package io.pxlite.pxctl;

/** An HTTP response as pxctl needs it: the status code and the whole body (empty for 204). */
record HttpReply(int status, byte[] body) {}
