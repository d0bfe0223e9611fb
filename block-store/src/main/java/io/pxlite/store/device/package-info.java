/**
 * The node's devices: admitting them (a label in the first 4 KiB; foreign or unlabelled devices with
 * data refused), the fixed-size slots they hold, syncing them before any index state becomes
 * durable, and the faults they report.
 */
package io.pxlite.store.device;
