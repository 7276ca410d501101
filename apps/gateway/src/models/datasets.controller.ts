import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type DatasetLineageReply } from '@sentimentops/contracts';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { Sha256Param } from './path-param.pipe.js';
import { RegistryClient } from './registry.client.js';

/** Lineage the other way: from a dataset to every version trained on it. */
@ApiTags('models')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/datasets')
export class DatasetsController {
  constructor(private readonly registry: RegistryClient) {}

  @Get(':sha256/lineage')
  @ApiOperation({ summary: 'A dataset (by content sha256) and every version trained on it' })
  @ApiOkResponse({ description: 'DatasetLineageReply' })
  datasetLineage(@Sha256Param() sha256: string): Promise<DatasetLineageReply> {
    return this.registry.datasetLineage(sha256);
  }
}
