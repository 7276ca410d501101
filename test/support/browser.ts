// A real headless Chromium (Debian's `chromium` package, which .ci/run installs) driven by
// playwright-core, for the checks of what a person sees: pages are asserted by their rendered
// content, not by pixels. playwright-core downloads no browser of its own.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** CHROMIUM_PATH, else the first Chromium on PATH; a clear error if there is none. */
export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return configured;
  }
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // not this one
    }
  }
  throw new Error(
    "no Chromium found: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH",
  );
}

export function launchChromium(): Promise<Browser> {
  // Root (CI) cannot use Chromium's sandbox; playwright adds --no-sandbox unless told otherwise.
  return chromium.launch({ executablePath: chromiumPath(), headless: true });
}

/**
 * A page that records what would alarm a person watching the browser's console: uncaught
 * exceptions, console errors and failed requests.
 */
export async function watchedPage(
  browser: Browser,
  headers: Record<string, string> = {},
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ extraHTTPHeaders: headers });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? '?'})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return { page, problems };
}

/**
 * The few DOM members that the functions run inside a page use: the project compiles without
 * TypeScript's DOM library (it is Node code), so page functions cast to these.
 */
export interface DomElement {
  textContent: string | null;
  innerHTML: string;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
  querySelector(selector: string): DomElement | null;
  append(child: DomElement): void;
  remove(): void;
}

export interface DomGlobals {
  document: { createElement(tag: string): DomElement; body: DomElement };
}
