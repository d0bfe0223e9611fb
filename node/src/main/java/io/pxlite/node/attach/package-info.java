/**
 * Volumes attached and mounted on this host: an NBD export of this node made a block device
 * (nbdfuse behind nbdkit's retry filter, then losetup; or nbd-client where the kernel has nbd),
 * formatted on first use and mounted for Docker containers or by {@code pxctl host mount}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A volume is attached on at most one node: a claim in the kvdb is taken before the device is
 *       made and released after it is gone; another node's claim is a refusal naming that node.
 *   <li>Each mount path counts its holders (one per Docker mount ID, one for pxctl); only the last
 *       holder's unmount unmounts, and a device nothing holds is detached. A busy unmount is an error,
 *       never a lazy unmount that could drop writes.
 *   <li>The ledger ({@code <datadir>/attachments.json}) is synced before a change is reported, so a
 *       restarted node knows everything it left behind: {@link io.pxlite.node.attach.HostAttachments#restore()}
 *       keeps an attachment whose device still works and removes whole one whose device died —
 *       never half-mounted.
 * </ul>
 */
package io.pxlite.node.attach;
