// Launches Debian's Chromium through playwright-core (Playwright's own browser download cannot
// run here). The flags keep Chromium off the network: this machine refuses outbound traffic and
// Chromium's background services would otherwise retry it during every test.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.BAITWISE_CHROMIUM ?? '/usr/bin/chromium';

/** `extraArgs`: more Chromium flags, e.g. one test's --ignore-certificate-errors-spki-list. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; scripts/test.sh installs it (apt-get install chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      ...extraArgs,
    ],
  });
}
