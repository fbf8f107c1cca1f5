import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';

import { TestServer } from '../support/server';

/**
 * GraphiQL as a person sees it, in Debian's headless Chromium driven by
 * puppeteer-core (which downloads no browser): the page loads, the Docs pane
 * shows the schema (not "Error fetching schema"), and nothing is fetched from
 * any host but ours.
 */

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const WAIT = { timeout: 15_000 };

let server: TestServer | undefined;
let browser: Browser | undefined;
let profile: string | undefined;
let page: Page;
const requests: Array<{ method: string; url: string }> = [];
const pageErrors: string[] = [];
const refused: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: the browser tests need it. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  profile = mkdtempSync(join(tmpdir(), 'orion-chromium-'));
  const [started, launched] = await Promise.allSettled([
    TestServer.start(),
    puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true, // puppeteer passes --headless=new for this
      userDataDir: profile,
      // Root (CI, containers) cannot use Chromium's sandbox.
      args: ['--no-sandbox', '--headless=new'],
    }),
  ]);
  if (started.status === 'fulfilled') server = started.value;
  if (launched.status === 'fulfilled') browser = launched.value;
  if (started.status === 'rejected') throw started.reason;
  if (launched.status === 'rejected') throw new Error(`Chromium at ${CHROMIUM} did not start: ${launched.reason}`);

  page = await browser!.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  // Every request is recorded; one to another host is refused here, so the test itself never leaves the machine.
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    requests.push({ method: request.method(), url: request.url() });
    if (isLocal(request.url())) void request.continue();
    else void request.abort('blockedbyclient');
  });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  // What the page's Content-Security-Policy stopped never becomes a request: Chromium reports it on the console.
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  const response = await page.goto(`${server!.url}/graphql`, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Our own server (loopback), or content the page made itself (data:, blob:). */
function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return ['http:', 'https:'].includes(protocol) && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

/** The element matching `selector` whose text is exactly `text`, once there is one. */
async function byText(selector: string, text: string): Promise<ElementHandle<Element>> {
  const handle = await page.waitForFunction(
    (sel, wanted) => [...document.querySelectorAll(sel)].find((el) => el.textContent?.trim() === wanted),
    WAIT,
    selector,
    text,
  );
  return handle as ElementHandle<Element>;
}

const texts = (selector: string) =>
  page.$$eval(selector, (els) => els.map((el) => el.textContent?.trim() ?? '').filter(Boolean));

describe('GraphiQL in a browser', () => {
  it('opens the Docs pane on the schema: its root types, Query and its fields, and search', async () => {
    const docsButton = await page.waitForSelector('button[aria-label="Show Documentation Explorer"]', {
      ...WAIT,
      visible: true,
    });
    expect(await page.$('.graphiql-container')).not.toBeNull();
    await docsButton!.click();

    // The pane shows a spinner while the introspection query runs, then the schema or an error.
    const outcome = await page.waitForFunction(() => {
      const pane = document.querySelector('.graphiql-doc-explorer');
      const error = pane?.querySelector('.graphiql-doc-explorer-error');
      if (error) return `Docs pane: ${error.textContent}`;
      return pane?.querySelector('.graphiql-doc-explorer-root-type') ? 'schema' : false;
    }, WAIT);
    expect(await outcome.jsonValue()).toBe('schema');

    const pane = '.graphiql-doc-explorer';
    expect(await texts(`${pane} .graphiql-doc-explorer-title`)).toEqual(['Docs']);
    const rootTypes = await page.$$eval(`${pane} .graphiql-doc-explorer-root-type`, (els) =>
      els.map((el) => el.parentElement?.textContent?.trim()),
    );
    expect(rootTypes).toEqual(['query: Query', 'mutation: Mutation']);
    expect(await texts(`${pane} a.graphiql-doc-explorer-type-name`)).toEqual(
      expect.arrayContaining(['Query', 'Mutation', 'Store', 'Merchant', 'LoyaltyCard']),
    );

    // Into Query: its fields are listed.
    await (await byText(`${pane} a.graphiql-doc-explorer-type-name`, 'Query')).click();
    await byText(`${pane} .graphiql-doc-explorer-title`, 'Query');
    await byText(`${pane} a.graphiql-doc-explorer-field-name`, 'stores');
    expect(await texts(`${pane} a.graphiql-doc-explorer-field-name`)).toEqual(
      expect.arrayContaining(['node', 'merchants', 'platforms', 'stores', 'me']),
    );

    // Back, then search the schema for the field and open it.
    await page.click(`${pane} .graphiql-doc-explorer-back`);
    await byText(`${pane} .graphiql-doc-explorer-title`, 'Docs');
    await page.type(`${pane} .graphiql-doc-explorer-search input`, 'stores');
    const queryStores = await byText('[role="option"]', 'Query.stores'); // results come after a debounce
    expect(await texts('[role="option"]')).toContain('Merchant.stores');
    await queryStores.click();
    await byText(`${pane} .graphiql-doc-explorer-title`, 'stores');
    expect(await texts(`${pane} a.graphiql-doc-explorer-type-name`)).toContain('StoreConnection');

    const shown = await page.$eval('body', (body) => body.innerText);
    expect(shown).not.toContain('Error fetching schema');
    expect(pageErrors).toEqual([]);
  });

  it('asked only our own server (the page, its introspection POST, data: and blob: URLs) and broke no CSP rule', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => !isLocal(r.url)).map((r) => r.url)).toEqual([]);
    expect(refused).toEqual([]);
    expect(requests).toContainEqual({ method: 'POST', url: `${server!.url}/graphql` });
  });
});
