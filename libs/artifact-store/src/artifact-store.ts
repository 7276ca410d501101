import { type Readable } from 'node:stream';

/** A sha256 (lowercase hex) and a size, of an object or a local file. */
export interface Digest {
  sha256: string;
  bytes: number;
}

export interface ObjectInfo {
  uri: string;
  bytes: number;
}

/**
 * One place artifacts live (the local disk, Cloud Storage), behind one interface: everything
 * streams, nothing holds a whole object in memory, and every copy can be checked against an
 * expected digest. Errors are the classes of artifact-store.errors.ts.
 */
export interface ArtifactStore {
  readonly scheme: 'file' | 'gs';
  /** The object's size, or undefined when it does not exist. */
  stat(uri: string): Promise<ObjectInfo | undefined>;
  /** Every object under a "directory" prefix, recursively, sorted by URI; [] when there is none. */
  list(prefixUri: string): Promise<ObjectInfo[]>;
  /** The object's bytes; ArtifactNotFoundError when it does not exist. */
  createReadStream(uri: string): Promise<Readable>;
  /** The whole object, refused with ArtifactTooLargeError above maxBytes without reading it all. */
  readBytes(uri: string, maxBytes: number): Promise<Buffer>;
  /** sha256 and size, streamed. */
  digest(uri: string): Promise<Digest>;
  /**
   * Streams a local file to `uri` and returns its digest. When it does not match `expected`,
   * the object is removed and ArtifactIntegrityError thrown.
   */
  upload(localFile: string, uri: string, expected?: Digest): Promise<Digest>;
  /**
   * Streams `uri` to a temporary file beside `localFile`, checks it against `expected`, then
   * renames it into place: `localFile` is either complete and verified or untouched.
   */
  download(uri: string, localFile: string, expected?: Digest): Promise<Digest>;
}
