import { ArtifactStores, FileArtifactStore } from '@sentimentops/artifact-store';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModelArtifactCache } from './artifact-cache.js';
import { ModelArtifactError } from './model-artifact.js';

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

// The cache fetches whatever its stores serve; file:// stands in for gs:// here (the GCS store
// itself is tested against fake-gcs-server in test/integration/artifact-store.int-spec.ts).
describe('ModelArtifactCache', () => {
  let dir: string;
  let source: string;
  let uri: string;
  let cache: ModelArtifactCache;
  const files = { 'model.onnx': 'onnx bytes', 'tokenizer.json': '{"model": {}}' };
  const writeCard = (overrides: Record<string, unknown> = {}) =>
    writeFileSync(
      join(source, 'model-card.json'),
      JSON.stringify({
        schema_version: 1,
        name: 'sentiment',
        labels: ['negative', 'positive'],
        max_length: 128,
        onnx: { file: 'model.onnx' },
        tokenizer: { file: 'tokenizer.json', pad_token_id: 0 },
        files: Object.fromEntries(
          Object.entries(files).map(([name, data]) => [
            name,
            { sha256: sha256(data), bytes: Buffer.byteLength(data) },
          ]),
        ),
        ...overrides,
      }),
    );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'model-cache-'));
    source = join(dir, 'bucket', 'sentiment', '3');
    mkdirSync(source, { recursive: true });
    for (const [name, data] of Object.entries(files)) writeFileSync(join(source, name), data);
    writeFileSync(join(source, 'notes.txt'), 'not in the card');
    writeCard();
    uri = pathToFileURL(source).href;
    cache = new ModelArtifactCache(
      new ArtifactStores([new FileArtifactStore()]),
      join(dir, 'cache'),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies the card and the files it lists into a folder named by the URI', async () => {
    const copy = await cache.fetch(uri);
    expect(copy).toEqual({ dir: join(dir, 'cache', sha256(uri)), reused: false });
    expect(readdirSync(copy.dir).sort()).toEqual([
      'model-card.json',
      'model.onnx',
      'tokenizer.json',
    ]);
    expect(readdirSync(join(dir, 'cache'))).toEqual([sha256(uri)]); // no staging folder left
  });

  it('reuses a copy while the card is unchanged, and copies again when it changes', async () => {
    await cache.fetch(uri);
    await expect(cache.fetch(`${uri}/`)).resolves.toMatchObject({ reused: true });
    await expect(cache.fetch(uri, { refresh: true })).resolves.toMatchObject({ reused: false });

    writeCard({ name: 'sentiment-2' });
    const copy = await cache.fetch(uri);
    expect(copy.reused).toBe(false);
    expect(readFileSync(join(copy.dir, 'model-card.json'), 'utf8')).toContain('sentiment-2');
  });

  it('refuses a file that does not match the card and keeps the previous copy', async () => {
    const previous = await cache.fetch(uri);
    writeFileSync(join(source, 'tokenizer.json'), '{"model": []}'); // same size, other bytes
    writeCard({ name: 'changed' }); // a new card, so the copy is not reused

    const error = await cache.fetch(uri).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtifactError);
    expect((error as Error).message).toMatch(/tokenizer\.json does not match/);
    expect(readFileSync(join(previous.dir, 'tokenizer.json'), 'utf8')).toBe('{"model": {}}');
    expect(readdirSync(join(dir, 'cache'))).toEqual([sha256(uri)]);
  });

  it.each([
    ['no card', () => rmSync(join(source, 'model-card.json')), /artifact not found/],
    ['a card that is not a card', () => writeCard({ labels: 'x' }), /not a valid card/],
    ['a card over 1 MiB', () => writeCard({ pad: 'x'.repeat(1024 * 1024) }), /larger than/],
    ['a listed file missing', () => rmSync(join(source, 'model.onnx')), /model\.onnx/],
  ])('refuses a directory with %s', async (_name, breakIt, message) => {
    breakIt();
    const error = await cache.fetch(uri).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelArtifactError);
    expect((error as Error).message).toMatch(message);
  });
});
