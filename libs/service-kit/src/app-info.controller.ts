import { Controller, type Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { type AppInfo, type AppName, appInfoContract } from '@sentimentops/contracts';
import { AppInfoService } from './app-info.service.js';

/** Each app answers on its own subject, so the controller class is made per app. */
export function appInfoController(app: AppName): Type<unknown> {
  @Controller()
  class AppInfoController {
    constructor(private readonly appInfo: AppInfoService) {}

    @MessagePattern(appInfoContract(app).subject)
    info(): Promise<AppInfo> {
      return this.appInfo.info();
    }
  }
  return AppInfoController;
}
