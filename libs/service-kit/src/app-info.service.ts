import { Injectable } from '@nestjs/common';
import { ServiceConfig } from '@sentimentops/config';
import { type AppInfo, type AppName, type CheckStatus } from '@sentimentops/contracts';
import { hostname } from 'node:os';
import { readBuildInfo } from './build-info.js';
import { ReadinessChecks } from './readiness.js';

/** Who this process is and whether it is ready: the reply to `platform.info.v1.<app>`. */
@Injectable()
export class AppInfoService {
  private readonly startedAt = new Date();
  private readonly build: ReturnType<typeof readBuildInfo>;
  readonly instanceId: string;

  constructor(
    private readonly config: ServiceConfig,
    private readonly readiness: ReadinessChecks,
  ) {
    this.build = readBuildInfo(config.GIT_COMMIT);
    this.instanceId = config.INSTANCE_ID ?? `${hostname()}-${process.pid}`;
  }

  async info(): Promise<AppInfo> {
    const checks: Record<string, CheckStatus> = {};
    for (const check of this.readiness.all()) {
      try {
        const result = await check();
        for (const [name, r] of Object.entries(result))
          checks[name] = r.status === 'up' ? 'up' : 'down';
      } catch (err) {
        // Terminus indicators throw HealthCheckError-like errors carrying the result in `causes`.
        const causes = (err as { causes?: Record<string, unknown> }).causes ?? { unknown: 'down' };
        for (const name of Object.keys(causes)) checks[name] = 'down';
      }
    }
    return {
      app: this.config.appName as AppName,
      version: this.build.version,
      commit: this.build.commit,
      instanceId: this.instanceId,
      startedAt: this.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 100) / 10,
      ready: Object.values(checks).every((s) => s === 'up'),
      checks,
    };
  }
}
