import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * The JSON part of an inference request and response, for the OpenAPI document only: bodies are
 * read as bytes and decoded by rest-infer.codec.ts, which also takes binary tensor data after the
 * JSON (header Inference-Header-Content-Length).
 */
const tensorData = {
  type: 'array',
  items: {},
  description: 'Row-major elements, flat or nested: strings for BYTES, numbers for FP32',
} as const;

export class OipInferInputDto {
  @ApiProperty({ example: 'text' }) name!: string;
  @ApiProperty({ example: [2], type: [Number], description: '[n] or [n, 1]' }) shape!: number[];
  @ApiProperty({ example: 'BYTES' }) datatype!: string;
  @ApiPropertyOptional({ example: { binary_data_size: 27 } }) parameters?: object;
  @ApiPropertyOptional({ ...tensorData, example: ['great film', 'dull and long'] })
  data?: unknown[];
}

export class OipRequestedOutputDto {
  @ApiProperty({ enum: ['label', 'probabilities'] }) name!: string;
  @ApiPropertyOptional({ example: { binary_data: false } }) parameters?: object;
}

export class OipInferRequestDto {
  @ApiPropertyOptional({ description: 'Echoed in the response' }) id?: string;
  @ApiPropertyOptional({ example: { binary_data_output: false } }) parameters?: object;
  @ApiProperty({ type: [OipInferInputDto] }) inputs!: OipInferInputDto[];
  @ApiPropertyOptional({ type: [OipRequestedOutputDto], description: 'Default: all outputs' })
  outputs?: OipRequestedOutputDto[];
}

export class OipInferOutputDto {
  @ApiProperty({ example: 'probabilities' }) name!: string;
  @ApiProperty({ example: [2, 2], type: [Number] }) shape!: number[];
  @ApiProperty({ example: 'FP32' }) datatype!: string;
  @ApiPropertyOptional({ description: 'binary_data_size when the data follows the JSON' })
  parameters?: object;
  @ApiPropertyOptional({ ...tensorData, example: [0.03, 0.97, 0.88, 0.12] }) data?: unknown[];
}

export class OipInferResponseDto {
  @ApiProperty({ example: 'sentiment' }) model_name!: string;
  @ApiProperty({ example: '3' }) model_version!: string;
  @ApiPropertyOptional() id?: string;
  @ApiProperty({ type: [OipInferOutputDto] }) outputs!: OipInferOutputDto[];
}
