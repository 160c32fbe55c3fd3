// An automated accessibility check of what a page shows, with axe-core (Deque's rules for
// WCAG 2.x): the browser tests run it on every main screen, in light and dark.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

let source: Promise<string> | null = null;

/**
 * The serious and critical violations axe finds on the page, one line each ("rule: target"):
 * an empty list is a pass. axe runs through the debugging protocol, so the page's
 * Content-Security-Policy (no inline script) stays as it is.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  source ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) await page.evaluate(`${await source}\n;0`);
  const violations = (await page.evaluate(`
    window.axe
      .run(document, { resultTypes: ['violations'] })
      .then((r) => r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .flatMap((v) => v.nodes.map((n) => v.id + ': ' + n.target.join(' ') + ' — ' + n.failureSummary.split('\\n').slice(1, 2).join(''))))
  `)) as string[];
  return violations;
}
