import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
  StreamableFile,
  UseFilters,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { OipLiveDto, OipModelReadyDto, OipReadyDto, OipErrorDto } from './dto/oip-health.dto.js';
import { OipInferRequestDto, OipInferResponseDto } from './dto/oip-infer.dto.js';
import { OipModelMetadataDto, OipServerMetadataDto } from './dto/oip-metadata.dto.js';
import { OipExceptionsFilter } from './oip-exceptions.filter.js';
import { ROUTING_KEY_HEADER, routingKeyOf } from '../predict/sentiment-predictor.js';
import { inferRequestTexts, RateLimiter } from '../rate-limit/rate-limiter.js';
import { OipService } from './oip.service.js';
import {
  decodeRestInferRequest,
  encodeRestInferResponse,
  INFERENCE_HEADER_CONTENT_LENGTH,
} from './rest-infer.codec.js';

/** The metrics label of REST inference, versioned or not (bounded: no model names in it). */
const OIP_INFER_ROUTE = '/v2/models/{name}/infer';

/** The Open Inference Protocol v2 over REST; each model route also under /versions/{version}. */
@ApiTags('open inference protocol v2')
@UseFilters(OipExceptionsFilter)
@ApiNotFoundResponse({ type: OipErrorDto, description: 'Unknown model, or not the served version' })
@Controller('v2')
export class OipController {
  constructor(
    private readonly oip: OipService,
    private readonly rateLimit: RateLimiter,
  ) {}

  @Get('health/live')
  @ApiOkResponse({ type: OipLiveDto })
  live(): OipLiveDto {
    return { live: true };
  }

  @Get('health/ready')
  @ApiOkResponse({ type: OipReadyDto })
  @ApiServiceUnavailableResponse({ type: OipReadyDto, description: 'Not ready' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<OipReadyDto> {
    const ready = await this.oip.serverReady();
    if (!ready) res.status(503);
    return { ready };
  }

  @Get()
  @ApiOperation({ summary: 'Server metadata' })
  @ApiOkResponse({ type: OipServerMetadataDto })
  serverMetadata(): OipServerMetadataDto {
    return this.oip.serverMetadata();
  }

  @Get(['models/:name', 'models/:name/versions/:version'])
  @ApiOkResponse({ type: OipModelMetadataDto })
  modelMetadata(
    @Param('name') name: string,
    @Param('version') version?: string,
  ): Promise<OipModelMetadataDto> {
    return this.oip.modelMetadata(name, version);
  }

  @Get(['models/:name/ready', 'models/:name/versions/:version/ready'])
  @ApiOkResponse({ type: OipModelReadyDto })
  @ApiServiceUnavailableResponse({ type: OipModelReadyDto, description: 'Not ready' })
  async modelReady(
    @Param('name') name: string,
    @Res({ passthrough: true }) res: Response,
    @Param('version') version?: string,
  ): Promise<OipModelReadyDto> {
    const ready = await this.oip.modelReady(name, version);
    if (!ready) res.status(503);
    return { name, ...(version !== undefined ? { version } : {}), ready };
  }

  @Post(['models/:name/infer', 'models/:name/versions/:version/infer'])
  @HttpCode(200)
  @ApiConsumes('application/json', 'application/octet-stream')
  @ApiProduces('application/json', 'application/octet-stream')
  @ApiBody({ type: OipInferRequestDto })
  @ApiHeader({
    name: INFERENCE_HEADER_CONTENT_LENGTH,
    required: false,
    description: 'Length of the JSON part when binary tensor data follows it',
  })
  @ApiHeader({
    name: ROUTING_KEY_HEADER,
    required: false,
    description: 'Keeps one caller on one model during a sticky canary rollout',
  })
  @ApiOkResponse({ type: OipInferResponseDto })
  async infer(
    @Param('name') name: string,
    @Body() body: unknown,
    @Headers(INFERENCE_HEADER_CONTENT_LENGTH.toLowerCase()) headerLength: string | undefined,
    @Headers(ROUTING_KEY_HEADER) routingKey: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('version') version?: string,
  ): Promise<object | StreamableFile> {
    const request = decodeRestInferRequest(
      Buffer.isBuffer(body) ? body : Buffer.alloc(0),
      headerLength,
    );
    this.rateLimit.admitHttp(req, res, inferRequestTexts(request), OIP_INFER_ROUTE);
    const result = await this.oip.infer(name, version, request, {
      route: OIP_INFER_ROUTE,
      routingKey: routingKeyOf(routingKey),
    });
    const response = encodeRestInferResponse(result);
    if (!response.binary) return response.json;
    res.setHeader(INFERENCE_HEADER_CONTENT_LENGTH, String(response.headerLength));
    return new StreamableFile(response.body, { type: 'application/octet-stream' });
  }
}
