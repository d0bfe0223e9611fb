/**
 * Slot allocation: a bitmap of used 4 KiB slots per device (rebuilt from the index at open),
 * next-fit within the emptiest device, and runs of consecutive slots written with one pwrite.
 */
package io.pxlite.store.alloc;
