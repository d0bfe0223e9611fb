package io.pxlite.docker;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The success bodies of Docker's volume plugin protocol, with Docker's field names. An empty
 * {@code Err} is how the protocol says "success"; failures are written by the server's
 * {@link io.pxlite.http.ResponseFormat} as {@code {"Err": message}}.
 */
final class PluginReplies {
  private PluginReplies() {}

  record Activation(@JsonProperty("Implements") List<String> implemented) {}

  record Done(@JsonProperty("Err") String err) {
    static final Done SUCCESS = new Done("");
  }

  record Mountpoint(@JsonProperty("Mountpoint") String mountpoint, @JsonProperty("Err") String err) {}

  record Volume(
      @JsonProperty("Name") String name,
      @JsonProperty("Mountpoint") String mountpoint,
      @JsonProperty("CreatedAt") String createdAt,
      @JsonProperty("Status") Map<String, Object> status) {}

  record OneVolume(@JsonProperty("Volume") Volume volume, @JsonProperty("Err") String err) {}

  record ListedVolume(@JsonProperty("Name") String name, @JsonProperty("Mountpoint") String mountpoint) {}

  record Volumes(@JsonProperty("Volumes") List<ListedVolume> volumes, @JsonProperty("Err") String err) {}

  record Capabilities(@JsonProperty("Capabilities") Scope capabilities) {}

  record Scope(@JsonProperty("Scope") String scope) {}
}
