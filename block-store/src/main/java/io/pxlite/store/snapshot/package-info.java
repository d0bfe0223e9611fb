/** Snapshots: their stored records, and frozen views that read each block's newest version at or below the snapshot's index. */
package io.pxlite.store.snapshot;
