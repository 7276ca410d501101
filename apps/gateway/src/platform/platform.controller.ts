import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { PlatformAppsDto } from './platform-apps.dto.js';
import { PlatformService } from './platform.service.js';

@ApiTags('platform')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/platform')
export class PlatformController {
  constructor(private readonly platform: PlatformService) {}

  /** Every app's version, commit and readiness, asked over NATS (`sentimentops status|info`). */
  @Get('apps')
  @ApiOkResponse({ type: PlatformAppsDto })
  apps(): Promise<PlatformAppsDto> {
    return this.platform.apps();
  }
}
