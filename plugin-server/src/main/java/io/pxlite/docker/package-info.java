/**
 * Docker's volume plugin protocol (a legacy, socket-discovered plugin): the {@link
 * io.pxlite.docker.VolumeDriver} port the node implements and {@link
 * io.pxlite.docker.DockerPluginServer}, which serves it on a unix socket under
 * {@code /run/docker/plugins}. The endpoint table is on {@code DockerRoutes}; the HTTP machinery is
 * {@link io.pxlite.http}, shared with the management API.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Every response is JSON of type {@code application/vnd.docker.plugins.v1+json}; every failure
 *       carries a non-empty {@code Err} (Docker reads an empty one as success).
 *   <li>A {@link io.pxlite.docker.DriverException} is the driver's answer: 500 with its message as
 *       {@code Err}, as go-plugins-helpers do. Anything else the driver throws is a logged 500
 *       {@code "internal error in pxlite: ..."}. A malformed request is 400 naming the field.
 *   <li>Request fields are checked strictly but unknown fields are ignored; {@code Opts} values may be
 *       JSON numbers or booleans (docker compose sends them) and are passed on as text.
 *   <li>Driver calls never run on Netty I/O threads; a slow call delays only its own connection.
 *   <li>{@code Get} answers with the name Docker asked for, whatever the driver calls the volume.
 * </ul>
 */
package io.pxlite.docker;
