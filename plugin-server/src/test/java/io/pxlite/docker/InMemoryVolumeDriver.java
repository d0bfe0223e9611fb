package io.pxlite.docker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link VolumeDriver} kept in maps, with the refusals a real node gives (unknown volume, volume
 * in use, same name with other options), so the protocol is tested against behaviour rather than
 * scripted answers.
 *
 * <p>Names may be PX inline specs ({@code size=10G,name=demo}); the volume is then called by its
 * {@code name=} part, as the node does. Tests may make the next call throw ({@link #failNextCall}),
 * hold the next mount inside the driver ({@link #holdNextMount}) and read what reached the driver.
 */
final class InMemoryVolumeDriver implements VolumeDriver {
  static final String MOUNT_ROOT = "/var/lib/pxlite/mounts/";

  private final Map<String, Map<String, String>> optionsByName = new LinkedHashMap<>();
  private final Map<String, String> createdAtByName = new LinkedHashMap<>();
  private final Map<String, Set<String>> callersByName = new LinkedHashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final List<String> callingThreads = new CopyOnWriteArrayList<>();
  private final AtomicReference<RuntimeException> nextFailure = new AtomicReference<>();
  private final AtomicReference<Gate> nextMountGate = new AtomicReference<>();

  /** Holds a call inside the driver: {@code entered} opens when it arrives, it leaves when {@code release} opens. */
  record Gate(CountDownLatch entered, CountDownLatch release) {
    static Gate closed() {
      return new Gate(new CountDownLatch(1), new CountDownLatch(1));
    }
  }

  void failNextCall(RuntimeException failure) {
    nextFailure.set(failure);
  }

  void holdNextMount(Gate gate) {
    nextMountGate.set(gate);
  }

  /** Each call that reached the driver, e.g. {@code create db {size=10G}} or {@code mount db c1}. */
  List<String> calls() {
    return calls;
  }

  List<String> callingThreads() {
    return callingThreads;
  }

  @Override
  public void create(String name, Map<String, String> options) {
    enter("create " + name + " " + options);
    synchronized (this) {
      String volume = volumeName(name);
      Map<String, String> existing = optionsByName.get(volume);
      if (existing != null && !existing.equals(options)) {
        throw new DriverException("volume " + volume + " already exists with options " + existing);
      }
      optionsByName.put(volume, Map.copyOf(options));
      createdAtByName.put(volume, java.time.Instant.now().toString());
    }
  }

  @Override
  public synchronized void remove(String name) {
    enter("remove " + name);
    String volume = existing(name);
    if (!callersByName.getOrDefault(volume, Set.of()).isEmpty()) {
      throw new DriverException("volume " + volume + " is mounted; unmount it first");
    }
    optionsByName.remove(volume);
    createdAtByName.remove(volume);
  }

  @Override
  public String mount(String name, String callerId) {
    enter("mount " + name + " " + callerId);
    Gate gate = nextMountGate.getAndSet(null);
    if (gate != null) {
      gate.entered().countDown();
      awaitRelease(gate);
    }
    synchronized (this) {
      String volume = existing(name);
      callersByName.computeIfAbsent(volume, v -> new LinkedHashSet<>()).add(callerId);
      return MOUNT_ROOT + volume;
    }
  }

  @Override
  public synchronized void unmount(String name, String callerId) {
    enter("unmount " + name + " " + callerId);
    String volume = existing(name);
    if (!callersByName.getOrDefault(volume, new LinkedHashSet<>()).remove(callerId)) {
      throw new DriverException("volume " + volume + " is not mounted for '" + callerId + "'");
    }
  }

  @Override
  public synchronized Optional<String> path(String name) {
    enter("path " + name);
    return mountpoint(existing(name));
  }

  @Override
  public synchronized Optional<DriverVolume> get(String name) {
    enter("get " + name);
    String volume = volumeName(name);
    if (!optionsByName.containsKey(volume)) {
      return Optional.empty();
    }
    Map<String, Object> status = Map.of(
        "options", optionsByName.get(volume), "users", callersByName.getOrDefault(volume, Set.of()).size());
    return Optional.of(new DriverVolume(volume, mountpoint(volume).orElse(null), createdAtByName.get(volume), status));
  }

  @Override
  public synchronized List<DriverVolume> list() {
    enter("list");
    List<DriverVolume> volumes = new ArrayList<>();
    for (String volume : optionsByName.keySet()) {
      volumes.add(new DriverVolume(volume, mountpoint(volume).orElse(null), createdAtByName.get(volume), Map.of()));
    }
    return volumes;
  }

  private Optional<String> mountpoint(String volume) {
    return callersByName.getOrDefault(volume, Set.of()).isEmpty() ? Optional.empty() : Optional.of(MOUNT_ROOT + volume);
  }

  private String existing(String name) {
    String volume = volumeName(name);
    if (!optionsByName.containsKey(volume)) {
      throw new DriverException("no such volume: " + volume);
    }
    return volume;
  }

  /** {@code demo} for {@code size=10G,name=demo}; a plain name as it is. */
  private static String volumeName(String name) {
    for (String part : name.split(",")) {
      if (part.startsWith("name=")) {
        return part.substring("name=".length());
      }
    }
    return name;
  }

  private void enter(String call) {
    calls.add(call);
    callingThreads.add(Thread.currentThread().getName());
    RuntimeException failure = nextFailure.getAndSet(null);
    if (failure != null) {
      throw failure;
    }
  }

  private static void awaitRelease(Gate gate) {
    try {
      if (!gate.release().await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test never released the held mount");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while held", e);
    }
  }
}
