package io.pxlite.api;

import io.netty.handler.codec.http.HttpResponseStatus;

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
 * POST   /v1/snapshots                SnapshotCreateRequest -> 201 SnapshotView
 * GET    /v1/snapshots[?volume=ref]   [SnapshotView]
 * DELETE /v1/snapshots/{ref}          204
 * </pre>
 */
final class ManagementRoutes {
  private ManagementRoutes() {}

  static Router of(ManagementService service, ApiJson json) {
    return Router.builder(json)
        .get("/v1/status", r -> ok(json, service.status()))
        .get("/v1/cluster/nodes", r -> ok(json, service.nodes()))
        .get("/v1/cluster/nodes/{ref}", r -> ok(json, service.node(r.pathParameter("ref"))))
        .post("/v1/volumes", r -> created(json, service.createVolume(r.body(VolumeCreateRequest.class))))
        .get("/v1/volumes", r -> ok(json, service.volumes()))
        .get("/v1/volumes/{ref}", r -> ok(json, service.volume(r.pathParameter("ref"))))
        .patch("/v1/volumes/{ref}", r -> ok(json,
            service.updateVolume(r.pathParameter("ref"), r.body(VolumeUpdateRequest.class))))
        .delete("/v1/volumes/{ref}", r -> {
          service.deleteVolume(r.pathParameter("ref"));
          return ApiResponse.noContent();
        })
        .post("/v1/snapshots", r -> created(json, service.createSnapshot(r.body(SnapshotCreateRequest.class))))
        .get("/v1/snapshots", r -> ok(json, service.snapshots(r.queryParameter("volume").orElse(null))))
        .delete("/v1/snapshots/{ref}", r -> {
          service.deleteSnapshot(r.pathParameter("ref"));
          return ApiResponse.noContent();
        })
        .build();
  }

  private static ApiResponse ok(ApiJson json, Object body) {
    return ApiResponse.json(HttpResponseStatus.OK, json.write(body));
  }

  private static ApiResponse created(ApiJson json, Object body) {
    return ApiResponse.json(HttpResponseStatus.CREATED, json.write(body));
  }
}
