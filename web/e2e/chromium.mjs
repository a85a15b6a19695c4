// Debian's Chromium, headless, for the browser tests and bench/portal (CHROMIUM overrides the
// path). playwright-core brings no browser of its own.
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // Root needs --no-sandbox. The network here is closed: Chromium's own background calls
    // (updates, sync, QUIC probes) would only fail, and slowly.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
