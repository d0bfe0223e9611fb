/**
 * Binding Netty front doors to their addresses: a root-only unix socket and, only when configured,
 * one TCP address. Shared by the NBD export and the HTTP APIs.
 */
package io.pxlite.listen;
