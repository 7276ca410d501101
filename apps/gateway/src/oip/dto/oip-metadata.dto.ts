import { ApiProperty } from '@nestjs/swagger';

export class OipServerMetadataDto {
  @ApiProperty({ example: 'sentimentops' }) name!: string;
  @ApiProperty({ example: '0.1.0' }) version!: string;
  @ApiProperty({ type: [String], example: ['binary_tensor_data'] }) extensions!: string[];
}

export class OipTensorMetadataDto {
  @ApiProperty({ example: 'text' }) name!: string;
  @ApiProperty({ enum: ['BYTES', 'FP32'] }) datatype!: string;
  @ApiProperty({ type: [Number], example: [-1], description: '-1: any batch size' })
  shape!: number[];
}

export class OipModelMetadataDto {
  @ApiProperty({ example: 'sentiment' }) name!: string;
  @ApiProperty({ type: [String], example: ['3'] }) versions!: string[];
  @ApiProperty({ example: 'onnxruntime' }) platform!: string;
  @ApiProperty({ type: [OipTensorMetadataDto] }) inputs!: OipTensorMetadataDto[];
  @ApiProperty({ type: [OipTensorMetadataDto] }) outputs!: OipTensorMetadataDto[];
}
