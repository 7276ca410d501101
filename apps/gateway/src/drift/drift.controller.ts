import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import {
  type DriftReportReply,
  type DriftReportsReply,
  type DriftReportView,
} from '@sentimentops/contracts';
import { IsUUID } from 'class-validator';
import type { Request, Response } from 'express';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { AdminActor } from '../models/admin-actor.decorator.js';
import { PathParamPipe } from '../models/path-param.pipe.js';
import { DriftClient } from './drift.client.js';
import {
  DEFAULT_DRIFT_MODEL,
  DriftCheckBody,
  DriftReportQuery,
  DriftReportsQuery,
} from './drift.dto.js';

/** `:id`, a drift report's uuid. */
const ReportIdParam = () =>
  Param(
    'id',
    new PathParamPipe('id', 'report id', IsUUID(undefined, { message: 'must be a UUID' })),
  );

/**
 * The report page is self-contained (inline CSS and SVG, no script): forbid everything else, so a
 * value that slipped through its escaping still cannot run or fetch anything.
 */
const HTML_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
};

/** Drift checks and their stored reports: the drift app's answers, as they come. */
@ApiTags('drift')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/drift')
export class DriftController {
  constructor(private readonly drift: DriftClient) {}

  @Post('check')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Run a drift check now, over the window ending now',
    description:
      "PSI and a KS or chi-square test per feature of the version's logged predictions against " +
      'its reference profile (Holm-adjusted), and live accuracy from feedback. The report is ' +
      'stored; status is drift, no-drift or insufficient-data.',
  })
  @ApiBody({ type: DriftCheckBody })
  @ApiOkResponse({ description: 'DriftReportView' })
  @ApiNotFoundResponse({ description: 'The model is not registered' })
  check(@Body() body: DriftCheckBody, @AdminActor() actor: string): Promise<DriftReportView> {
    return this.drift.check({ ...body, modelName: body.modelName ?? DEFAULT_DRIFT_MODEL, actor });
  }

  @Get('reports')
  @ApiOperation({ summary: "A model's stored drift reports, newest first" })
  @ApiOkResponse({ description: 'DriftReportsReply' })
  reports(@Query() query: DriftReportsQuery): Promise<DriftReportsReply> {
    return this.drift.reports({
      modelName: query.model ?? DEFAULT_DRIFT_MODEL,
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    });
  }

  @Get('reports/:id')
  @ApiOperation({
    summary: 'One stored report: JSON, or the HTML page for a client that prefers text/html',
    description:
      'JSON is the report with the reference and current shares per bin (`bins`). With Accept ' +
      'preferring text/html (a browser) the answer is the rendered page: the statistics table ' +
      'and a histogram per feature.',
  })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({
    description: 'DriftReportReply, or the page',
    content: {
      'application/json': { schema: { type: 'object', description: 'DriftReportReply' } },
      'text/html': { schema: { type: 'string', description: 'The self-contained report page' } },
    },
  })
  async report(
    @ReportIdParam() id: string,
    @Query() query: DriftReportQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DriftReportReply | string> {
    response.vary('Accept');
    if (request.accepts(['application/json', 'text/html']) !== 'text/html') {
      return this.drift.report({ id, ...(query.format ? { format: query.format } : {}) });
    }
    const { html } = await this.drift.report({ id, format: 'html' });
    // A drift app that ignored the format: a 500 with an error id in the log, not an empty page.
    if (html === undefined) throw new Error(`the drift app sent report ${id} without its html`);
    response.type('html').set(HTML_HEADERS);
    return html;
  }
}
