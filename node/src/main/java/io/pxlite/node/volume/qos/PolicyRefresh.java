package io.pxlite.node.volume.qos;

import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.KvdbUnavailableException;
import io.pxlite.node.kvdb.VolumeRecord;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every second, reads the policies of the volumes served here from the kvdb and puts them in force,
 * so a {@code volume update} made through another node reaches this node's connections within about
 * a second (one made through this node takes effect at once). While the kvdb is away the policies in
 * force stay.
 */
public final class PolicyRefresh implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyRefresh.class);
  static final long PERIOD_MILLIS = 1000;

  private final ClusterCatalog catalog;
  private final VolumeIoControl control;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pxlite-io-policy-refresh");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean kvdbAway;

  public PolicyRefresh(ClusterCatalog catalog, VolumeIoControl control) {
    this.catalog = catalog;
    this.control = control;
  }

  public PolicyRefresh start() {
    timer.scheduleWithFixedDelay(this::refresh, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    return this;
  }

  void refresh() {
    Set<Long> served = control.served();
    if (served.isEmpty()) {
      return;
    }
    try {
      for (VolumeRecord v : catalog.volumes()) {
        if (served.contains(v.numericId())) {
          control.apply(v.numericId(), v.ioPriority(), v.limits());
        }
      }
      if (kvdbAway) {
        LOG.info("I/O policies are read from the kvdb again");
        kvdbAway = false;
      }
    } catch (KvdbUnavailableException e) {
      if (!kvdbAway) {
        LOG.warn("I/O policies stay as they are while the kvdb is away: {}", e.getMessage());
        kvdbAway = true;
      }
    } catch (RuntimeException e) {
      // Keep refreshing: a failure here must not end the schedule (which a thrown exception would).
      LOG.warn("reading I/O policies failed; trying again in {} ms", PERIOD_MILLIS, e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
