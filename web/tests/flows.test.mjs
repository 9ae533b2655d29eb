// The user flows clicked through in a real browser, on whatever corpus the
// server at INNOGRAPH_URL holds: what to click is chosen from the API
// first (the most central enterprise, a pair with a path between them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, api, contrast, launch, open, shot, textColours } from './browser.mjs';

let browser;
let subject; // an enterprise with relations, evidence and a match
let partner; // an entity with a path from the subject

before(async () => {
  browser = await launch();
  const ranked = await api('graph/centrality?kind=enterprise&limit=20');
  for (const candidate of ranked.results) {
    const entity = await api(`entities/${encodeURIComponent(candidate.id)}?limit=50`);
    const withEvidence = entity.relations.some((r) => r.evidence.length > 0);
    const matches = await api(`match?entity=${encodeURIComponent(candidate.id)}&limit=3`);
    if (withEvidence && matches.total > 0) {
      subject = entity;
      break;
    }
  }
  assert.ok(subject, 'the corpus has an enterprise with evidence and matches');
  for (const kind of ['university', 'institute', 'platform', 'enterprise']) {
    const others = await api(`graph/centrality?kind=${kind}&limit=5`);
    for (const other of others.results.filter((o) => o.id !== subject.id)) {
      const paths = await api(`paths?from=${encodeURIComponent(subject.id)}&to=${encodeURIComponent(other.id)}&k=3&max_len=4`);
      if (paths.paths.length > 0) {
        partner = other;
        break;
      }
    }
    if (partner) break;
  }
  assert.ok(partner, 'some central entity has a path to the subject');
});

after(async () => browser?.close());

test('home shows the zone at a glance and completes names', async () => {
  const page = await open(browser);
  const asked = [];
  page.on('request', (request) => asked.push(new URL(request.url()).pathname));
  await page.goto(`${BASE}/`);
  await page.getByRole('heading', { name: '园区概况' }).waitFor();
  const tiles = await page.locator('.tiles .tile').count();
  assert.ok(tiles >= 3, `counts for several kinds (${tiles})`);
  // the page carries the kinds' labels: the tiles are labelled without asking for them
  assert.ok(!asked.includes('/api/kinds'), `asked: ${asked}`);
  assert.ok((await page.locator('.tiles .tile').first().textContent()).match(/[\u4e00-\u9fff]/), 'tiles are labelled in Chinese');
  await page.getByRole('heading', { name: '主要产业' }).waitFor();
  assert.ok((await page.locator('.bars li').count()) > 0, 'industries are listed');
  await page.getByRole('heading', { name: '最新动态' }).waitFor();
  // keyboard only: the search box has focus, type, arrow down, Enter
  const box = page.getByRole('combobox', { name: '搜索' });
  await box.pressSequentially(subject.name.slice(0, 2), { delay: 30 });
  await page.locator('.suggestions li').first().waitFor();
  await shot(page, 'home');
  await box.press('ArrowDown');
  assert.equal(await box.getAttribute('aria-expanded'), 'true');
  const first = await page.locator('.suggestions li').first().locator('.name').textContent();
  await box.press('Enter');
  await page.waitForURL(/\/entity\//);
  await page.locator('#entity-name').waitFor();
  assert.equal((await page.locator('#entity-name').textContent()).trim(), first.trim());
  assert.deepEqual(page.errors, []);
});

test('search, narrow by a facet, open an entity, expand its graph, open a document', async () => {
  const page = await open(browser);
  await page.goto(`${BASE}/search`);
  const box = page.getByRole('combobox', { name: '搜索词' });
  await box.fill(subject.name);
  await box.press('Enter');
  await page.waitForURL(/q=/);
  const count = page.locator('.results-count');
  await count.waitFor();
  assert.match(await count.textContent(), /找到 .* 条与「.*」相关的结果/);
  // snippets carry highlighted words
  assert.ok((await page.locator('.hit').count()) > 0, 'results are listed');
  // narrow to enterprises with the kind facet
  await page.locator('.facet', { hasText: '类型' }).getByRole('button', { name: /^企业/ }).click();
  await page.waitForURL(/kind=enterprise/);
  await page.locator('.chosen .chip').waitFor();
  await page.waitForFunction(() => !document.querySelector('.search-layout.stale'));
  const badges = await page.locator('.hit .badge').allTextContents();
  assert.ok(badges.length > 0 && badges.every((b) => b === '企业'), `only enterprises: ${badges}`);
  const facts = await page.locator('.hit-facts').first().textContent();
  assert.match(facts, /条关系/, 'entity hits carry a line of key facts');
  await shot(page, 'search');

  await page.locator('.hit-title a', { hasText: subject.name }).first().click();
  await page.waitForURL(/\/entity\//);
  await page.locator('#entity-name').waitFor();
  assert.equal((await page.locator('#entity-name').textContent()).trim(), subject.name);
  const summary = page.locator('.graph-summary');
  await summary.waitFor();
  await page.waitForFunction(() => document.querySelector('.graph-canvas')?.cy?.nodes().length > 1);
  const before = await page.evaluate(() => document.querySelector('.graph-canvas').cy.nodes().length);
  assert.match(await summary.textContent(), new RegExp(`图中 ${before} 个实体`));
  // click a neighbour on the canvas twice: selected, then expanded
  await page.locator('.graph-canvas[data-layout="done"]').waitFor();
  await page.evaluate(() => document.querySelector('.graph-canvas').scrollIntoView({ block: 'center' }));
  // the drawing reads its frame's place again after a scroll
  await page.waitForTimeout(300);
  const target = await page.evaluate((center) => {
    const cy = document.querySelector('.graph-canvas').cy;
    const box = document.querySelector('.graph-canvas').getBoundingClientRect();
    const node = cy.nodes().filter((n) => n.id() !== center).sort((a, b) => a.degree() - b.degree()).last();
    const p = node.renderedPosition();
    return { id: node.id(), x: box.left + p.x, y: box.top + p.y };
  }, subject.id);
  await page.mouse.click(target.x, target.y);
  await page.locator('.selected-node').waitFor();
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction(
    (id) => document.querySelector('.graph-canvas').cy.getElementById(id).data('expanded') === true,
    target.id,
  );
  const grown = await page.evaluate(() => document.querySelector('.graph-canvas').cy.edges().length);
  assert.ok(grown >= before - 1, 'the expanded node added its relations');
  // the keyboard route: a node picked from the list is expanded too
  const pick = page.getByLabel('展开一个实体的邻居');
  const options = await pick.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  if (options.length) {
    await pick.selectOption(options[0]);
    await page.waitForFunction((id) => document.querySelector('.graph-canvas').cy.getElementById(id).data('expanded') === true, options[0]);
  }
  // filter the drawing by one relation kind: the URL holds it
  const relationFilter = page.getByLabel('关系', { exact: true });
  const kinds = await relationFilter.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  await relationFilter.selectOption(kinds[0]);
  await page.waitForURL(new RegExp(`relation=${kinds[0]}`));
  await page.waitForFunction(
    (kind) => {
      const cy = document.querySelector('.graph-canvas')?.cy;
      return cy && cy.edges().length > 0 && cy.edges().every((e) => e.data('kind') === kind);
    },
    kinds[0],
  );
  // the date slider, where the entity has dated relations: the earliest year
  const slider = page.getByRole('slider');
  if (await slider.count()) {
    await slider.focus();
    await slider.press('Home');
    await page.waitForURL(/as_of=\d{4}-12-31/);
    assert.match(await page.locator('.graph-summary').textContent(), /截至/);
  }
  await relationFilter.selectOption('');
  await page.waitForFunction(() => !location.search.includes('relation='));
  // relations grouped by kind, with evidence
  assert.ok((await page.locator('.relation-group').count()) > 0);
  assert.ok((await page.locator('.evidence q').count()) > 0, 'evidence quotes are shown');
  await shot(page, 'entity');

  const source = page.locator('.evidence a.source').first();
  const quote = (await page.locator('.evidence q').first().textContent()).trim();
  await source.click();
  await page.waitForURL(/\/document\//);
  await page.locator('#doc-title').waitFor();
  const marked = await page.locator('mark.evidence-mark').allTextContents();
  assert.ok(marked.join('').includes(quote) || quote.includes(marked.join('')), `the evidence sentence is marked: ${quote}`);
  assert.ok((await page.locator('a.mention').count()) > 0, 'mentions link to entities');
  await shot(page, 'document');
  assert.deepEqual(page.errors, []);
});

test('expanding a hub draws a mix of its relation kinds and says what it left out', async () => {
  // the most linked entity with several relation kinds, and a small
  // neighbour of it whose drawing holds it
  let hub;
  let start;
  for (const candidate of (await api('graph/centrality?measure=degree&limit=10')).results) {
    if (candidate.kind === 'document') continue;
    const entity = await api(`entities/${encodeURIComponent(candidate.id)}?per_kind=2&limit=100`);
    if (Object.keys(entity.relations_by_kind).length < 2) continue;
    for (const relation of entity.relations) {
      if (relation.other.kind === 'document') continue;
      const other = await api(`entities/${encodeURIComponent(relation.other.id)}?limit=1`);
      if (other.relation_total <= 30) {
        start = other;
        break;
      }
    }
    if (start) {
      hub = entity;
      break;
    }
  }
  assert.ok(hub && start, 'a hub with several relation kinds and a small neighbour');
  const page = await open(browser);
  await page.goto(`${BASE}/entity/${encodeURIComponent(start.id)}`);
  await page.waitForFunction((id) => document.querySelector('.graph-canvas')?.cy?.getElementById(id).length === 1, hub.id);
  const hubEdges = (id) =>
    page.evaluate((hubId) => document.querySelector('.graph-canvas').cy.getElementById(hubId).connectedEdges().map((e) => e.id()), id);
  const before = new Set(await hubEdges(hub.id));
  const answered = page.waitForResponse((r) => r.url().includes(`/api/entities/${encodeURIComponent(hub.id)}/neighbors`));
  await page.getByLabel('展开一个实体的邻居').selectOption(hub.id);
  const response = await answered;
  assert.ok(Number(new URL(response.url()).searchParams.get('per_kind')) > 0, `asked with per_kind: ${response.url()}`);
  const answer = await response.json();
  await page.waitForFunction((id) => document.querySelector('.graph-canvas').cy.getElementById(id).data('expanded') === true, hub.id);
  const added = (await hubEdges(hub.id)).filter((id) => !before.has(id));
  const kinds = new Set(added.map((id) => id.split('|')[1]));
  assert.ok(kinds.size > 1, `the expansion drew more than one relation kind: ${[...kinds]}`);
  if (Object.keys(answer.per_kind_omitted).length > 0) {
    const note = page.locator('.expand-note');
    await note.waitFor();
    const text = await note.textContent();
    assert.ok(text.includes(`展开「${hub.name}」`), text);
    assert.match(text, /显示了每种关系最多 \d+ 个，未显示/);
  }
  await shot(page, 'hub-expanded');
  assert.deepEqual(page.errors, []);
  // the hub's own page draws a share of each kind, asked in one request
  const asked = [];
  page.on('request', (request) => {
    if (request.url().includes(`/api/entities/${encodeURIComponent(hub.id)}/neighbors`)) asked.push(new URL(request.url()));
  });
  await page.goto(`${BASE}/entity/${encodeURIComponent(hub.id)}`);
  await page.locator('.graph-canvas[data-layout="done"]').waitFor();
  assert.equal(asked.length, 1, asked.map(String).join(' '));
  const [perKind, limit] = ['per_kind', 'limit'].map((name) => Number(asked[0].searchParams.get(name)));
  assert.ok(perKind > 0 || hub.relation_total <= limit, String(asked[0]));
  const drawnKinds = await page.evaluate(() => new Set(document.querySelector('.graph-canvas').cy.edges().map((e) => e.data('kind'))).size);
  assert.ok(drawnKinds > 1, `the hub's drawing holds ${drawnKinds} relation kinds`);
  assert.deepEqual(page.errors, []);
});

test('page through the results of a broad query', async () => {
  // the largest industry's name
  const query = (await api('graph/centrality?kind=industry&measure=degree&limit=1')).results[0].name;
  const { total } = await api(`search?q=${encodeURIComponent(query)}&limit=1`);
  assert.ok(total > 10, `「${query}」 has more than a page of results (${total})`);
  const page = await open(browser);
  await page.goto(`${BASE}/search?q=${encodeURIComponent(query)}`);
  await page.locator('.hit').first().waitFor();
  assert.equal(await page.locator('.hit').count(), 10);
  const first = await page.locator('.hit-title a').first().textContent();
  await page.getByRole('button', { name: '下一页' }).click();
  await page.waitForURL(/offset=10/);
  await page.waitForFunction((before) => document.querySelector('.hit-title a')?.textContent !== before, first);
  assert.equal(await page.locator('ol.hits').getAttribute('start'), '11');
  assert.equal(await page.locator('.pager [aria-current="page"]').textContent(), '2');
  // back is the first page again
  await page.goBack();
  await page.waitForFunction((before) => document.querySelector('.hit-title a')?.textContent === before, first);
  assert.deepEqual(page.errors, []);
});

test('find a path between two entities', async () => {
  const page = await open(browser);
  await page.goto(`${BASE}/path`);
  for (const [label, entity] of [['起点', subject], ['终点', partner]]) {
    const box = page.getByRole('combobox', { name: label });
    await box.fill(entity.name);
    const option = page.locator(`#${await box.getAttribute('aria-controls')} li`, { hasText: entity.name }).first();
    await option.waitFor();
    await option.click();
  }
  const asked = [];
  page.on('request', (request) => {
    if (/\/api\/entities\//.test(request.url())) asked.push(request.url());
  });
  await page.getByRole('button', { name: '查找路径' }).click();
  await page.waitForURL(/from=.*to=/);
  const title = page.locator('#paths-title');
  await title.waitFor();
  assert.deepEqual(asked, [], 'the picked ends are not asked for again');
  assert.match(await title.textContent(), /找到 \d+ 条路径/);
  await page.waitForFunction(() => document.querySelector('.graph-canvas')?.cy?.nodes().length >= 2);
  assert.ok((await page.locator('.path').count()) > 0);
  assert.ok((await page.locator('.path .edge-line').count()) > 0, 'every path lists its edges');
  await shot(page, 'path');
  // the URL alone brings the same view back
  const url = page.url();
  const again = await open(browser);
  await again.goto(url);
  await again.locator('#paths-title').waitFor();
  assert.equal(await again.locator('.path').count(), await page.locator('.path').count());
  // a link names its ends
  const start = again.getByRole('combobox', { name: '起点' });
  for (let tries = 0; tries < 50 && (await start.inputValue()) !== subject.name; tries += 1) await again.waitForTimeout(100);
  assert.equal(await start.inputValue(), subject.name);
  assert.deepEqual([...page.errors, ...again.errors], []);
});

test('a timeline shows the latest events and loads only the earlier ones asked for', async () => {
  // the entity with the most dated relations among the central ones
  let busiest = { total: 0 };
  for (const kind of ['enterprise', 'university', 'institute', 'zone']) {
    const ranked = await api(`graph/centrality?kind=${kind}&limit=5`);
    for (const candidate of ranked.results) {
      const { total } = await api(`graph/timeline?id=${encodeURIComponent(candidate.id)}&limit=0`);
      if (total > busiest.total) busiest = { id: candidate.id, total };
    }
  }
  assert.ok(busiest.total > 0, 'some entity has dated relations');
  const page = await open(browser);
  const limits = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith('/graph/timeline')) limits.push(Number(url.searchParams.get('limit')));
  });
  await page.goto(`${BASE}/entity/${encodeURIComponent(busiest.id)}`);
  const events = page.locator('#timeline-title + ol.timeline > li');
  await events.first().waitFor();
  const first = Math.min(busiest.total, 20);
  assert.equal(await events.count(), first);
  // a quote takes the event's width, not the date's column
  const quote = page.locator('#timeline-title + ol.timeline > li .evidence li').first();
  if (await quote.count()) {
    const [eventBox, quoteBox] = [await events.first().boundingBox(), await quote.boundingBox()];
    assert.ok(quoteBox.width > eventBox.width / 2, `a quote ${quoteBox.width}px wide in an event ${eventBox.width}px wide`);
  }
  const earlier = page.getByRole('button', { name: /显示更早的/ });
  if (busiest.total <= 20) {
    assert.equal(await earlier.count(), 0, 'nothing earlier to show');
  } else {
    const shownBefore = await events.allTextContents();
    await earlier.click();
    const second = Math.min(busiest.total, 60);
    await page.waitForFunction((n) => document.querySelectorAll('#timeline-title + ol.timeline > li').length === n, second);
    // the events shown stay first, the earlier ones follow, none twice
    assert.deepEqual((await events.allTextContents()).slice(0, first), shownBefore);
    // the first ask counts the events, the second loads a page, the third only what was added
    assert.deepEqual(limits, [0, first, second - first]);
  }
  assert.deepEqual(page.errors, []);
});

test('run a match for an enterprise and for a pasted need', async () => {
  const page = await open(browser);
  await page.goto(`${BASE}/match`);
  const box = page.getByRole('combobox', { name: '实体', exact: true });
  await box.fill(subject.name);
  const option = page.locator('.suggestions li', { hasText: subject.name }).first();
  await option.waitFor();
  await option.click();
  await page.waitForURL(/entity=/);
  await page.locator('#match-title').waitFor();
  assert.match(await page.locator('#match-title').textContent(), new RegExp(`为 ${subject.name} 找到 \\d+ 个候选`));
  const cards = page.locator('li.match');
  assert.ok((await cards.count()) > 0, 'ranked candidates');
  assert.ok((await cards.first().locator('.signal').count()) > 0, 'each card shows what each signal contributed');
  await shot(page, 'match-entity');
  // the URL alone brings the match back, its entity named in the box
  const again = await open(browser);
  await again.goto(page.url());
  await again.locator('li.match').first().waitFor();
  assert.equal(await again.getByRole('combobox', { name: '实体', exact: true }).inputValue(), subject.name);
  assert.deepEqual(again.errors, []);

  await page.getByRole('tab', { name: '粘贴一段需求' }).click();
  const need = subject.description || subject.name;
  await page.getByLabel('技术需求').fill(need);
  await page.getByRole('button', { name: '匹配' }).click();
  await page.waitForURL(/text=/);
  await page.locator('#match-title').waitFor();
  assert.match(await page.locator('#match-title').textContent(), /为 这段需求 找到 \d+ 个候选/);
  await shot(page, 'match-text');
  assert.deepEqual(page.errors, []);
});

test('works at phone width with readable contrast', async () => {
  const page = await open(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  for (const [name, path] of [
    ['phone-home', '/'],
    ['phone-entity', `/entity/${encodeURIComponent(subject.id)}`],
    ['phone-search', `/search?q=${encodeURIComponent(subject.name)}`],
  ]) {
    await page.goto(`${BASE}${path}`);
    await page.waitForLoadState('networkidle');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${path} fits the phone's width (overflow ${overflow}px)`);
    const low = (await textColours(page)).filter((t) => !t.disabled && contrast(t.colour, t.background) < 4.5);
    assert.deepEqual(low, [], `${path}: text below WCAG AA contrast`);
    await shot(page, name);
  }
  assert.deepEqual(page.errors, []);
});

test('focus is visible and the header links are reachable by keyboard', async () => {
  const page = await open(browser);
  await page.goto(`${BASE}/search?q=${encodeURIComponent(subject.name)}`);
  await page.locator('.results-count').waitFor();
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => document.activeElement.textContent);
  assert.equal(skip, '跳到正文');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { text: el.textContent, outline: style.outlineStyle, width: style.outlineWidth };
  });
  assert.equal(focused.text, '首页');
  assert.notEqual(focused.outline, 'none', 'the focused link shows an outline');
});
