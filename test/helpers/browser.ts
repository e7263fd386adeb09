/**
 * Debian's chromium, headless, driven through playwright-core (which downloads no browser: the CI installs
 * the `chromium` package, see .ci/run). Tests wait on the page with deadlines, never fixed sleeps.
 */
import * as fs from 'fs';
import { Browser, chromium, Page } from 'playwright-core';
import { waitFor } from './ports';

const CANDIDATES = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string {
  const p = CANDIDATES.find((c) => c && fs.existsSync(c));
  if (!p) throw new Error("chromium not found at /usr/bin/chromium: install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM");
  return p;
}

export async function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where chromium refuses its sandbox.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** The visible text of `selector` (the whole page: 'body'). */
export async function textOf(page: Page, selector = 'body'): Promise<string> {
  return page.locator(selector).first().innerText({ timeout: 5000 });
}

/**
 * Waits until `check(text of selector)` holds, polling the live page (no reload) until the deadline; the
 * error shows the last text seen.
 */
export async function waitForText(page: Page, selector: string, check: (text: string) => boolean, what: string, timeoutMs = 20000): Promise<string> {
  let last = '';
  try {
    return await waitFor(
      what,
      async () => {
        last = await page
          .locator(selector)
          .first()
          .innerText({ timeout: 2000 })
          .catch((e: Error) => `(${e.message.split('\n')[0]})`);
        return check(last) ? last : null;
      },
      timeoutMs,
      200,
    );
  } catch {
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${selector} shows:\n${last}`);
  }
}
