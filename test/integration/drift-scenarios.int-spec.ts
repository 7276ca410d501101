// Drift scenarios with real traffic: texts written by the project's review generator (new seeds)
// and scored by the bundled model (ONNX Runtime, the served tokenizer), windows compared with the
// model's reference profile exactly as the drift service compares them. Two promises are measured
// and printed: an unshifted stream raises the drift verdict in at most 5% of 100 windows, and a
// stream of longer reviews is detected.
import { loadConfig } from '@sentimentops/config';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareWindow, type WindowColumns } from '../../apps/drift/src/check/compare-window.js';
import { DriftConfig } from '../../apps/drift/src/drift.config.js';
import {
  parseProfile,
  type ProfileFile,
} from '../../apps/drift/src/reference/reference-profile.js';

const MODEL_DIR = path.resolve('models/sentiment-demo');
const PYTHON = path.join(
  process.env.SENTIMENTOPS_VENV ?? path.resolve('.cache/venv'),
  'bin',
  'python',
);
const WINDOWS = 100;
const WINDOW = 250;
const SHIFTED_WINDOWS = 10;

interface Stream {
  score: number[];
  label: ('positive' | 'negative')[];
  token_length: number[];
  unknown_token_rate: number[];
  truncated: boolean[];
}

function streams(): Record<'same' | 'long', Stream> {
  const spec = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'drift-scenarios-')), 'spec.json');
  fs.writeFileSync(
    spec,
    JSON.stringify({
      seed: 2026,
      streams: {
        same: { count: WINDOWS * WINDOW },
        // Mostly the generator's long reviews: the length distribution moves, the domains do not.
        long: { count: SHIFTED_WINDOWS * WINDOW, structure_weights: { long: 1.0 } },
      },
    }),
  );
  const out = execFileSync(
    PYTHON,
    [path.join('test', 'support', 'python', 'drift_scenarios.py'), MODEL_DIR, spec],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  return JSON.parse(out.toString('utf8')) as Record<'same' | 'long', Stream>;
}

function window(stream: Stream, index: number): WindowColumns {
  const from = index * WINDOW;
  const slice = <T>(xs: T[]) => xs.slice(from, from + WINDOW);
  const labels = slice(stream.label);
  const positive = labels.filter((l) => l === 'positive').length;
  return {
    score: Float64Array.from(slice(stream.score)),
    token_length: Float64Array.from(slice(stream.token_length)),
    unknown_token_rate: Float64Array.from(slice(stream.unknown_token_rate)),
    labels: { positive, negative: labels.length - positive },
    truncated: slice(stream.truncated).filter(Boolean).length,
    n: labels.length,
  };
}

describe('drift scenarios on generated traffic scored by the bundled model', () => {
  const config = loadConfig(DriftConfig, {});
  const options = {
    bins: config.DRIFT_PSI_BINS,
    alpha: config.DRIFT_ALPHA,
    warnPsi: config.DRIFT_PSI_WARN,
    alertPsi: config.DRIFT_PSI_ALERT,
    minSamples: config.DRIFT_MIN_SAMPLES,
  };
  const reference = parseProfile(
    'sentiment',
    '1',
    JSON.parse(
      fs.readFileSync(path.join(MODEL_DIR, 'reference-profile.json'), 'utf8'),
    ) as ProfileFile,
  );
  let data: Record<'same' | 'long', Stream>;

  beforeAll(() => {
    data = streams();
  }, 240_000);

  it(`raises the drift verdict in at most 5% of ${WINDOWS} unshifted windows of ${WINDOW}`, () => {
    const verdicts = Array.from({ length: WINDOWS }, (_, i) =>
      compareWindow(reference, window(data.same, i), options),
    );
    expect(verdicts.every((v) => v.verdict !== 'insufficient-data')).toBe(true);
    const alarms = verdicts.filter((v) => v.verdict === 'drift');
    const byFeature = new Map<string, number>();
    for (const v of alarms)
      for (const f of v.features.filter((x) => x.drifting))
        byFeature.set(f.name, (byFeature.get(f.name) ?? 0) + 1);
    console.log(
      `drift scenarios: false alarms ${alarms.length}/${WINDOWS} windows ` +
        `(${((100 * alarms.length) / WINDOWS).toFixed(1)}%) at alpha ${options.alpha}, ` +
        `PSI warn ${options.warnPsi}; by feature ${JSON.stringify(Object.fromEntries(byFeature))}`,
    );
    expect(alarms.length / WINDOWS).toBeLessThanOrEqual(0.05);
  });

  it(`detects a stream of longer reviews in every one of ${SHIFTED_WINDOWS} windows`, () => {
    const verdicts = Array.from({ length: SHIFTED_WINDOWS }, (_, i) =>
      compareWindow(reference, window(data.long, i), options),
    );
    const detected = verdicts.filter((v) => v.verdict === 'drift');
    console.log(
      `drift scenarios: long reviews detected in ${detected.length}/${SHIFTED_WINDOWS} windows; ` +
        `token_length PSI ${verdicts
          .map((v) => v.features.find((f) => f.name === 'token_length')!.psi.toFixed(2))
          .join(' ')}`,
    );
    expect(detected).toHaveLength(SHIFTED_WINDOWS);
    for (const v of detected) {
      expect(v.features.find((f) => f.name === 'token_length')?.drifting).toBe(true);
    }
  });
});
