import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { readBuildInfo } from '@sentimentops/service-kit';
import { documentErrorAnswers } from './openapi-errors.js';

/** The OpenAPI document and its UI at /docs (raw JSON at /docs-json). */
export function serveOpenApi(app: INestApplication) {
  const document = documentErrorAnswers(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('SentimentOps gateway')
        .setDescription(
          'Predictions, feedback, health, and the bearer-protected admin API under /api.',
        )
        .setVersion(readBuildInfo().version)
        .addBearerAuth()
        .build(),
    ),
  );
  SwaggerModule.setup('docs', app, document);
}
