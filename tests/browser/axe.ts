import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** The rule sets the admin UI is held to: WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface AxeFinding {
  rule: string;
  impact: string | null;
  help: string;
  /** CSS selectors of the offending elements. */
  targets: string[];
}

/**
 * Runs axe-core on the page as loaded and answers its violations. axe is injected through
 * page.evaluate (the DevTools protocol), which the page's Content-Security-Policy
 * (`script-src 'self'`) does not govern, so the page under test is scanned exactly as served.
 */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(axe.source);
  return page.evaluate(async (tags) => {
    const { axe: injected } = window as unknown as { axe: typeof axe };
    const result = await injected.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => ({ rule: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  }, WCAG_21_AA);
}
