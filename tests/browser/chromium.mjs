// Starts Debian's headless chromium (installed by setup.sh) for the browser
// test and benches/html/measure.mjs. The flags keep it from reaching for the
// network, which this machine's closed network refuses.
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
