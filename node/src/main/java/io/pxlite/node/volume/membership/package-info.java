/**
 * Which nodes hold each volume's replicas: the replica groups this node hosts or addresses, changes
 * of a group's members (ha-update, node removal), and each replica's state as {@code volume inspect}
 * shows it.
 */
package io.pxlite.node.volume.membership;
