/**
 * One log stream's state exported whole (a frozen view whose slots are not reused while it is open)
 * and imported whole, to rebuild a replica that the log no longer reaches.
 */
package io.pxlite.store.stream;
