// The demo page (npm run demo) in headless Chromium: the playground trains in a Worker and draws
// its boundary and loss curve; the MNIST panel shows its convolutional network, trains it in a
// Worker with a progress bar, then classifies a drawn digit as a [28, 28, 1] image. Saves a
// screenshot (DEMO_SCREENSHOT, default: the OS temp dir) to look at.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { serve } from '../../tools/static-server.js';
// @ts-expect-error: plain JavaScript helpers without type declarations
import { launchChromium } from '../../tools/chromium.js';

it('the demo trains the playground and the digit reader, and a drawn digit is classified', async () => {
  const server = await serve(fileURLToPath(new URL('../../', import.meta.url)));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 760 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${server.url}demo/`);
    await page.selectOption('select[name=data]', 'moons');
    await page.fill('input[name=epochs]', '150');
    await page.click('#train');
    await page.waitForSelector('body[data-trained]', { timeout: 30_000 });
    expect(await page.textContent('#status')).toMatch(/epoch 150\/150 .*accuracy (9\d|100)\.\d%/);

    // The architecture is on the page before training: the CNN's layers, shapes and weight counts.
    expect(await page.locator('#architecture td:first-child').allTextContents()).toEqual(['input', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense']);
    expect(await page.locator('#architecture tr:last-child td').allTextContents()).toEqual(['Dense', 'activation: softmax', '10', '4,010']);
    expect(await page.textContent('#architectureTotal')).toBe('5,258 weights in all');

    await page.click('#trainDigits');
    await page.waitForFunction(() => (document.getElementById('digitProgress') as HTMLProgressElement).value > 0, null, { timeout: 30_000 });
    await page.waitForSelector('body[data-digits=trained]', { timeout: 60_000 });
    expect(await page.textContent('#digitStatus')).toMatch(/Held-out accuracy 9\d\.\d% on 2,004 unseen digits/);
    expect(await page.locator('#digitProgress').evaluate((p: HTMLProgressElement) => p.value)).toBe(1);
    // Draw a "1": a vertical stroke down the middle of the pad.
    const pad = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(pad.x + 140, pad.y + 40);
    await page.mouse.down();
    for (let y = 40; y <= 240; y += 10) await page.mouse.move(pad.x + 140 + (y - 40) / 40, pad.y + y);
    await page.mouse.up();
    await expect.poll(() => page.locator('#bars .bar').count()).toBe(10);
    const shares = await page.locator('#bars .bar').allTextContents(); // "<digit><percent>%"
    const best = shares.map((t) => Number(t.slice(1, -1))).reduce((b, v, i, a) => (v > a[b] ? i : b), 0);
    expect(best).toBe(1);

    const file = process.env.DEMO_SCREENSHOT ?? join(tmpdir(), 'neurite-demo.png');
    await page.screenshot({ path: file });
    console.log(`demo screenshot: ${file}`);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
    await server.close();
  }
});
