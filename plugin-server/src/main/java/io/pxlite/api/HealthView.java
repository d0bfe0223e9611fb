package io.pxlite.api;

import java.util.List;

/**
 * {@code GET /health}: "ok", or "degraded" with the reasons (the alerts' messages). Served with 200
 * when ok and 503 when degraded, so a load balancer or a probe needs no JSON.
 */
public record HealthView(String status, List<String> reasons) {
  public boolean ok() {
    return reasons.isEmpty();
  }
}
