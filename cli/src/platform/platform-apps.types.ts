/**
 * What the CLI reads from `GET /api/platform/apps` (admin API) and `GET /health/ready`. The server
 * owns the validated classes; these mirror the JSON, and every field is optional on the wire
 * because the CLI must survive a gateway that is older or newer than itself.
 */

/** One app as the gateway reports it; `reachable: false` entries carry only `app` and `error`. */
export interface PlatformAppWire {
  app?: unknown;
  reachable?: unknown;
  version?: unknown;
  commit?: unknown;
  instanceId?: unknown;
  startedAt?: unknown;
  uptimeSeconds?: unknown;
  ready?: unknown;
  checks?: unknown;
  error?: unknown;
}

export interface PlatformAppsResponseWire {
  apps?: unknown;
}

/** An app after defensive parsing: what the commands print. */
export interface PlatformApp {
  app: string;
  reachable: boolean;
  /** False whenever the app is unreachable. */
  ready: boolean;
  version: string | null;
  /** Full commit sha, or "unknown" when the build did not record it. */
  commit: string | null;
  instanceId: string | null;
  startedAt: string | null;
  uptimeSeconds: number | null;
  /** Dependency name -> status ("up", "down", ...), in the server's order. */
  checks: Record<string, string>;
  /** Why the app could not be asked (unreachable) or why it is not ready, when the server said. */
  error: string | null;
}

/** The gateway's own readiness, from the public probe (no token needed). */
export interface GatewayHealth {
  ready: boolean;
  /** HTTP status of the probe: 200 ready, 503 not ready. */
  httpStatus: number;
  checks: Record<string, string>;
}
