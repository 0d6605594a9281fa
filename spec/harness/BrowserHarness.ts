import fs from 'fs';
import os from 'os';
import path from 'path';
import { BrowserContext, chromium, Page } from 'playwright-core';

/** Debian's chromium package (installed by .ci/run); never a downloaded browser. */
export const CHROMIUM = process.env.BROOK_CHROMIUM ?? '/usr/bin/chromium';

/** Where browser tests leave screenshots (gitignored). */
export const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

/**
 * Headless Chromium driven by playwright-core, with a fresh profile per run. The background
 * networking, component update and sync flags keep Chromium from calling out (connections
 * outside this machine are refused here, and stall it).
 */
export class BrowserHarness {
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly profile: string,
  ) {}

  static async launch(): Promise<BrowserHarness> {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium), as .ci/run does`);
    }
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'brook-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    return new BrowserHarness(context, page, profile);
  }

  /** Saves a full-page screenshot under spec/artifacts; returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, name);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  async close(): Promise<void> {
    await this.context.close();
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}
