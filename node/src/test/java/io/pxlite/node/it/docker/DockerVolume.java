package io.pxlite.node.it.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Docker volume made by the test ({@code docker volume create}); {@link #close} removes it if it
 * still exists, so a test that removes it itself (to check removal) can still use try-with-resources.
 */
public final class DockerVolume implements AutoCloseable {
  private final DockerClient docker;
  private final String name;
  private final String driver;
  private boolean removed;

  private DockerVolume(DockerClient docker, String name, String driver) {
    this.docker = docker;
    this.name = name;
    this.driver = driver;
  }

  /** {@code docker volume create -d DRIVER --opt k=v ... NAME}. */
  public static DockerVolume create(DockerClient docker, String name, String driver, Map<String, String> options) {
    docker.createVolumeCmd().withName(name).withDriver(driver).withDriverOpts(options).exec();
    return new DockerVolume(docker, name, driver);
  }

  /**
   * {@code docker volume ls}: every volume of every driver. dockerd asks every volume plugin it has
   * ever used since it started, and retries one whose socket is gone for about 30 s: after a test
   * node has stopped serving pxd, this call is slow. {@link #list(DockerClient, String)} is not.
   */
  public static List<InspectVolumeResponse> list(DockerClient docker) {
    List<InspectVolumeResponse> volumes = docker.listVolumesCmd().exec().getVolumes();
    return volumes == null ? List.of() : volumes;
  }

  /** {@code docker volume ls --filter driver=DRIVER}: asks only that driver. */
  public static List<InspectVolumeResponse> list(DockerClient docker, String driver) {
    List<InspectVolumeResponse> volumes = docker.listVolumesCmd().withFilter("driver", List.of(driver)).exec()
        .getVolumes();
    return volumes == null ? List.of() : volumes;
  }

  /**
   * The volume's {@code Status}: what the driver reports for {@code docker volume inspect}. docker-java's
   * model has no field for it; it keeps unmapped fields in {@code getRawValues()}.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> status(InspectVolumeResponse volume) {
    Object status = volume.getRawValues().get("Status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** The volume's {@code CreatedAt} (RFC 3339, whole seconds); like Status, not in docker-java's model. */
  public static java.time.Instant createdAt(InspectVolumeResponse volume) {
    Object createdAt = volume.getRawValues().get("CreatedAt");
    return java.time.OffsetDateTime.parse(String.valueOf(createdAt)).toInstant();
  }

  public String name() {
    return name;
  }

  /** This volume at /data of a container. */
  public Containers.VolumeMount mount() {
    return Containers.VolumeMount.of(name, driver);
  }

  /**
   * {@code docker volume inspect NAME}, or empty when Docker has no such volume. Slow when it has
   * none and a volume plugin it has used is gone (see {@link #close()}).
   */
  public Optional<InspectVolumeResponse> inspect() {
    try {
      return Optional.of(docker.inspectVolumeCmd(name).exec());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /** {@code docker volume rm NAME}; fails if Docker (or the driver) refuses. */
  public void remove() {
    docker.removeVolumeCmd(name).exec();
    removed = true;
  }

  /**
   * Removes the volume unless the test did. (Not by asking Docker first: for a name it does not know,
   * dockerd asks every volume plugin it has used, and waits about 30 s on each one that is gone.)
   */
  @Override
  public void close() {
    if (!removed) {
      try {
        remove();
      } catch (NotFoundException e) {
        // Gone already (e.g. removed through the driver).
      }
    }
  }
}
