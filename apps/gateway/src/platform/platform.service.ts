import { Injectable } from '@nestjs/common';
import { APP_NAMES, appInfoContract, type AppName } from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import { AppInfoService } from '@sentimentops/service-kit';
import { type PlatformAppDto, type PlatformAppsDto } from './platform-apps.dto.js';

/** How long `status` waits for each app: short, so one dead app cannot stall the answer. */
const INFO_TIMEOUT_MS = 2_000;

/** Asks every app who it is, over NATS, in parallel; the gateway answers for itself. */
@Injectable()
export class PlatformService {
  constructor(
    private readonly requester: NatsRequester,
    private readonly self: AppInfoService,
  ) {}

  async apps(): Promise<PlatformAppsDto> {
    const apps = await Promise.all(APP_NAMES.map((app) => this.describe(app)));
    return { apps };
  }

  private async describe(app: AppName): Promise<PlatformAppDto> {
    try {
      const info =
        app === 'gateway'
          ? await this.self.info()
          : await this.requester.request(appInfoContract(app), {}, INFO_TIMEOUT_MS);
      return { reachable: true, ...info };
    } catch (err) {
      return { app, reachable: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
}
