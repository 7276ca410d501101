import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  loadModelArtifact,
  localModelDir,
  ModelArtifactError,
  type RemoteModelDirs,
} from './model-artifact.js';

/** The parts of a card these tests break. */
interface TestCard {
  labels: string[];
  max_length?: number;
  onnx: { file: string; int8?: { file: string; [key: string]: unknown }; [key: string]: unknown };
  files: Record<string, { sha256: string; bytes: number }>;
  [key: string]: unknown;
}

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

/** A small model directory whose card matches its files (the bytes are not a real model). */
function modelDir(overrides: (card: TestCard) => void = () => undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'artifact-'));
  const files: Record<string, string> = {
    'model.onnx': 'onnx bytes',
    'model.int8.onnx': 'int8 bytes',
    'tokenizer.json': '{"model": {}}',
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  const card: TestCard = {
    schema_version: 1,
    name: 'sentiment',
    labels: ['negative', 'positive'],
    max_length: 128,
    onnx: { file: 'model.onnx', opset: 17, int8: { file: 'model.int8.onnx', method: 'dynamic' } },
    tokenizer: { file: 'tokenizer.json', pad_token_id: 0, vocab_size: 10 },
    metrics: { anything: 'the training code writes' },
    files: Object.fromEntries(
      Object.entries(files).map(([name, data]) => [
        name,
        { sha256: sha256(data), bytes: Buffer.byteLength(data) },
      ]),
    ),
  };
  overrides(card);
  writeFileSync(join(dir, 'model-card.json'), JSON.stringify(card));
  return dir;
}

describe('loadModelArtifact', () => {
  const dirs: string[] = [];
  const make = (o?: (card: TestCard) => void) => {
    const d = modelDir(o);
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('accepts a directory whose files match the card, by path or file:// URI', async () => {
    const dir = make();
    const byPath = await loadModelArtifact(dir, 'fp32');
    expect(byPath.onnxPath).toBe(join(dir, 'model.onnx'));
    expect(byPath.onnxSha256).toBe(sha256('onnx bytes'));
    const byUri = await loadModelArtifact(pathToFileURL(dir).href, 'int8');
    expect(byUri.onnxPath).toBe(join(dir, 'model.int8.onnx'));
  });

  it('refuses a file whose bytes changed, naming it', async () => {
    const dir = make();
    writeFileSync(join(dir, 'tokenizer.json'), '{"model": {"tampered": 1}}');
    const error = await loadModelArtifact(dir, 'fp32').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtifactError);
    expect((error as ModelArtifactError).problems).toEqual([
      expect.stringMatching(/^tokenizer\.json: sha256 [0-9a-f]{64} != card/),
    ]);
  });

  it('refuses a missing file, even one not served (the directory is one artifact)', async () => {
    const dir = make();
    rmSync(join(dir, 'model.int8.onnx'));
    await expect(loadModelArtifact(dir, 'fp32')).rejects.toThrow(/model\.int8\.onnx: missing/);
  });

  it.each([
    [
      'no card',
      (dir: string) => rmSync(join(dir, 'model-card.json')),
      /cannot read model-card\.json/,
    ],
    [
      'a card that is not JSON',
      (dir: string) => writeFileSync(join(dir, 'model-card.json'), '{'),
      /cannot read model-card\.json/,
    ],
  ])('refuses %s', async (_name, breakIt, message) => {
    const dir = make();
    breakIt(dir);
    await expect(loadModelArtifact(dir, 'fp32')).rejects.toThrow(message);
  });

  it.each([
    ['an unknown label', (c: TestCard) => (c.labels = ['negative', 'meh']), /labels/],
    ['no max length', (c: TestCard) => delete c.max_length, /max_length/],
    [
      'a malformed sha256',
      (c: TestCard) => (c.files['model.onnx'].sha256 = 'abc'),
      /files\.model\.onnx/,
    ],
    [
      'a file name that leaves the directory',
      (c: TestCard) => (c.files['../etc/passwd'] = { sha256: 'a'.repeat(64), bytes: 1 }),
      /files\.\.\.\/etc\/passwd/,
    ],
    [
      'a served file without a sha256',
      (c: TestCard) => delete c.files['model.onnx'],
      /no sha256 for: model\.onnx/,
    ],
  ])('refuses a card with %s', async (_name, breakCard, message) => {
    await expect(loadModelArtifact(make(breakCard), 'fp32')).rejects.toThrow(message);
  });

  it('refuses int8 when the card lists no int8 model', async () => {
    const dir = make((c) => delete c.onnx.int8);
    await expect(loadModelArtifact(dir, 'int8')).rejects.toThrow(/no int8 model/);
  });

  it('does not accept locations it cannot read locally', () => {
    expect(() => localModelDir('gs://bucket/models/3')).toThrow(ModelArtifactError);
    expect(localModelDir('models/x')).toBe(join(process.cwd(), 'models/x'));
  });

  describe('a gs:// model', () => {
    const remote = (...dirs: { dir: string; reused: boolean }[]) => {
      const fetch = jest.fn<
        ReturnType<RemoteModelDirs['fetch']>,
        Parameters<RemoteModelDirs['fetch']>
      >();
      for (const d of dirs) fetch.mockResolvedValueOnce(d);
      return { fetch };
    };

    it('is loaded from the local copy the cache makes, verified like any directory', async () => {
      const dir = make();
      const cache = remote({ dir, reused: false });
      const artifact = await loadModelArtifact('gs://models/sentiment/3', 'fp32', cache);
      expect(artifact.onnxPath).toBe(join(dir, 'model.onnx'));
      expect(cache.fetch).toHaveBeenCalledWith('gs://models/sentiment/3');
      await expect(loadModelArtifact(pathToFileURL(dir).href, 'fp32', cache)).resolves.toBeTruthy();
      expect(cache.fetch).toHaveBeenCalledTimes(1); // local locations do not go through it
    });

    it('is copied again once when an earlier copy no longer matches its card', async () => {
      const broken = make();
      writeFileSync(join(broken, 'model.onnx'), 'changed on disk');
      const fresh = make();
      const cache = remote({ dir: broken, reused: true }, { dir: fresh, reused: false });
      const artifact = await loadModelArtifact('gs://models/sentiment/3', 'fp32', cache);
      expect(artifact.dir).toBe(fresh);
      expect(cache.fetch).toHaveBeenLastCalledWith('gs://models/sentiment/3', { refresh: true });
    });

    it('is refused when a fresh copy does not match its card', async () => {
      const broken = make();
      writeFileSync(join(broken, 'model.onnx'), 'changed on disk');
      const cache = remote({ dir: broken, reused: false });
      await expect(loadModelArtifact('gs://models/sentiment/3', 'fp32', cache)).rejects.toThrow(
        /model\.onnx: sha256/,
      );
      expect(cache.fetch).toHaveBeenCalledTimes(1);
    });
  });

  it('leaves the card as written (it only reads)', async () => {
    const dir = make();
    const before = readFileSync(join(dir, 'model-card.json'), 'utf8');
    await loadModelArtifact(dir, 'fp32');
    expect(readFileSync(join(dir, 'model-card.json'), 'utf8')).toBe(before);
  });
});
