// The demo's text panel in headless Chromium: sentences labelled in the form and the 3,000 real
// review sentences train a textVectorization + embedding + conv1d network in a Worker, and what is
// typed in the "try" box is classified as it is typed. Saves a screenshot (DEMO_TEXT_SCREENSHOT,
// default: the OS temp dir) to look at.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { serve } from '../../tools/static-server.js';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { launchChromium } from '../../tools/chromium.js';

it('the text panel learns labelled sentences in a Worker and classifies typed ones', async () => {
  const server = await serve(fileURLToPath(new URL('../../', import.meta.url)));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${server.url}demo/`);

    await page.fill('#sentence', 'Great battery, I love it');
    await page.click('#addPositive');
    await page.fill('#sentence', 'Broke after a day, awful');
    await page.click('#addNegative');
    await page.fill('#sentence', 'Works perfectly');
    await page.press('#sentence', 'Enter'); // Enter labels positive
    expect(await page.textContent('#exampleCount')).toBe('3 sentences: 2 positive, 1 negative.');
    expect(await page.locator('#examples li').allTextContents()).toEqual(['+ Works perfectly', '− Broke after a day, awful', '+ Great battery, I love it']);

    await page.click('#loadReviews');
    await expect.poll(() => page.textContent('#exampleCount')).toBe('3,003 sentences: 1,502 positive, 1,501 negative.');
    await page.click('#trainText');
    await page.waitForSelector('body[data-text=trained]', { timeout: 60_000 });
    expect(await page.textContent('#textStatus')).toMatch(/^Trained on 3,003 sentences \([\d,]+ vocabulary entries\)/);

    await page.fill('#tryText', 'What a wonderful phone, I love it');
    await expect.poll(() => page.textContent('#textPrediction b')).toMatch(/^positive \(p = /);
    expect(await page.textContent('#textPrediction .tokens')).toMatch(/^what→\d+ {2}a→\d+ {2}wonderful→\d+/);
    await page.fill('#tryText', 'The food was cold and the service terrible');
    await expect.poll(() => page.textContent('#textPrediction b')).toMatch(/^negative \(p = /);
    await page.fill('#tryText', 'zxqv');
    expect(await page.textContent('#textPrediction .tokens')).toBe('zxqv→[UNK]');

    const file = process.env.DEMO_TEXT_SCREENSHOT ?? join(tmpdir(), 'neurite-demo-text.png');
    await page.screenshot({ path: file });
    console.log(`demo screenshot: ${file}`);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
    await server.close();
  }
});
