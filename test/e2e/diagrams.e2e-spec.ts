// The Mermaid diagrams of README.md and docs/*.md, rendered by Mermaid itself in a real Chromium
// (GitHub renders them the same way): each must parse and draw, and what they name must exist in
// the code: every app of apps/ is in the architecture diagrams, and every NATS subject a diagram
// names is one that libs/contracts declares.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { EventSubject, RequestSubject } from '@sentimentops/contracts';
import { type DomGlobals, launchChromium, watchedPage } from '../support/browser.js';

const root = process.cwd();
const DOCUMENTS = ['README.md', ...readdirSync(join(root, 'docs')).map((f) => `docs/${f}`)].filter(
  (f) => f.endsWith('.md'),
);

interface Diagram {
  document: string;
  line: number;
  source: string;
}

function diagrams(): Diagram[] {
  return DOCUMENTS.flatMap((document) => {
    const lines = readFileSync(join(root, document), 'utf8').split('\n');
    const found: Diagram[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trim() !== '```mermaid') continue;
      const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
      found.push({ document, line: i + 1, source: lines.slice(i + 1, end).join('\n') });
      i = end;
    }
    return found;
  });
}

/**
 * Whether libs/contracts declares a subject: an event subject, or one a request-subject builder
 * makes (its operation or app/track token may be any name; the diagrams also write
 * `inference.predict.v1` for both tracks).
 */
function declared(subject: string): boolean {
  if ((Object.values(EventSubject) as string[]).includes(subject)) return true;
  return Object.values(RequestSubject).some((build) => {
    const template = (build as (token: string) => string)('TOKEN');
    const pattern = template
      .split('TOKEN')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[a-z][a-z.-]*');
    return new RegExp(`^${pattern}$`).test(subject) || template === `${subject}.TOKEN`;
  });
}

/** The gRPC packages of proto/ (`package sentimentops.v1;`), which diagrams name as well. */
const PROTO_PACKAGES = new Set(
  readdirSync(join(root, 'proto'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.proto'))
    .flatMap(
      (f) => /^package ([\w.]+);/m.exec(readFileSync(join(root, 'proto', f), 'utf8'))?.[1] ?? [],
    ),
);

describe('Mermaid diagrams of the docs', () => {
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const all = diagrams();

  beforeAll(async () => {
    browser = await launchChromium();
    ({ page, problems } = await watchedPage(browser));
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ path: join(root, 'node_modules/mermaid/dist/mermaid.min.js') });
    await page.evaluate(() => {
      (globalThis as unknown as { mermaid: { initialize(o: object): void } }).mermaid.initialize({
        startOnLoad: false,
        securityLevel: 'strict',
      });
    });
  });
  afterAll(() => browser?.close());

  it('finds the diagrams', () => {
    expect(all.map((d) => d.document)).toEqual(
      expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/drift.md']),
    );
    expect(all.length).toBeGreaterThanOrEqual(9);
  });

  it('renders every diagram to an SVG with its labels', async () => {
    for (const [i, diagram] of all.entries()) {
      const rendered = await page.evaluate(
        async ({ id, source }) => {
          const { mermaid, document } = globalThis as unknown as DomGlobals & {
            mermaid: { render(id: string, s: string): Promise<{ svg: string }> };
          };
          try {
            const { svg } = await mermaid.render(id, source);
            const holder = document.createElement('div');
            holder.innerHTML = svg;
            document.body.append(holder);
            const box = holder.querySelector('svg')!.getBoundingClientRect();
            const text = holder.textContent ?? '';
            holder.remove();
            return { width: box.width, height: box.height, text, error: null };
          } catch (error) {
            return { width: 0, height: 0, text: '', error: String(error) };
          }
        },
        { id: `diagram${i}`, source: diagram.source },
      );
      const where = `${diagram.document}:${diagram.line}`;
      expect({ where, error: rendered.error }).toEqual({ where, error: null });
      expect({ where, drawn: rendered.width > 50 && rendered.height > 50 }).toEqual({
        where,
        drawn: true,
      });
      // The first quoted label of the source is in the drawing: it was laid out, not dropped.
      const label = /"([^"<]{3,})/.exec(diagram.source)?.[1];
      if (label)
        expect({ where, has: rendered.text.includes(label) }).toEqual({ where, has: true });
    }
    expect(problems).toEqual([]);
  });

  it('names only apps and NATS subjects that exist', () => {
    expect(declared('prediction.logged.v1')).toBe(true);
    expect(declared('registry.aliases.set.v1')).toBe(true);
    expect(declared('inference.predict.v1')).toBe(true);
    expect(declared('prediction.lost.v1')).toBe(false);
    const apps = readdirSync(join(root, 'apps'));
    for (const document of ['README.md', 'docs/architecture.md']) {
      const first = all.find((d) => d.document === document)!;
      for (const app of apps)
        expect({ document, app, named: first.source.includes(app) }).toEqual({
          document,
          app,
          named: true,
        });
    }
    for (const diagram of all) {
      // Not a gRPC package (`sentimentops.v1.SentimentService`).
      const named =
        diagram.source.match(/\b[a-z]+(?:[.-][a-z]+)*\.v\d+(?:\.[a-z-]+)?(?!\.[A-Z])/g) ?? [];
      const unknown = named.filter((name) => !declared(name) && !PROTO_PACKAGES.has(name));
      expect({ where: `${diagram.document}:${diagram.line}`, unknown }).toEqual({
        where: `${diagram.document}:${diagram.line}`,
        unknown: [],
      });
    }
  });
});
