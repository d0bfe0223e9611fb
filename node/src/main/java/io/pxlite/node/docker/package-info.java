/**
 * pxlite as Docker's {@code pxd} volume driver: Docker's names (including PX's inline spec
 * {@code size=10G,repl=2,name=demo}) and options mapped onto the volume service and host
 * attachments. Create is idempotent for the same spec and refused for a different one; every
 * failure reaches the Docker user as a sentence.
 */
package io.pxlite.node.docker;
