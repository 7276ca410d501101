import { Storage, type File, type StorageOptions } from '@google-cloud/storage';
import { createReadStream as createFileReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat as statFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ArtifactStore, type Digest, type ObjectInfo } from './artifact-store.js';
import {
  ArtifactIntegrityError,
  ArtifactNotFoundError,
  ArtifactTooLargeError,
} from './artifact-store.errors.js';
import { parseArtifactUri } from './artifact-uri.js';
import {
  DigestStream,
  digestOf,
  readAtMost,
  verifyDigest,
  writeVerified,
} from './digest-stream.js';

export interface GcsArtifactStoreOptions {
  /**
   * Another Cloud Storage endpoint, e.g. `http://127.0.0.1:4443` for fake-gcs-server. The client
   * sends no credentials to an endpoint other than Google's (its `useAuthWithCustomEndpoint`
   * defaults to false), which is what an emulator wants.
   */
  apiEndpoint?: string;
  /** Only used by calls that need a project (none of this store's); ADC supplies it otherwise. */
  projectId?: string;
  /** Send credentials to `apiEndpoint` too (a private Google endpoint rather than an emulator). */
  authenticateCustomEndpoint?: boolean;
  /** Files from this size on are uploaded in resumable sessions, smaller ones in one request. */
  resumableThresholdBytes?: number;
  /** Most objects `list` returns; a larger prefix is refused with ArtifactTooLargeError. */
  maxListed?: number;
}

/**
 * Artifacts in Cloud Storage (`gs://bucket/key`). In a cluster the client finds its credentials
 * itself (Application Default Credentials: Workload Identity's metadata server); nothing here
 * handles keys. Reads pin the generation they stat, so a digest and a download describe one
 * version of an object even while it is being replaced.
 */
export class GcsArtifactStore implements ArtifactStore {
  readonly scheme = 'gs' as const;
  private readonly storage: Storage;
  private readonly resumableThresholdBytes: number;
  private readonly maxListed: number;

  constructor(options: GcsArtifactStoreOptions = {}) {
    const storageOptions: StorageOptions = {
      retryOptions: { autoRetry: true, maxRetries: 3 },
    };
    if (options.apiEndpoint) storageOptions.apiEndpoint = options.apiEndpoint.replace(/\/+$/, '');
    if (options.projectId) storageOptions.projectId = options.projectId;
    if (options.authenticateCustomEndpoint) storageOptions.useAuthWithCustomEndpoint = true;
    this.storage = new Storage(storageOptions);
    this.resumableThresholdBytes = options.resumableThresholdBytes ?? 8 * 1024 * 1024;
    this.maxListed = options.maxListed ?? 100_000;
  }

  async stat(uri: string): Promise<ObjectInfo | undefined> {
    return (await this.metadata(uri))?.info;
  }

  async list(prefixUri: string): Promise<ObjectInfo[]> {
    const { bucket, key } = this.location(prefixUri, true);
    const found: ObjectInfo[] = [];
    const files = this.storage.bucket(bucket).getFilesStream({ prefix: `${key}/` });
    try {
      for await (const file of files as AsyncIterable<File>) {
        if (file.name.endsWith('/')) continue; // a folder placeholder, not an object
        if (found.length >= this.maxListed)
          throw new ArtifactTooLargeError(prefixUri, this.maxListed, undefined, 'objects');
        found.push({ uri: `gs://${bucket}/${file.name}`, bytes: Number(file.metadata.size) });
      }
    } catch (err) {
      if (isNotFound(err)) return []; // no such bucket: nothing under the prefix
      throw err;
    } finally {
      files.destroy();
    }
    return found.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async createReadStream(uri: string): Promise<Readable> {
    return (await this.existing(uri)).file.createReadStream();
  }

  async readBytes(uri: string, maxBytes: number): Promise<Buffer> {
    const { file, info } = await this.existing(uri);
    if (info.bytes > maxBytes) throw new ArtifactTooLargeError(uri, maxBytes, info.bytes);
    return readAtMost(file.createReadStream(), uri, maxBytes);
  }

  async digest(uri: string): Promise<Digest> {
    return digestOf(await this.createReadStream(uri));
  }

  async upload(localFile: string, uri: string, expected?: Digest): Promise<Digest> {
    const { bucket, key } = this.location(uri);
    const path = resolve(localFile);
    const size = await statFile(path).then(
      (s) => s.size,
      () => {
        throw new ArtifactNotFoundError(localFile);
      },
    );
    const file = this.storage.bucket(bucket).file(key);
    const digest = new DigestStream(uri, expected);
    await pipeline(
      createFileReadStream(path),
      digest,
      file.createWriteStream({
        resumable: size >= this.resumableThresholdBytes,
        contentType: 'application/octet-stream',
      }),
    );
    try {
      return verifyDigest(uri, digest.digest(), expected);
    } catch (err) {
      // Only the generation this upload wrote: a newer one written meanwhile is not ours to remove.
      const generation = Number(file.metadata.generation);
      await file
        .delete({ ignoreNotFound: true, ifGenerationMatch: generation })
        .catch(() => undefined);
      throw err;
    }
  }

  async download(uri: string, localFile: string, expected?: Digest): Promise<Digest> {
    const { file, info } = await this.existing(uri);
    if (expected && info.bytes !== expected.bytes)
      throw new ArtifactIntegrityError(uri, expected, { bytes: info.bytes }, 'not downloaded');
    const target = resolve(localFile);
    await mkdir(dirname(target), { recursive: true });
    return writeVerified(uri, target, expected, async (temp) => {
      const digest = new DigestStream(uri, expected);
      await pipeline(file.createReadStream(), digest, createWriteStream(temp, { flags: 'wx' }));
      return digest.digest();
    });
  }

  private location(uri: string, prefix = false) {
    const location = parseArtifactUri(uri, { prefix });
    if (location.scheme !== 'gs') throw new Error(`GcsArtifactStore cannot serve ${uri}`);
    return location;
  }

  /** The object's metadata and a handle on that generation of it, or undefined. */
  private async metadata(uri: string) {
    const { bucket, key } = this.location(uri);
    try {
      const [metadata] = await this.storage.bucket(bucket).file(key).getMetadata();
      const generation =
        metadata.generation === undefined ? undefined : Number(metadata.generation);
      return {
        info: { uri: `gs://${bucket}/${key}`, bytes: Number(metadata.size) },
        file: this.storage.bucket(bucket).file(key, { generation }),
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async existing(uri: string) {
    const found = await this.metadata(uri);
    if (!found) throw new ArtifactNotFoundError(uri);
    return found;
  }
}

function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown }).code === 404;
}
