import { type Digest } from './artifact-store.js';

/** The object at `uri` does not exist (or, for a prefix, holds nothing). */
export class ArtifactNotFoundError extends Error {
  constructor(
    readonly uri: string,
    detail?: string,
  ) {
    super(`artifact not found: ${uri}${detail ? ` (${detail})` : ''}`);
    this.name = 'ArtifactNotFoundError';
  }
}

/**
 * The bytes are not the ones expected. `actual.sha256` is missing where the comparison stopped at
 * the size (an object larger or smaller than expected is not read to the end).
 */
export class ArtifactIntegrityError extends Error {
  constructor(
    readonly uri: string,
    readonly expected: Digest,
    readonly actual: { sha256?: string; bytes: number },
    note?: string,
  ) {
    const got = `${actual.sha256 ? `sha256 ${actual.sha256}, ` : ''}${actual.bytes} bytes`;
    super(
      `artifact ${uri} does not match: expected sha256 ${expected.sha256}, ${expected.bytes} bytes; got ${got}${note ? ` (${note})` : ''}`,
    );
    this.name = 'ArtifactIntegrityError';
  }
}

/** The object (or the listing of a prefix) is larger than the caller allows. */
export class ArtifactTooLargeError extends Error {
  constructor(
    readonly uri: string,
    readonly limit: number,
    readonly actual: number | undefined,
    unit = 'bytes',
  ) {
    super(
      `artifact ${uri} is larger than ${limit} ${unit}${actual !== undefined ? ` (${actual})` : ''}`,
    );
    this.name = 'ArtifactTooLargeError';
  }
}

/** Not a URI any store serves: another scheme, a relative path, `..` segments, odd characters. */
export class UnsupportedArtifactUriError extends Error {
  constructor(
    readonly uri: string,
    reason: string,
  ) {
    super(`unsupported artifact URI ${JSON.stringify(uri)}: ${reason}`);
    this.name = 'UnsupportedArtifactUriError';
  }
}
