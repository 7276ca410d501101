// GcsArtifactStore against a real fake-gcs-server: the @google-cloud/storage client speaks HTTP to
// a server that implements Cloud Storage's JSON and upload APIs (simple and resumable).
import {
  ArtifactIntegrityError,
  ArtifactNotFoundError,
  ArtifactTooLargeError,
  artifactStoresFromEnv,
  downloadDirectory,
  GcsArtifactStore,
  type Digest,
} from '@sentimentops/artifact-store';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelArtifactCache } from '../../apps/inference/src/model/artifact-cache.js';
import { loadModelArtifact } from '../../apps/inference/src/model/model-artifact.js';
import { FakeGcsProcess } from '../support/fake-gcs-process.js';

const digestOf = (data: Buffer): Digest => ({
  sha256: createHash('sha256').update(data).digest('hex'),
  bytes: data.length,
});

describe('GcsArtifactStore against fake-gcs-server', () => {
  const gcs = new FakeGcsProcess();
  let store: GcsArtifactStore;
  let dir: string;
  /** Local files of these tests, by name. */
  const local = (name: string, data: Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, data);
    return file;
  };

  beforeAll(async () => {
    await gcs.start();
    await gcs.createBucket('models');
    store = new GcsArtifactStore({ apiEndpoint: gcs.endpoint, projectId: 'test' });
    dir = mkdtempSync(join(tmpdir(), 'artifact-store-it-'));
  }, 120_000); // the first run may build fake-gcs-server (a few minutes, then cached)

  afterAll(async () => {
    await gcs.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a file streamed, then stats, digests and downloads it verified', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 7);
    const expected = digestOf(data);
    const uri = 'gs://models/roundtrip/model.onnx';

    await expect(store.upload(local('roundtrip.bin', data), uri, expected)).resolves.toEqual(
      expected,
    );
    await expect(store.stat(uri)).resolves.toEqual({ uri, bytes: data.length });
    await expect(store.digest(uri)).resolves.toEqual(expected);

    const target = join(dir, 'downloaded', 'model.onnx');
    await expect(store.download(uri, target, expected)).resolves.toEqual(expected);
    expect(readFileSync(target).equals(data)).toBe(true);
    expect(readdirSync(join(dir, 'downloaded'))).toEqual(['model.onnx']); // no temp file left
  });

  it('uploads in a resumable session above the threshold', async () => {
    const resumable = new GcsArtifactStore({
      apiEndpoint: gcs.endpoint,
      resumableThresholdBytes: 1024,
    });
    const data = randomBytes(256 * 1024);
    const uri = 'gs://models/resumable/blob.bin';
    await resumable.upload(local('resumable.bin', data), uri, digestOf(data));
    await expect(resumable.readBytes(uri, data.length)).resolves.toEqual(data);
  });

  it('lists the objects under a prefix, recursively, and nothing beside it', async () => {
    const one = Buffer.from('one');
    for (const key of ['list/a/x.json', 'list/a/sub/y.json', 'list/ab/z.json', 'list/b.json'])
      await store.upload(local('one.txt', one), `gs://models/${key}`);
    await expect(store.list('gs://models/list/a')).resolves.toEqual([
      { uri: 'gs://models/list/a/sub/y.json', bytes: 3 },
      { uri: 'gs://models/list/a/x.json', bytes: 3 },
    ]);
    await expect(store.list('gs://models/list/a/')).resolves.toHaveLength(2);
    await expect(store.list('gs://models/list/nothing')).resolves.toEqual([]);
    await expect(store.list('gs://no-such-bucket/list')).resolves.toEqual([]);
  });

  it('refuses an upload that does not match and leaves no object behind', async () => {
    const data = Buffer.from('the bytes on disk');
    const file = local('tampered.bin', data);

    const wrongHash = { ...digestOf(data), sha256: 'f'.repeat(64) };
    const uri = 'gs://models/tampered/hash.bin';
    const error = await store.upload(file, uri, wrongHash).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactIntegrityError);
    expect((error as Error).message).toContain(uri);
    expect((error as Error).message).toContain('f'.repeat(64));
    expect((error as Error).message).toContain(digestOf(data).sha256);
    await expect(store.stat(uri)).resolves.toBeUndefined();

    // Fewer bytes expected than the file has: the upload stops mid-way.
    const short = 'gs://models/tampered/short.bin';
    await expect(store.upload(file, short, { ...digestOf(data), bytes: 4 })).rejects.toThrow(
      ArtifactIntegrityError,
    );
    await expect(store.stat(short)).resolves.toBeUndefined();
  });

  it('refuses a download that does not match and leaves no file behind', async () => {
    const data = Buffer.from('served bytes');
    const uri = 'gs://models/verify/model.onnx';
    await store.upload(local('verify.bin', data), uri);
    const target = join(dir, 'verify-download', 'model.onnx');

    await expect(
      store.download(uri, target, { ...digestOf(data), sha256: '0'.repeat(64) }),
    ).rejects.toThrow(ArtifactIntegrityError);
    await expect(store.download(uri, target, { ...digestOf(data), bytes: 3 })).rejects.toThrow(
      /got 12 bytes \(not downloaded\)/,
    );
    expect(readdirSync(join(dir, 'verify-download'))).toEqual([]);
  });

  it('reports objects and buckets that do not exist', async () => {
    const missing = 'gs://models/missing/model.onnx';
    await expect(store.stat(missing)).resolves.toBeUndefined();
    await expect(store.digest(missing)).rejects.toThrow(ArtifactNotFoundError);
    await expect(store.createReadStream(missing)).rejects.toThrow(ArtifactNotFoundError);
    await expect(store.download(missing, join(dir, 'missing.onnx'))).rejects.toThrow(
      ArtifactNotFoundError,
    );
    await expect(store.digest('gs://no-such-bucket/model.onnx')).rejects.toThrow(
      ArtifactNotFoundError,
    );
  });

  it('reads small objects whole and refuses larger ones without reading them', async () => {
    const uri = 'gs://models/card/model-card.json';
    await store.upload(local('card.json', Buffer.from('{"name":"x"}')), uri);
    await expect(store.readBytes(uri, 1024)).resolves.toEqual(Buffer.from('{"name":"x"}'));
    await expect(store.readBytes(uri, 5)).rejects.toThrow(ArtifactTooLargeError);
  });

  describe('downloadDirectory of a model directory', () => {
    const files = {
      'model.onnx': randomBytes(64 * 1024),
      'tokenizer.json': Buffer.from('{"model": {}}'),
      'model-card.json': Buffer.from('{"schema_version": 1}'),
    };
    const digests = Object.fromEntries(
      Object.entries(files).map(([name, data]) => [name, digestOf(data)]),
    );

    beforeAll(async () => {
      for (const [name, data] of Object.entries(files))
        await store.upload(local(name, data), `gs://models/sentiment/7/${name}`, digests[name]);
    });

    it('copies every file, verified, through the stores an app builds from its config', async () => {
      const stores = artifactStoresFromEnv({ ARTIFACT_GCS_ENDPOINT: gcs.endpoint });
      const prefix = 'gs://models/sentiment/7';
      const target = join(dir, 'model-7');
      await downloadDirectory(stores.forUri(prefix), prefix, target, digests);
      expect(readdirSync(target).sort()).toEqual(Object.keys(files).sort());
      for (const [name, data] of Object.entries(files))
        expect(readFileSync(join(target, name)).equals(data)).toBe(true);
    });

    it('refuses a directory whose object differs from the expected digest', async () => {
      const target = join(dir, 'model-7-tampered');
      const tampered = { ...digests, 'tokenizer.json': digestOf(Buffer.from('{"model": []}')) };
      await expect(
        downloadDirectory(store, 'gs://models/sentiment/7/', target, tampered),
      ).rejects.toThrow(ArtifactIntegrityError);
      expect(readdirSync(target)).not.toContain('tokenizer.json');
    });

    it('refuses a directory that lacks a file or does not exist', async () => {
      const target = join(dir, 'model-7-missing');
      const more = { ...digests, 'model.int8.onnx': digestOf(Buffer.from('x')) };
      await expect(
        downloadDirectory(store, 'gs://models/sentiment/7', target, more),
      ).rejects.toThrow(/not found: gs:\/\/models\/sentiment\/7\/model\.int8\.onnx/);
      await expect(downloadDirectory(store, 'gs://models/sentiment/8', target)).rejects.toThrow(
        ArtifactNotFoundError,
      );
    });
  });

  it('serves inference a gs:// model: the bundled demo model, fetched verified and cached', async () => {
    const demo = 'models/sentiment-demo';
    const card = JSON.parse(readFileSync(join(demo, 'model-card.json'), 'utf8')) as {
      files: Record<string, Digest>;
    };
    for (const name of ['model-card.json', ...Object.keys(card.files)])
      await store.upload(
        join(demo, name),
        `gs://models/sentiment-demo/1/${name}`,
        card.files[name],
      );
    const cache = new ModelArtifactCache(
      artifactStoresFromEnv({ ARTIFACT_GCS_ENDPOINT: gcs.endpoint }),
      join(dir, 'model-cache'),
    );

    const artifact = await loadModelArtifact('gs://models/sentiment-demo/1', 'int8', cache);
    expect(artifact.onnxSha256).toBe(card.files['model.int8.onnx'].sha256);
    expect(artifact.dir.startsWith(join(dir, 'model-cache'))).toBe(true);
    expect(readdirSync(artifact.dir).sort()).toEqual(
      ['model-card.json', ...Object.keys(card.files)].sort(),
    );
    await expect(cache.fetch('gs://models/sentiment-demo/1')).resolves.toEqual({
      dir: artifact.dir,
      reused: true,
    });
  });
});
