import { createHash, randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { type Digest } from './artifact-store.js';
import { ArtifactIntegrityError, ArtifactTooLargeError } from './artifact-store.errors.js';

/**
 * A pass-through stage of a pipeline that hashes (sha256) and counts what flows through it. With
 * `expected`, it fails the pipeline as soon as more bytes than expected arrive, so a wrong object
 * never fills a disk.
 */
export class DigestStream extends Transform {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private result?: Digest;

  constructor(
    private readonly uri: string,
    private readonly expected?: Digest,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.bytes += chunk.length;
    if (this.expected && this.bytes > this.expected.bytes) {
      done(
        new ArtifactIntegrityError(
          this.uri,
          this.expected,
          { bytes: this.bytes },
          'or more: stopped reading',
        ),
      );
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback) {
    this.result = { sha256: this.hash.digest('hex'), bytes: this.bytes };
    done();
  }

  /** The digest of everything that went through; only once the stream has ended. */
  digest(): Digest {
    if (!this.result) throw new Error('DigestStream.digest() before the stream ended');
    return this.result;
  }
}

/** sha256 and size of everything a stream yields (one chunk in memory at a time). */
export async function digestOf(stream: Readable): Promise<Digest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** ArtifactIntegrityError unless `actual` is `expected` (when there is an expectation). */
export function verifyDigest(uri: string, actual: Digest, expected?: Digest): Digest {
  if (
    expected &&
    (actual.sha256 !== expected.sha256.toLowerCase() || actual.bytes !== expected.bytes)
  )
    throw new ArtifactIntegrityError(uri, expected, actual);
  return actual;
}

/** Collects a stream of at most maxBytes; ArtifactTooLargeError (stream destroyed) beyond. */
export async function readAtMost(stream: Readable, uri: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw new ArtifactTooLargeError(uri, maxBytes, undefined);
      chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, total);
}

/** A temporary name beside `file`, in the same folder so the final rename is atomic. */
export function tempFileBeside(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.partial`);
}

/**
 * Writes `file` through a temporary file beside it: `write(temp)` fills it and returns its digest,
 * which must match `expected`; only then is the temporary file renamed into place. On any
 * failure the temporary file is removed and `file` is left as it was.
 */
export async function writeVerified(
  uri: string,
  file: string,
  expected: Digest | undefined,
  write: (temp: string) => Promise<Digest>,
): Promise<Digest> {
  const temp = tempFileBeside(file);
  try {
    const actual = verifyDigest(uri, await write(temp), expected);
    await rename(temp, file);
    return actual;
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
