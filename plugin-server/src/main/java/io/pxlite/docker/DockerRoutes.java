package io.pxlite.docker;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.pxlite.docker.PluginReplies.Activation;
import io.pxlite.docker.PluginReplies.Capabilities;
import io.pxlite.docker.PluginReplies.Done;
import io.pxlite.docker.PluginReplies.ListedVolume;
import io.pxlite.docker.PluginReplies.Mountpoint;
import io.pxlite.docker.PluginReplies.OneVolume;
import io.pxlite.docker.PluginReplies.Scope;
import io.pxlite.docker.PluginReplies.Volume;
import io.pxlite.docker.PluginReplies.Volumes;
import io.pxlite.http.HttpException;
import io.pxlite.http.JsonCodec;
import io.pxlite.http.JsonResponse;
import io.pxlite.http.ResponseFormat;
import io.pxlite.http.RoutedRequest;
import io.pxlite.http.Router;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docker's volume plugin protocol bound to a {@link VolumeDriver}. Every call is a POST; success is
 * 200 with {@code "Err": ""}, a driver's refusal is 500 with {@code {"Err": message}}.
 *
 * <pre>
 * /Plugin.Activate            -> {"Implements": ["VolumeDriver"]}
 * /VolumeDriver.Create        {Name, Opts}  -> {Err}
 * /VolumeDriver.Remove        {Name}        -> {Err}
 * /VolumeDriver.Mount         {Name, ID}    -> {Mountpoint, Err}
 * /VolumeDriver.Unmount       {Name, ID}    -> {Err}
 * /VolumeDriver.Path          {Name}        -> {Mountpoint ("" when not mounted), Err}
 * /VolumeDriver.Get           {Name}        -> {Volume: {Name, Mountpoint, CreatedAt, Status}, Err}
 * /VolumeDriver.List                        -> {Volumes: [{Name, Mountpoint}], Err}
 * /VolumeDriver.Capabilities                -> {"Capabilities": {"Scope": "global"}}
 * </pre>
 */
final class DockerRoutes {
  private static final Logger log = LoggerFactory.getLogger(DockerRoutes.class);

  private final VolumeDriver driver;
  private final JsonCodec json;
  private final ResponseFormat format;

  private DockerRoutes(VolumeDriver driver, JsonCodec json, ResponseFormat format) {
    this.driver = driver;
    this.json = json;
    this.format = format;
  }

  static Router of(VolumeDriver driver, JsonCodec json, ResponseFormat format) {
    DockerRoutes routes = new DockerRoutes(driver, json, format);
    return Router.builder(json, format)
        .post("/Plugin.Activate", r -> routes.ok(new Activation(List.of("VolumeDriver"))))
        .post("/VolumeDriver.Create", routes::create)
        .post("/VolumeDriver.Remove", routes::remove)
        .post("/VolumeDriver.Mount", routes::mount)
        .post("/VolumeDriver.Unmount", routes::unmount)
        .post("/VolumeDriver.Path", routes::path)
        .post("/VolumeDriver.Get", routes::get)
        .post("/VolumeDriver.List", r -> routes.call("List", "", routes::list))
        // Volumes live in the cluster, not on this host: Docker must not assume it may recreate them.
        .post("/VolumeDriver.Capabilities", r -> routes.ok(new Capabilities(new Scope("global"))))
        .build();
  }

  private JsonResponse create(RoutedRequest request) {
    PluginRequestBody body = PluginRequestBody.of(request);
    String name = body.name();
    Map<String, String> options = body.options();
    return call("Create", name, () -> {
      driver.create(name, options);
      return Done.SUCCESS;
    });
  }

  private JsonResponse remove(RoutedRequest request) {
    String name = PluginRequestBody.of(request).name();
    return call("Remove", name, () -> {
      driver.remove(name);
      return Done.SUCCESS;
    });
  }

  private JsonResponse mount(RoutedRequest request) {
    PluginRequestBody body = PluginRequestBody.of(request);
    String name = body.name();
    String callerId = body.callerId();
    return call("Mount", name, () -> new Mountpoint(driver.mount(name, callerId), ""));
  }

  private JsonResponse unmount(RoutedRequest request) {
    PluginRequestBody body = PluginRequestBody.of(request);
    String name = body.name();
    String callerId = body.callerId();
    return call("Unmount", name, () -> {
      driver.unmount(name, callerId);
      return Done.SUCCESS;
    });
  }

  private JsonResponse path(RoutedRequest request) {
    String name = PluginRequestBody.of(request).name();
    return call("Path", name, () -> new Mountpoint(driver.path(name).orElse(""), ""));
  }

  private JsonResponse get(RoutedRequest request) {
    String name = PluginRequestBody.of(request).name();
    return call("Get", name, () -> {
      DriverVolume volume = driver.get(name).orElseThrow(() -> new DriverException("no such volume: " + name));
      // Docker files the answer under the name it asked for; an inline spec must not come back renamed.
      return new OneVolume(new Volume(name, volume.mountpoint(), volume.createdAt(), volume.status()), "");
    });
  }

  private Volumes list() {
    List<ListedVolume> volumes = driver.list().stream()
        .map(v -> new ListedVolume(v.name(), v.mountpoint()))
        .toList();
    return new Volumes(volumes, "");
  }

  /**
   * Runs one driver call: its result is the reply, a {@link DriverException} is Docker's error
   * answer, anything else propagates to the dispatcher as an internal error.
   */
  private JsonResponse call(String endpoint, String name, Supplier<Object> driverCall) {
    Object reply;
    try {
      reply = driverCall.get();
    } catch (DriverException e) {
      log.info("Docker {} {} refused: {}", endpoint, name, e.getMessage());
      return format.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, refusal(e));
    } catch (HttpException e) {
      // Only request parsing may choose a status; from the driver it is a bug like any other.
      throw new IllegalStateException(e.getMessage(), e);
    }
    log.debug("Docker {} {} done", endpoint, name);
    return ok(reply);
  }

  /** Docker reads an empty Err as success, so a refusal must never be sent with an empty message. */
  private static String refusal(DriverException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? "volume driver refused without giving a reason" : message;
  }

  private JsonResponse ok(Object reply) {
    return JsonResponse.json(HttpResponseStatus.OK, json.write(reply));
  }
}
