package io.pxlite.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.pxlite.http.JsonCodec;
import io.pxlite.http.JsonResponse;
import io.pxlite.http.ResponseFormat;
import io.pxlite.http.Router;
import io.pxlite.ops.dashboard.DashboardFiles;
import io.pxlite.ops.metrics.NodeMetrics;
import java.util.Map;

/**
 * The management API's route table: each route bound to one {@link ManagementService} call.
 *
 * <pre>
 * GET    /v1/status                   StatusView
 * GET    /v1/cluster/nodes            [NodeView]
 * GET    /v1/cluster/nodes/{ref}      NodeView
 * POST   /v1/volumes                  VolumeCreateRequest -> 201 VolumeView
 * GET    /v1/volumes                  [VolumeView]
 * GET    /v1/volumes/{ref}            VolumeView
 * PATCH  /v1/volumes/{ref}            VolumeUpdateRequest -> VolumeView
 * DELETE /v1/volumes/{ref}            204
 * POST   /v1/volumes/{ref}/attach     (no body) -> HostAttachmentView
 * POST   /v1/volumes/{ref}/detach     (no body) -> HostAttachmentView
 * POST   /v1/volumes/{ref}/mount      HostMountRequest, path required -> HostAttachmentView
 * POST   /v1/volumes/{ref}/unmount    [HostMountRequest], path optional -> HostAttachmentView
 * POST   /v1/snapshots                SnapshotCreateRequest -> 201 SnapshotView
 * GET    /v1/snapshots[?volume=ref]   [SnapshotView]
 * DELETE /v1/snapshots/{ref}          204
 * GET    /metrics                     Prometheus text format
 * GET    /v1/metrics                  the same values as JSON
 * GET    /v1/alerts                   [AlertView]
 * GET    /health                      HealthView, 200 when ok, 503 when degraded
 * GET    /dashboard[/{file}]          the dashboard page and its files (uPlot under /dashboard/uplot/)
 * </pre>
 */
final class ManagementRoutes {
  private ManagementRoutes() {}

  static Router of(ManagementService service, OperationsService operations, JsonCodec json, ResponseFormat format) {
    DashboardFiles dashboard = new DashboardFiles();
    return Router.builder(json, format)
        .get("/metrics", r -> new JsonResponse(HttpResponseStatus.OK, operations.prometheusText(),
            Map.of("content-type", NodeMetrics.PROMETHEUS_CONTENT_TYPE)))
        .get("/v1/metrics", r -> ok(json, operations.metrics()))
        .get("/v1/alerts", r -> ok(json, operations.alerts()))
        .get("/health", r -> {
          HealthView health = operations.health();
          return JsonResponse.json(health.ok() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
              json.write(health));
        })
        .get("/dashboard", r -> file(dashboard, ""))
        .get("/dashboard/{file}", r -> file(dashboard, r.pathParameter("file")))
        .get("/dashboard/uplot/{file}", r -> file(dashboard, "uplot/" + r.pathParameter("file")))
        .get("/v1/status", r -> ok(json, service.status()))
        .get("/v1/cluster/nodes", r -> ok(json, service.nodes()))
        .get("/v1/cluster/nodes/{ref}", r -> ok(json, service.node(r.pathParameter("ref"))))
        .delete("/v1/cluster/nodes/{ref}", r -> {
          service.deleteNode(r.pathParameter("ref"));
          return JsonResponse.noContent();
        })
        .post("/v1/volumes", r -> created(json, service.createVolume(r.body(VolumeCreateRequest.class))))
        .get("/v1/volumes", r -> ok(json, service.volumes()))
        .get("/v1/volumes/{ref}", r -> ok(json, service.volume(r.pathParameter("ref"))))
        .patch("/v1/volumes/{ref}", r -> ok(json,
            service.updateVolume(r.pathParameter("ref"), r.body(VolumeUpdateRequest.class))))
        .delete("/v1/volumes/{ref}", r -> {
          service.deleteVolume(r.pathParameter("ref"));
          return JsonResponse.noContent();
        })
        // attach and detach take no body; one sent anyway is ignored rather than parsed.
        .post("/v1/volumes/{ref}/attach", r -> ok(json, service.attach(r.pathParameter("ref"))))
        .post("/v1/volumes/{ref}/detach", r -> ok(json, service.detach(r.pathParameter("ref"))))
        .post("/v1/volumes/{ref}/mount", r -> {
          HostMountRequest request = r.body(HostMountRequest.class);
          if (request.path() == null) {
            throw ApiException.badRequest("field 'path' is required");
          }
          return ok(json, service.mount(r.pathParameter("ref"), checkAbsolute(request)));
        })
        .post("/v1/volumes/{ref}/unmount", r -> {
          HostMountRequest request = r.optionalBody(HostMountRequest.class).orElse(new HostMountRequest(null));
          return ok(json, service.unmount(r.pathParameter("ref"), checkAbsolute(request)));
        })
        .post("/v1/volumes/{ref}/restore", r -> ok(json,
            service.restoreVolume(r.pathParameter("ref"), r.body(VolumeRestoreRequest.class))))
        .post("/v1/volumes/{ref}/clone", r -> created(json,
            service.cloneVolume(r.pathParameter("ref"), r.body(VolumeCloneRequest.class))))
        .post("/v1/snapshots", r -> created(json, service.createSnapshot(r.body(SnapshotCreateRequest.class))))
        .get("/v1/snapshots", r -> ok(json, service.snapshots(r.queryParameter("volume").orElse(null))))
        .delete("/v1/snapshots/{ref}", r -> {
          service.deleteSnapshot(r.pathParameter("ref"));
          return JsonResponse.noContent();
        })
        .build();
  }

  /** The path is on the node's host, not relative to anything the caller could mean; null passes. */
  private static HostMountRequest checkAbsolute(HostMountRequest request) {
    if (request.path() != null && !request.path().startsWith("/")) {
      throw ApiException.badRequest("field 'path' must be an absolute path, got \"" + request.path() + "\"");
    }
    return request;
  }

  private static JsonResponse file(DashboardFiles dashboard, String path) {
    DashboardFiles.DashboardFile file = dashboard.find(path)
        .orElseThrow(() -> ApiException.notFound("no dashboard file '" + path + "'"));
    return new JsonResponse(HttpResponseStatus.OK, file.body(), Map.of("content-type", file.contentType()));
  }

  private static JsonResponse ok(JsonCodec json, Object body) {
    return JsonResponse.json(HttpResponseStatus.OK, json.write(body));
  }

  private static JsonResponse created(JsonCodec json, Object body) {
    return JsonResponse.json(HttpResponseStatus.CREATED, json.write(body));
  }
}
