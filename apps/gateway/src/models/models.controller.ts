import { Body, Controller, Get, HttpStatus, Post, Put, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiConflictResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  type ListAliasesReply,
  type ListVersionsReply,
  type ModelAlias,
  type ModelVersionDetail,
  type RegisterVersionReply,
  type SetAliasReply,
  type VersionLineageReply,
} from '@sentimentops/contracts';
import type { Response } from 'express';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { AdminActor } from './admin-actor.decorator.js';
import { RegisterVersionBody, SetAliasBody } from './models.dto.js';
import { AliasParam, ModelNameParam, VersionParam } from './path-param.pipe.js';
import { RegistryClient } from './registry.client.js';

/** Versions, lineage and aliases of a registered model: the registry's answers, as they come. */
@ApiTags('models')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/models/:name')
export class ModelsController {
  constructor(private readonly registry: RegistryClient) {}

  @Get('versions')
  @ApiOperation({ summary: 'Every registered version, newest first' })
  @ApiOkResponse({ description: 'ListVersionsReply' })
  listVersions(@ModelNameParam() name: string): Promise<ListVersionsReply> {
    return this.registry.listVersions(name);
  }

  @Post('versions')
  @ApiOperation({
    summary: 'Register a model directory',
    description:
      "The registry reads its card, verifies every file's sha256 and records its lineage. " +
      'Registering the same artifact again returns the existing version with 200.',
  })
  @ApiBody({ type: RegisterVersionBody })
  @ApiCreatedResponse({ description: 'RegisterVersionReply, created: true' })
  @ApiOkResponse({ description: 'RegisterVersionReply, created: false (registered before)' })
  @ApiConflictResponse({ description: 'The directory is registered already with other content' })
  async registerVersion(
    @ModelNameParam() name: string,
    @Body() body: RegisterVersionBody,
    @AdminActor() actor: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RegisterVersionReply> {
    const reply = await this.registry.registerVersion({ ...body, modelName: name, actor });
    response.status(reply.created ? HttpStatus.CREATED : HttpStatus.OK);
    return reply;
  }

  @Get('versions/:version')
  @ApiOperation({ summary: 'One version: card, files, metrics and evaluations' })
  @ApiOkResponse({ description: 'ModelVersionDetail' })
  getVersion(
    @ModelNameParam() name: string,
    @VersionParam() version: string,
  ): Promise<ModelVersionDetail> {
    return this.registry.getVersion(name, version);
  }

  @Get('versions/:version/lineage')
  @ApiOperation({ summary: "A version's dataset, run, evaluations, comparisons and history" })
  @ApiOkResponse({ description: 'VersionLineageReply' })
  versionLineage(
    @ModelNameParam() name: string,
    @VersionParam() version: string,
  ): Promise<VersionLineageReply> {
    return this.registry.versionLineage(name, version);
  }

  @Get('aliases')
  @ApiOperation({ summary: 'champion, challenger and previous, with their revisions' })
  @ApiOkResponse({ description: 'ListAliasesReply' })
  listAliases(@ModelNameParam() name: string): Promise<ListAliasesReply> {
    return this.registry.listAliases(name);
  }

  @Put('aliases/:alias')
  @ApiOperation({
    summary: 'Point an alias at a version, or remove it (version: null)',
    description:
      'Under the promotion policy: a challenger must pass the gate, champion moves only with ' +
      'override: true, and a stale expectedRevision is 409.',
  })
  @ApiBody({ type: SetAliasBody })
  @ApiOkResponse({ description: 'SetAliasReply' })
  @ApiConflictResponse({ description: 'The alias changed since it was read (expectedRevision), or is being changed' })
  setAlias(
    @ModelNameParam() name: string,
    @AliasParam() alias: ModelAlias,
    @Body() body: SetAliasBody,
    @AdminActor() actor: string,
  ): Promise<SetAliasReply> {
    return this.registry.setAlias({ ...body, modelName: name, alias, actor, source: 'admin' });
  }
}
