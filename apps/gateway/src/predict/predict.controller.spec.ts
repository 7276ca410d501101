import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ExceptionsFilter, strictValidation } from '@sentimentops/service-kit';
import { GatewayConfig } from '../gateway.config.js';
import { StubPredictor } from '../oip/testing/stub-predictor.js';
import { PredictController } from './predict.controller.js';
import { SentimentPredictor } from './sentiment-predictor.js';
import { RateLimiter, rateLimitMetricProviders } from '../rate-limit/rate-limiter.js';

// POST /predict over real HTTP against a stand-in predictor: what reaches the predictor.
const predictor = new StubPredictor();
let app: INestApplication;
let url: string;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    controllers: [PredictController],
    providers: [
      { provide: SentimentPredictor, useValue: predictor },
      RateLimiter,
      ...rateLimitMetricProviders,
      {
        provide: GatewayConfig,
        useValue: Object.assign(new GatewayConfig(), { GATEWAY_MAX_BATCH: 4 }),
      },
    ],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalPipes(strictValidation());
  app.useGlobalFilters(new ExceptionsFilter());
  await app.listen(0, '127.0.0.1');
  url = await app.getUrl();
});

afterAll(() => app.close());

function predict(body: object, headers: Record<string, string> = {}) {
  return fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('POST /predict', () => {
  it('passes the x-sentimentops-routing-key header on for sticky canary routing', async () => {
    const res = await predict(
      { texts: ['good', 'bad'] },
      { 'x-sentimentops-routing-key': 'user-9' },
    );
    expect(res.status).toBe(200);
    expect(predictor.batches.at(-1)).toEqual(['good', 'bad']);
    expect(predictor.routes.at(-1)).toBe('/predict');
    expect(predictor.routingKeys.at(-1)).toBe('user-9');
  });

  it('routes a caller without a key (or an empty one) by chance', async () => {
    await predict({ text: 'good' });
    expect(predictor.routingKeys.at(-1)).toBeUndefined();
    await predict({ text: 'good' }, { 'x-sentimentops-routing-key': '' });
    expect(predictor.routingKeys.at(-1)).toBeUndefined();
  });
});
