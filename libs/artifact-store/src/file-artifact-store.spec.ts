import { createHash, randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Digest } from './artifact-store.js';
import {
  ArtifactIntegrityError,
  ArtifactNotFoundError,
  ArtifactTooLargeError,
  UnsupportedArtifactUriError,
} from './artifact-store.errors.js';
import { downloadDirectory } from './download-directory.js';
import { FileArtifactStore } from './file-artifact-store.js';

const digestOf = (data: Buffer | string): Digest => ({
  sha256: createHash('sha256').update(data).digest('hex'),
  bytes: Buffer.byteLength(data),
});

describe('FileArtifactStore', () => {
  const store = new FileArtifactStore();
  let dir: string;
  const file = (name: string, data: Buffer | string) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, data);
    return path;
  };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'artifact-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uploads and downloads a file verified, by file:// URI or absolute path', async () => {
    const data = randomBytes(200_000);
    const expected = digestOf(data);
    const uri = pathToFileURL(join(dir, 'store', 'models', '3', 'model.onnx')).href;

    await expect(store.upload(file('local.bin', data), uri, expected)).resolves.toEqual(expected);
    await expect(store.stat(uri)).resolves.toEqual({ uri, bytes: data.length });
    await expect(store.digest(join(dir, 'store/models/3/model.onnx'))).resolves.toEqual(expected);

    const target = join(dir, 'fetched', 'model.onnx');
    await expect(store.download(uri, target, expected)).resolves.toEqual(expected);
    expect(readFileSync(target).equals(data)).toBe(true);
    expect(readdirSync(join(dir, 'fetched'))).toEqual(['model.onnx']);
  });

  it('streams an object', async () => {
    const path = file('a.txt', 'streamed');
    const chunks: Buffer[] = [];
    for await (const chunk of (await store.createReadStream(path)) as AsyncIterable<Buffer>)
      chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('streamed');
  });

  it('refuses a copy that does not match and leaves no file behind', async () => {
    const source = file('source.bin', 'the real bytes');
    const uri = join(dir, 'store', 'model.onnx');
    const wrong = { ...digestOf('the real bytes'), sha256: 'a'.repeat(64) };

    const error = await store.upload(source, uri, wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactIntegrityError);
    expect((error as Error).message).toContain(uri);
    expect((error as Error).message).toContain('a'.repeat(64));
    expect((error as Error).message).toContain(digestOf('the real bytes').sha256);
    expect(readdirSync(join(dir, 'store'))).toEqual([]);

    // More bytes than expected: the copy stops early, and still leaves nothing.
    await expect(
      store.download(source, join(dir, 'out', 'model.onnx'), digestOf('short')),
    ).rejects.toThrow(/or more: stopped reading/);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });

  it('keeps the previous file when a replacement does not match', async () => {
    const target = file('out/model.onnx', 'previous');
    await expect(
      store.download(file('new.bin', 'replacement'), target, digestOf('something else')),
    ).rejects.toThrow(ArtifactIntegrityError);
    expect(readFileSync(target, 'utf8')).toBe('previous');
    expect(readdirSync(join(dir, 'out'))).toEqual(['model.onnx']);
  });

  it('reports what does not exist', async () => {
    const missing = join(dir, 'missing.onnx');
    await expect(store.stat(missing)).resolves.toBeUndefined();
    await expect(store.stat(dir)).resolves.toBeUndefined(); // a directory is not an object
    await expect(store.digest(missing)).rejects.toThrow(ArtifactNotFoundError);
    await expect(store.createReadStream(dir)).rejects.toThrow(ArtifactNotFoundError);
    await expect(store.readBytes(join(missing, 'x'), 10)).rejects.toThrow(ArtifactNotFoundError);
    await expect(store.download(missing, join(dir, 'x'))).rejects.toThrow(ArtifactNotFoundError);
    await expect(store.upload(missing, join(dir, 'y'))).rejects.toThrow(ArtifactNotFoundError);
    await expect(store.list(join(dir, 'nothing'))).resolves.toEqual([]);
  });

  it('reads small objects whole and refuses larger ones', async () => {
    const path = file('card.json', '{"name":"sentiment"}');
    await expect(store.readBytes(path, 20)).resolves.toEqual(Buffer.from('{"name":"sentiment"}'));
    const error = await store.readBytes(path, 19).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactTooLargeError);
    expect((error as Error).message).toMatch(/larger than 19 bytes \(20\)/);
  });

  it('lists a directory recursively, as file:// URIs, without following links', async () => {
    file('model/model.onnx', 'onnx');
    file('model/tokenizer/tokenizer.json', '{}');
    file('model-2/other.onnx', 'not under the prefix');
    symlinkSync(join(dir, 'model-2'), join(dir, 'model', 'linked'));
    const url = (name: string) => pathToFileURL(join(dir, name)).href;
    const expected = [
      { uri: url('model/model.onnx'), bytes: 4 },
      { uri: url('model/tokenizer/tokenizer.json'), bytes: 2 },
    ];
    await expect(store.list(join(dir, 'model'))).resolves.toEqual(expected);
    await expect(store.list(`${url('model')}/`)).resolves.toEqual(expected);
    await expect(new FileArtifactStore({ maxListed: 1 }).list(join(dir, 'model'))).rejects.toThrow(
      ArtifactTooLargeError,
    );
  });

  it.each([
    ['a relative path', 'models/3/model.onnx'],
    ['a .. segment', '/models/../etc/passwd'],
    ['a .. segment in a file:// URI', 'file:///models/../etc/passwd'],
    ['an encoded .. segment', 'file:///models/%2e%2e/etc/passwd'],
    ['a file:// URI with a host', 'file://host/models/model.onnx'],
    ['another scheme', 's3://bucket/model.onnx'],
    ['a gs:// URI', 'gs://bucket/model.onnx'],
    ['an empty segment', '/models//model.onnx'],
    ['a NUL byte', '/models/model\u0000.onnx'],
  ])('refuses %s', async (_name, uri) => {
    await expect(store.stat(uri)).rejects.toThrow(
      uri.startsWith('gs://') ? /cannot serve/ : UnsupportedArtifactUriError,
    );
  });

  describe('downloadDirectory', () => {
    const model = { 'model.onnx': 'onnx bytes', 'tokenizer.json': '{}', 'sub/extra.txt': 'x' };
    const digests = Object.fromEntries(
      Object.entries(model).map(([name, data]) => [name, digestOf(data)]),
    );
    beforeEach(() => {
      for (const [name, data] of Object.entries(model)) file(`model/${name}`, data);
    });

    it('copies every file of the directory, keeping relative names', async () => {
      await downloadDirectory(store, join(dir, 'model'), join(dir, 'copy'));
      expect(readFileSync(join(dir, 'copy', 'sub', 'extra.txt'), 'utf8')).toBe('x');
      expect(readdirSync(join(dir, 'copy')).sort()).toEqual([
        'model.onnx',
        'sub',
        'tokenizer.json',
      ]);
    });

    it('copies exactly the files it is given, each verified', async () => {
      const listed = {
        'model.onnx': digests['model.onnx'],
        'tokenizer.json': digests['tokenizer.json'],
      };
      await downloadDirectory(store, join(dir, 'model'), join(dir, 'copy'), listed);
      expect(readdirSync(join(dir, 'copy')).sort()).toEqual(['model.onnx', 'tokenizer.json']);

      const tampered = { ...listed, 'tokenizer.json': digestOf('[]') };
      await expect(
        downloadDirectory(store, join(dir, 'model'), join(dir, 'copy-2'), tampered),
      ).rejects.toThrow(ArtifactIntegrityError);
      expect(readdirSync(join(dir, 'copy-2'))).not.toContain('tokenizer.json');
    });

    it('refuses a missing file, a missing directory and names that leave it', async () => {
      const more = { ...digests, 'model.int8.onnx': digestOf('x') };
      await expect(
        downloadDirectory(store, join(dir, 'model'), join(dir, 'copy'), more),
      ).rejects.toThrow(/not found: .*model\.int8\.onnx/);
      await expect(downloadDirectory(store, join(dir, 'none'), join(dir, 'copy'))).rejects.toThrow(
        ArtifactNotFoundError,
      );
      await expect(
        downloadDirectory(store, join(dir, 'model'), join(dir, 'copy'), {
          '../model.onnx': digests['model.onnx'],
        }),
      ).rejects.toThrow(UnsupportedArtifactUriError);
    });
  });
});
