// UI timings read from the browser, run on demand against a running server
// (any corpus; the goals are for 1M entities):
//   INNOGRAPH_URL=http://127.0.0.1:8080 node bench/timing.mjs [rounds]
// - suggest: from the last key typed to the suggestions shown;
// - search: from Enter to the results drawn;
// - hub: from opening the biggest hub's page to its graph drawn;
// - home: from opening the home page to its overview drawn;
// - page weight: bytes the browser fetched for the entity page.
// Goals (issue #16, at 1M): search answers within 300 ms of typing; the
// biggest hub's entity page drawn within 1 s.
import { api, BASE, launch, open } from '../tests/browser.mjs';

const rounds = Number(process.argv[2] ?? 5);
const percentile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.round((xs.length - 1) * q)];
const report = (name, xs) => console.log(`${name.padEnd(34)} median ${percentile(xs, 0.5).toFixed(0).padStart(5)} ms   worst ${Math.max(...xs).toFixed(0).padStart(5)} ms   (${xs.length} rounds)`);

const browser = await launch();
const stats = await api('stats');
console.log(`server ${BASE}: ${stats.entities} entities, ${stats.relations} relations, ${stats.documents} documents`);
const hub = (await api('graph/centrality?measure=degree&limit=1')).results[0];
const names = (await api('graph/centrality?kind=enterprise&limit=40')).results.map((r) => r.name);
console.log(`biggest hub: ${hub.name} (${hub.id}), ${hub.degree} relations`);

const page = await open(browser);
await page.goto(`${BASE}/search`);
await page.getByRole('combobox', { name: '搜索词' }).waitFor();
// warm the browser's caches of the app's files
await page.goto(`${BASE}/entity/${encodeURIComponent(hub.id)}`);
await page.waitForFunction(() => document.querySelector('.graph-canvas')?.cy?.nodes().length > 1, null, { timeout: 60000 });

const suggest = [];
const search = [];
for (let i = 0; i < rounds; i += 1) {
  const name = names[i % names.length];
  await page.goto(`${BASE}/search`);
  const box = page.getByRole('combobox', { name: '搜索词' });
  await box.fill(name.slice(0, -1));
  await page.waitForTimeout(300);
  let t = Date.now();
  await box.press(name.slice(-1) === ' ' ? 'Space' : 'End');
  await box.pressSequentially(name.slice(-1));
  await page.waitForFunction((n) => document.querySelector('.suggestions:not([hidden])')?.dataset.query === n, name);
  suggest.push(Date.now() - t);
  t = Date.now();
  await box.press('Escape');
  await box.press('Enter');
  await page.waitForFunction((n) => document.querySelector('.results-count')?.textContent.includes(n), name);
  search.push(Date.now() - t);
}
report('suggest (last key → suggestions)', suggest);
report('search (Enter → results)', search);

const hubTimes = [];
let weight = 0;
for (let i = 0; i < rounds; i += 1) {
  const fresh = await open(browser);
  let bytes = 0;
  // bytes on the wire (compressed where the server compressed them)
  fresh.on('requestfinished', async (request) => {
    const sizes = await request.sizes().catch(() => null);
    bytes += sizes ? sizes.responseBodySize + sizes.responseHeadersSize : 0;
  });
  const t = Date.now();
  await fresh.goto(`${BASE}/entity/${encodeURIComponent(hub.id)}`);
  await fresh.waitForFunction(() => {
    const cy = document.querySelector('.graph-canvas')?.cy;
    return cy && cy.nodes().length > 1 && document.querySelector('#entity-name');
  }, null, { timeout: 60000 });
  await fresh.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  hubTimes.push(Date.now() - t);
  weight = bytes;
  await fresh.context().close();
}
report('hub entity page (open → graph drawn)', hubTimes);

const homeTimes = [];
for (let i = 0; i < rounds; i += 1) {
  const t = Date.now();
  await page.goto(`${BASE}/`);
  await page.locator('.timeline li').first().waitFor({ timeout: 60000 });
  await page.locator('.bars li').first().waitFor();
  homeTimes.push(Date.now() - t);
}
report('home (open → overview drawn)', homeTimes);
console.log(`hub entity page weight: ${(weight / 1024).toFixed(0)} KiB transferred (cold cache, scripts, styles and API answers)`);
await browser.close();
