import { ServiceException } from '@sentimentops/contracts';
import { artifactUriFromSetting, normaliseArtifactUri } from './artifact-uri.js';

describe('normaliseArtifactUri', () => {
  it.each([
    ['/srv/models/v3/', 'file:///srv/models/v3'],
    ['file:///srv/models/v3', 'file:///srv/models/v3'],
    ['gs://sentimentops-models/sentiment/v3/', 'gs://sentimentops-models/sentiment/v3'],
  ])('%s -> %s', (given, expected) => {
    expect(normaliseArtifactUri(given)).toBe(expected);
  });

  it.each(['models/v3', 'file://relative/v3', 's3://bucket/v3', '/srv/../etc', 'gs://B/x', ''])(
    'refuses %j',
    (given) => {
      expect(() => normaliseArtifactUri(given)).toThrow(ServiceException);
    },
  );

  it('resolves a relative setting against the working directory', () => {
    expect(artifactUriFromSetting('models/sentiment-demo')).toBe(
      `file://${process.cwd()}/models/sentiment-demo`,
    );
  });
});
