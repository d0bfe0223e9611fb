package io.pxlite.node.telemetry;

import io.pxlite.api.ManagementService;
import io.pxlite.api.NodeView;
import io.pxlite.api.StatusView;
import io.pxlite.api.VolumeView;
import io.pxlite.journal.GroupState;
import io.pxlite.journal.JournalServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the node's and cluster's state every few seconds on a thread of its own, so a scrape, a
 * dashboard refresh or {@code /health} never waits on the kvdb or a group's RPCs, and hands each
 * {@link TelemetrySample} to its listeners (gauges, alerts).
 */
final class TelemetrySampler implements AutoCloseable {
  static final Duration PERIOD = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(TelemetrySampler.class);

  private final String selfId;
  private final ManagementService service;
  private final JournalServer journal;
  private final List<Consumer<TelemetrySample>> listeners;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "telemetry-sampler");
    t.setDaemon(true);
    return t;
  });
  private volatile TelemetrySample latest = TelemetrySample.empty();
  private String lastProblem;

  TelemetrySampler(String selfId, ManagementService service, JournalServer journal,
      List<Consumer<TelemetrySample>> listeners) {
    this.selfId = selfId;
    this.service = service;
    this.journal = journal;
    this.listeners = List.copyOf(listeners);
  }

  void start() {
    thread.scheduleWithFixedDelay(this::sampleAndPublish, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  TelemetrySample latest() {
    return latest;
  }

  /** Takes a sample now, on the caller's thread, and publishes it (the sampler thread does so on its own). */
  synchronized TelemetrySample sampleNow() {
    TelemetrySample sample = sample();
    latest = sample;
    for (Consumer<TelemetrySample> listener : listeners) {
      listener.accept(sample);
    }
    return sample;
  }

  private void sampleAndPublish() {
    try {
      sampleNow();
    } catch (RuntimeException e) {
      // The thread must keep sampling: one bad sample (a store closing at shutdown) is logged, not fatal.
      LOG.warn("telemetry sample failed: {}", e.toString(), e);
    }
  }

  private TelemetrySample sample() {
    List<String> problems = new ArrayList<>();
    Optional<StatusView> status = Optional.empty();
    List<NodeView> nodes = List.of();
    List<VolumeView> local = new ArrayList<>();
    Optional<Set<String>> exportIds = Optional.empty();
    try {
      status = Optional.of(service.status());
      nodes = service.nodes();
      Set<String> ids = new HashSet<>();
      for (VolumeView volume : service.volumes()) {
        ids.add(volume.id());
        if (volume.replicas().contains(selfId)) {
          local.add(detailed(volume, problems));
        }
      }
      service.snapshots(null).forEach(s -> ids.add(s.id()));
      exportIds = Optional.of(ids);
    } catch (RuntimeException e) {
      problems.add("cannot read the cluster's state: " + e.getMessage());
    }
    List<GroupState> groups = journal.groupStates();
    Optional<String> problem = problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    logChange(problem);
    return new TelemetrySample(Instant.now(), status, nodes, local, exportIds, groups, problem);
  }

  /** The volume with its replicas' states (a round of RPCs to its group); the plain view if they cannot be had. */
  private VolumeView detailed(VolumeView volume, List<String> problems) {
    try {
      return service.volume(volume.id());
    } catch (RuntimeException e) {
      problems.add("cannot read the replicas of volume " + volume.name() + ": " + e.getMessage());
      return volume;
    }
  }

  /** One log line when sampling starts or stops failing, not one every period. */
  private void logChange(Optional<String> problem) {
    String now = problem.orElse(null);
    if (now != null && !now.equals(lastProblem)) {
      LOG.warn("telemetry: {}", now);
    } else if (now == null && lastProblem != null) {
      LOG.info("telemetry: the cluster's state reads again");
    }
    lastProblem = now;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
