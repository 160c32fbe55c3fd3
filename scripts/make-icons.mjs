#!/usr/bin/env node
// Renders the web app's PNG icons (home screen, install prompt) from packages/web/public/icon.svg
// with Debian's Chromium. Run after changing the SVG: `node scripts/make-icons.mjs`.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const dir = fileURLToPath(new URL('../packages/web/public/', import.meta.url));
const svg = await readFile(`${dir}icon.svg`, 'utf8');
// A maskable icon keeps its drawing in the middle 80% and fills the corners: the system crops it.
const maskable = svg
  .replace(/<rect width="512" height="512" rx="112"/, '<rect width="512" height="512"')
  .replace(/(<rect x=)/, '<g transform="translate(256 256) scale(0.72) translate(-256 -256)">$1')
  .replace('</svg>', '</g></svg>');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
for (const [name, source, size] of [
  ['icon-192.png', svg, 192],
  ['icon-512.png', svg, 512],
  ['icon-maskable-512.png', maskable, 512],
]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(
    `<style>html,body{margin:0;background:transparent}svg{width:${size}px;height:${size}px;display:block}</style>${source}`,
  );
  await page.screenshot({ path: `${dir}${name}`, omitBackground: true });
  await page.close();
}
await browser.close();
