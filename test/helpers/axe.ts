// axe-core's machine-checkable WCAG 2.1 A/AA rules, run on a page as it is at that moment. The
// script is evaluated through the DevTools protocol, which the console's Content-Security-Policy
// does not govern (it governs only the page's own scripts), so no policy is relaxed for it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type Impact = 'minor' | 'moderate' | 'serious' | 'critical';
const IMPACTS: Impact[] = ['minor', 'moderate', 'serious', 'critical'];

export interface AxeOptions {
  /** findings below this impact are left out; every finding counts by default */
  minImpact?: Impact;
  /** enter iframes (default true); a sandboxed message body is not the console's to answer for */
  iframes?: boolean;
  /** rule ids to leave out, each for a reason the caller states */
  disable?: string[];
  /** a CSS selector: only the elements it matches are checked (the whole document by default) */
  include?: string;
  /** CSS selectors of regions to leave out */
  exclude?: string[];
}

/**
 * One line per violated rule: `rule (impact): what it says — [node targets]`, so a failed
 * expectation names what to fix and where. Empty when the page passes.
 */
export async function wcagViolations(page: Page, opts: AxeOptions = {}): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const floor = IMPACTS.indexOf(opts.minImpact ?? 'minor');
  const found = await page.evaluate(
    async ({ iframes, disable, include, exclude }) => {
      type Result = {
        violations: { id: string; impact: string | null; help: string; nodes: { target: unknown }[] }[];
      };
      const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<Result> } }).axe;
      const context =
        include || exclude.length
          ? { include: include ? [[include]] : [document], exclude: exclude.map((s) => [s]) }
          : document;
      const r = await axe.run(context, {
        iframes,
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        rules: Object.fromEntries(disable.map((id) => [id, { enabled: false }])),
      });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? 'minor',
        help: v.help,
        targets: v.nodes.map((n) => JSON.stringify(n.target)),
      }));
    },
    { iframes: opts.iframes ?? true, disable: opts.disable ?? [], include: opts.include, exclude: opts.exclude ?? [] },
  );
  return found
    .filter((v) => IMPACTS.indexOf(v.impact as Impact) >= floor)
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.join(', ')}`);
}
