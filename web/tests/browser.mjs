// Shared set-up of the browser tests: Debian's Chromium driven by
// playwright-core, the server under test at INNOGRAPH_URL, screenshots
// written to SCREENSHOTS (default web/test-results/).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const BASE = process.env.INNOGRAPH_URL ?? 'http://127.0.0.1:8080';
export const SHOTS = process.env.SCREENSHOTS ?? new URL('../test-results/', import.meta.url).pathname;
/** A label for the screenshots of this run (the corpus tested). */
export const RUN = process.env.RUN_LABEL ?? 'curated';
mkdirSync(SHOTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A new page that fails the test on any script error or failed API call. */
export async function open(browser, options = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.url().includes('/api/') && response.status() >= 500) page.errors.push(`${response.status()} from ${response.url()}`);
  });
  return page;
}

export async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${RUN}-${name}.png`), fullPage: true });
}

/** GET an API route from the test itself (to pick what to click). */
export async function api(path) {
  const response = await fetch(`${BASE}/api/${path}`);
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** WCAG contrast ratio of two CSS rgb() colours. */
export function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** Text colour and effective background of every visible element with its own text. */
export async function textColours(page) {
  return page.evaluate(() => {
    const out = [];
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c;
      }
      return 'rgb(255, 255, 255)';
    };
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own) continue;
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (!r.width || !r.height || style.visibility === 'hidden' || style.opacity === '0') continue;
      if (el.closest('.visually-hidden, [hidden]')) continue;
      out.push({ text: el.textContent.trim().slice(0, 30), colour: style.color, background: background(el), tag: el.tagName, disabled: el.disabled === true });
    }
    return out;
  });
}
