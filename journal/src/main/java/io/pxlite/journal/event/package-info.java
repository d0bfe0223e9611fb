/**
 * The events that change volumes and their binary encoding in log entries. The encoding is part of
 * the on-disk format: a leading format byte lets later versions read old logs.
 */
package io.pxlite.journal.event;
