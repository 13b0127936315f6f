import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { runAxe, seriousOnes } from './chromium.js';

/**
 * What the console's browser tests look for, by what a person sees: timeline entries by their text,
 * panels (sections) by their heading, the open dialog, and axe's verdict on the page. `page` is read
 * when used, since tests open it in beforeAll.
 */
export function pageQueries(page: () => Page) {
  return {
    timelineItem: (text: string | RegExp) => page().locator('article').filter({ hasText: text }),
    section: (title: string | RegExp) =>
      page()
        .locator('section')
        .filter({ has: page().getByRole('heading', { name: title }) }),
    dialog: () => page().getByRole('dialog'),
    expectNoSeriousAxeViolations: async (): Promise<void> => {
      const violations = seriousOnes(await runAxe(page()));
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    },
  };
}
