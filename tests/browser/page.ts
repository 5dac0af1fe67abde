// Opens one of the test pages in headless Chromium and returns what it leaves in window.result,
// failing on any uncaught page error.
import type { Browser } from 'playwright-core';
import { expect } from 'vitest';

export async function pageResult(browser: Browser, url: string): Promise<any> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  try {
    await page.goto(url);
    const result = await page.evaluate(() => (window as any).result);
    expect(errors).toEqual([]);
    expect(result.error).toBeUndefined();
    return result;
  } finally {
    await page.close();
  }
}
