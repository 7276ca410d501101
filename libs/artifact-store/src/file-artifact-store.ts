import { createWriteStream, type Dirent } from 'node:fs';
import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ArtifactStore, type Digest, type ObjectInfo } from './artifact-store.js';
import { ArtifactNotFoundError, ArtifactTooLargeError } from './artifact-store.errors.js';
import { formatArtifactUri, parseArtifactUri } from './artifact-uri.js';
import { DigestStream, digestOf, readAtMost, writeVerified } from './digest-stream.js';

export interface FileArtifactStoreOptions {
  /** Most objects `list` returns; a larger tree is refused with ArtifactTooLargeError. */
  maxListed?: number;
}

/**
 * Artifacts on the local disk (`file:///abs/path` or `/abs/path`): the embedded default, and what
 * tests use. Writes go through a temporary file and a rename, so readers never see half a file.
 */
export class FileArtifactStore implements ArtifactStore {
  readonly scheme = 'file' as const;
  private readonly maxListed: number;

  constructor(options: FileArtifactStoreOptions = {}) {
    this.maxListed = options.maxListed ?? 100_000;
  }

  async stat(uri: string): Promise<ObjectInfo | undefined> {
    const path = this.path(uri);
    const info = await stat(path).catch(ifMissing(undefined));
    return info?.isFile()
      ? { uri: formatArtifactUri({ scheme: 'file', path }), bytes: info.size }
      : undefined;
  }

  async list(prefixUri: string): Promise<ObjectInfo[]> {
    const root = this.path(prefixUri, true);
    const found: ObjectInfo[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries: Dirent[] = await readdir(dir, { withFileTypes: true }).catch(ifMissing([]));
      for (const entry of entries) {
        const path = join(dir, entry.name);
        // Symbolic links are not followed: a link must not pull in files from elsewhere.
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile()) {
          if (found.length >= this.maxListed)
            throw new ArtifactTooLargeError(prefixUri, this.maxListed, undefined, 'objects');
          const info = await stat(path).catch(ifMissing(undefined));
          if (info)
            found.push({ uri: formatArtifactUri({ scheme: 'file', path }), bytes: info.size });
        }
      }
    };
    if ((await stat(root).catch(ifMissing(undefined)))?.isDirectory()) await walk(root);
    return found.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async createReadStream(uri: string): Promise<Readable> {
    return (await this.openFile(uri)).stream;
  }

  async readBytes(uri: string, maxBytes: number): Promise<Buffer> {
    const { stream, bytes } = await this.openFile(uri);
    if (bytes > maxBytes) {
      stream.destroy();
      throw new ArtifactTooLargeError(uri, maxBytes, bytes);
    }
    return readAtMost(stream, uri, maxBytes); // the file may grow after the size was read
  }

  async digest(uri: string): Promise<Digest> {
    return digestOf(await this.createReadStream(uri));
  }

  async upload(localFile: string, uri: string, expected?: Digest): Promise<Digest> {
    return this.copy(resolve(localFile), localFile, this.path(uri), uri, expected);
  }

  async download(uri: string, localFile: string, expected?: Digest): Promise<Digest> {
    return this.copy(this.path(uri), uri, resolve(localFile), uri, expected);
  }

  private async copy(
    from: string,
    fromName: string,
    to: string,
    uri: string,
    expected: Digest | undefined,
  ): Promise<Digest> {
    const source = await openForReading(from, fromName);
    try {
      await mkdir(dirname(to), { recursive: true });
      return await writeVerified(uri, to, expected, async (temp) => {
        const digest = new DigestStream(uri, expected);
        await pipeline(source.stream, digest, createWriteStream(temp, { flags: 'wx' }));
        return digest.digest();
      });
    } finally {
      source.stream.destroy();
    }
  }

  private path(uri: string, prefix = false): string {
    const location = parseArtifactUri(uri, { prefix });
    if (location.scheme !== 'file') throw new Error(`FileArtifactStore cannot serve ${uri}`);
    return location.path;
  }

  private openFile(uri: string) {
    return openForReading(this.path(uri), uri);
  }
}

/** Opens a regular file (ArtifactNotFoundError otherwise) and streams it from the open handle. */
async function openForReading(path: string, uri: string) {
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') throw new ArtifactNotFoundError(uri);
    throw err;
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ArtifactNotFoundError(uri, 'not a file');
    return { stream: handle.createReadStream() as Readable, bytes: info.size };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

function ifMissing<T>(value: T) {
  return (err: NodeJS.ErrnoException): T => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return value;
    throw err;
  };
}
