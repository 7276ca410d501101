import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { sendJson, startTestServer, type TestServer } from '../testing/cli.testing.js';
import { runMain } from '../testing/run-main.js';
import { type PredictResult } from './predict.command.js';

/** Answers POST /predict like the gateway, labelling texts that contain "bad" negative. */
function fakePredict(): Promise<TestServer> {
  return startTestServer((request, response) => {
    const { texts } = JSON.parse(request.body) as { texts: string[] };
    sendJson(response, 200, {
      predictions: texts.map((t, i) => {
        const negative = t.includes('bad') ? 0.9 : 0.1;
        return {
          id: `00000000-0000-4000-8000-00000000000${i}`,
          label: negative > 0.5 ? 'negative' : 'positive',
          score: Math.max(negative, 1 - negative),
          probabilities: { negative, positive: 1 - negative },
          truncated: false,
        };
      }),
      model: { name: 'sentiment', version: '4' },
    });
  });
}

describe('sentimentops predict', () => {
  let gateway: TestServer;
  beforeEach(async () => (gateway = await fakePredict()));
  afterEach(() => gateway.close());

  it('sends the arguments and the file lines as one batch, without the admin token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-predict-'));
    writeFileSync(join(dir, 'texts.txt'), 'a bad one\n\n  \nthird\n');
    const run = await runMain(['predict', '--json', 'first', '--file', join(dir, 'texts.txt')], {
      env: { SENTIMENTOPS_URL: gateway.url, SENTIMENTOPS_ADMIN_TOKEN: 'admin-tok' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(ExitCode.Ok);
    const result = JSON.parse(run.stdout) as PredictResult;
    expect(result.predictions.map((p) => [p.text, p.label])).toEqual([
      ['first', 'positive'],
      ['a bad one', 'negative'],
      ['third', 'positive'],
    ]);
    expect(result.model.version).toBe('4');
    expect(gateway.requests).toHaveLength(1);
    expect(gateway.requests[0].url).toBe('/predict');
    expect(gateway.requests[0].headers.authorization).toBeUndefined();
  });

  it('prints a table with the model version', async () => {
    const run = await runMain(['predict', 'good film'], { env: { SENTIMENTOPS_URL: gateway.url } });
    expect(run.code).toBe(ExitCode.Ok);
    expect(run.stdout).toMatch(/│ positive │ 0\.900 │ good film\s+│/);
    expect(run.stdout).toContain('model sentiment v4');
  });

  it('exits 2 without texts, and when the file cannot be read', async () => {
    const none = await runMain(['predict'], { env: { SENTIMENTOPS_URL: gateway.url } });
    expect(none.code).toBe(ExitCode.Usage);
    const missing = await runMain(['predict', '--file', '/nonexistent/texts.txt'], {
      env: { SENTIMENTOPS_URL: gateway.url },
    });
    expect(missing.code).toBe(ExitCode.Usage);
    expect(missing.stderr).toContain('/nonexistent/texts.txt');
    expect(gateway.requests).toHaveLength(0);
  });
});
