import { type EventConsumers } from '@sentimentops/messaging';
import { Gauge, Registry } from 'prom-client';
import { ModelAliasesWatcher } from './model-aliases.watcher.js';
import { type RegistryClient } from './registry.client.js';

const change = (alias: 'champion' | 'challenger', version: string | null, revision: number) => ({
  modelName: 'sentiment',
  alias,
  version,
  revision,
  actor: 'alice',
  occurredAt: new Date().toISOString(),
});

describe('ModelAliasesWatcher', () => {
  let watcher: ModelAliasesWatcher;
  let registry: Registry;

  beforeEach(() => {
    registry = new Registry();
    const gauge = new Gauge({
      name: 'alias_info',
      help: 'test',
      labelNames: ['model', 'alias', 'version'],
      registers: [registry],
    });
    watcher = new ModelAliasesWatcher(
      {} as EventConsumers,
      {} as RegistryClient,
      gauge,
    );
  });

  it('follows alias changes and shows the current version in the gauge only', async () => {
    watcher.onChanged(change('champion', '1', 1));
    watcher.onChanged(change('champion', '2', 2));
    watcher.onChanged(change('challenger', '3', 1));
    watcher.onChanged(change('challenger', null, 2));
    expect(watcher.version('sentiment', 'champion')).toBe('2');
    expect(watcher.version('sentiment', 'challenger')).toBeNull();
    const text = await registry.metrics();
    expect(text).toContain('alias_info{model="sentiment",alias="champion",version="2"} 1');
    expect(text).not.toContain('version="1"');
    expect(text).not.toContain('alias="challenger"');
  });

  it('never moves an alias back for a late or redelivered event', () => {
    watcher.onChanged(change('champion', '3', 5));
    watcher.onChanged(change('champion', '2', 4));
    watcher.onChanged(change('champion', '2', 5));
    expect(watcher.version('sentiment', 'champion')).toBe('3');
  });
});
