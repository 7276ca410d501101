import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OIP answers health with the status code (200 or 503); the body says the same in JSON. */
export class OipLiveDto {
  @ApiProperty() live!: boolean;
}

export class OipReadyDto {
  @ApiProperty() ready!: boolean;
}

export class OipModelReadyDto {
  @ApiProperty({ example: 'sentiment' }) name!: string;
  @ApiPropertyOptional({ example: '3' }) version?: string;
  @ApiProperty() ready!: boolean;
}

/** Every /v2 error: what tritonclient and kserve show their caller. */
export class OipErrorDto {
  @ApiProperty({ example: "unknown model 'x': this server serves 'sentiment'" }) error!: string;
}
