import { UnsupportedArtifactUriError } from './artifact-store.errors.js';
import { artifactStoresFromEnv, ArtifactStores } from './artifact-stores.js';
import { parseArtifactUri } from './artifact-uri.js';
import { FileArtifactStore } from './file-artifact-store.js';

describe('ArtifactStores', () => {
  const stores = artifactStoresFromEnv({});

  it('picks the store by scheme; absolute paths are file://', () => {
    expect(stores.forUri('gs://models/sentiment/3').scheme).toBe('gs');
    expect(stores.forUri('file:///var/models/3').scheme).toBe('file');
    expect(stores.forUri('/var/models/3').scheme).toBe('file');
  });

  it.each(['models/3', 's3://bucket/key', 'https://storage.googleapis.com/x/y', 'gs://UPPER/key'])(
    'refuses %s',
    (uri) => expect(() => stores.forUri(uri)).toThrow(UnsupportedArtifactUriError),
  );

  it('refuses a scheme it has no store for', () => {
    const local = new ArtifactStores([new FileArtifactStore()]);
    expect(() => local.forUri('gs://models/3')).toThrow(/no gs:\/\/ store configured/);
  });
});

describe('parseArtifactUri', () => {
  it('splits gs:// URIs into bucket and key', () => {
    expect(parseArtifactUri('gs://models/sentiment/3/model.onnx')).toEqual({
      scheme: 'gs',
      bucket: 'models',
      key: 'sentiment/3/model.onnx',
    });
    expect(parseArtifactUri('gs://models/sentiment/3/', { prefix: true })).toMatchObject({
      key: 'sentiment/3',
    });
  });

  it('decodes file:// URIs and keeps paths', () => {
    expect(parseArtifactUri('file:///var/my%20models/3')).toEqual({
      scheme: 'file',
      path: '/var/my models/3',
    });
    expect(parseArtifactUri('/var/models/3/', { prefix: true })).toEqual({
      scheme: 'file',
      path: '/var/models/3',
    });
  });

  it.each([
    'gs://models',
    'gs://models/',
    'gs://models/a/../b',
    'gs://models/a//b',
    'gs://models/a/',
    'gs://x/key',
    'file:///var/models/3?x=1',
    '/var/models/3/',
    './models/3',
  ])('refuses %s', (uri) =>
    expect(() => parseArtifactUri(uri)).toThrow(UnsupportedArtifactUriError),
  );
});
