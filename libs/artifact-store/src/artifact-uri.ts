import { isAbsolute, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UnsupportedArtifactUriError } from './artifact-store.errors.js';

export type ArtifactLocation =
  { scheme: 'file'; path: string } | { scheme: 'gs'; bucket: string; key: string };

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
// Cloud Storage's bucket naming rules (dots allowed, as in domain-named buckets).
const BUCKET = /^[a-z0-9][a-z0-9_.-]{1,220}[a-z0-9]$/;
const MAX_KEY_BYTES = 1024;

/** The scheme a URI names: plain absolute paths count as file://. */
export function artifactScheme(uri: string): 'file' | 'gs' {
  return parseArtifactUri(uri).scheme;
}

/**
 * Checks and splits an artifact URI: `file:///abs/path`, `/abs/path` or `gs://bucket/key`.
 * Relative paths, `.`/`..`/empty segments, control characters and other schemes are refused,
 * so a URI can never reach outside the place it names. A `prefix` may end with one `/`.
 */
export function parseArtifactUri(uri: string, { prefix = false } = {}): ArtifactLocation {
  const bad = (reason: string) => new UnsupportedArtifactUriError(uri, reason);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(uri)) throw bad('control characters');
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();

  if (scheme === 'gs') {
    const match = /^gs:\/\/([^/]*)\/(.*)$/i.exec(uri);
    if (!match) throw bad('expected gs://bucket/key');
    const [, bucket, rawKey] = match;
    if (!BUCKET.test(bucket)) throw bad(`"${bucket}" is not a bucket name`);
    const key = prefix ? rawKey.replace(/\/$/, '') : rawKey;
    if (!key) throw bad('no object name');
    if (Buffer.byteLength(key) > MAX_KEY_BYTES)
      throw bad(`object name over ${MAX_KEY_BYTES} bytes`);
    checkSegments(key.split('/'), bad);
    return { scheme: 'gs', bucket, key };
  }

  let path: string;
  if (scheme === 'file') {
    if (!uri.startsWith('file:///')) throw bad('expected file:///absolute/path (no host)');
    const url = new URL(uri);
    if (url.search || url.hash) throw bad('a query or fragment');
    // The URL parser resolves `..` itself, so segments are checked on the text as written,
    // encoded or not (%2e%2e is `..` too).
    checkSegments(
      uri.slice('file://'.length).split('/').slice(1).map(decodeSegment(bad)),
      bad,
      prefix,
    );
    try {
      path = fileURLToPath(url);
    } catch (err) {
      throw bad((err as Error).message);
    }
  } else if (scheme === undefined) {
    if (!isAbsolute(uri)) throw bad('not an absolute path');
    checkSegments(uri.split('/').slice(1), bad, prefix);
    path = uri;
  } else {
    throw bad(`scheme ${scheme}:// (only file:// and gs://)`);
  }
  path = normalize(path);
  if (prefix && path.length > 1) path = path.replace(/\/$/, '');
  return { scheme: 'file', path };
}

/** The URI of a location in the form the stores return: `gs://bucket/key`, `file:///path`. */
export function formatArtifactUri(location: ArtifactLocation): string {
  return location.scheme === 'gs'
    ? `gs://${location.bucket}/${location.key}`
    : pathToFileURL(location.path).href;
}

/**
 * Checks a relative object name (under a prefix, or a file name of a model card) before it
 * becomes part of a local path: no absolute names, no `.`/`..`/empty segments, no backslashes.
 */
export function checkRelativeName(name: string, context: string): string {
  const bad = (reason: string) => new UnsupportedArtifactUriError(`${context}/${name}`, reason);
  if (!name || name.startsWith('/') || name.includes('\\')) throw bad('not a relative name');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw bad('control characters');
  checkSegments(name.split('/'), bad);
  return name;
}

function checkSegments(
  segments: string[],
  bad: (reason: string) => Error,
  trailingSlashAllowed = false,
) {
  segments.forEach((s, i) => {
    if (s === '.' || s === '..') throw bad(`a "${s}" segment`);
    const last = i === segments.length - 1;
    if (s === '' && !(last && trailingSlashAllowed)) throw bad('an empty segment');
  });
}

function decodeSegment(bad: (reason: string) => Error) {
  return (segment: string) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw bad('bad percent-encoding');
    }
  };
}
