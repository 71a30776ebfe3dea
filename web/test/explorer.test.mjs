// End-to-end tests of the explorer: a real failgraph server, Debian's chromium, and assertions on
// what a person sees, checked against the API's own answers. Every test also fails on a console
// error, an uncaught exception, a failed request or a request to any host but the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startServer, launchBrowser, gql, session as withPage, shot, pick, ready, count, checkLegend } from './harness.mjs';

let server;
let browser;
const bench = process.env.FAILGRAPH_WEB_BENCH; // a file: write the performance figures there as JSON

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** session opens a page and, when the test's body is done, asserts nothing went wrong on it. */
const session = (fn, viewport) => withPage(browser, server.url, fn, viewport);

const neighbours = async (id) => (await gql(server.url, 'query($id: ID!) { neighborhood(id: $id) { nodes { id } } }', { id })).neighborhood.nodes.map((n) => n.id);

test('search, open a node and see what mitigates it', () => session(async (page) => {
  await page.goto(`${server.url}/`);
  await ready(page);
  await pick(page, 'Find a node', 'membership inf', 'Membership inference');
  await page.waitForFunction(() => document.querySelector('#details-name')?.textContent === 'Membership inference');
  await page.waitForFunction(() => location.hash.includes('focus=membership-inference'));
  const want = await neighbours('membership-inference');
  await page.waitForFunction((n) => Number(document.querySelector('#graph-status').dataset.nodes) === n, want.length);
  // What mitigates it is drawn, by name, and listed for keyboard users.
  const fm = await gql(server.url, '{ failureMode(id: "membership-inference") { mitigations { id name } } }');
  assert.ok(fm.failureMode.mitigations.length > 0);
  for (const m of fm.failureMode.mitigations) {
    assert.equal(await page.locator(`.node-list button[data-id="${m.id}"]`).count(), 1, `${m.name} is not in the view`);
  }
  await shot(page, 'explorer-graph');
}));

test('the legend and the filters list the kinds the server holds, each drawn as the legend says', () => session(async (page) => {
  await page.goto(`${server.url}/#graph?focus=membership-inference&expand=differential-privacy-training`);
  await ready(page);
  const got = await checkLegend(page, server.url);
  // Without an ATLAS release the schema's ATLAS kinds hold no node, and the legend does not offer them.
  const schema = await gql(server.url, '{ __type(name: "NodeKind") { enumValues { name } } }');
  const absent = schema.__type.enumValues.map((v) => v.name).filter((k) => !got.kinds.includes(k));
  assert.equal(got.atlasRelease, null);
  assert.ok(absent.length > 0, 'every kind of the schema holds nodes: the test cannot show that empty kinds are left out');
  assert.equal(await page.locator('#legend .legend-group').count(), 0);
  for (const k of absent) assert.equal(await page.locator(`#legend [data-kind="${k}"], .checks-kind input[value="${k}"]`).count(), 0, `${k} is offered`);
}));

test('double-click expands a node and the node count grows', () => session(async (page) => {
  await page.goto(`${server.url}/#graph?focus=membership-inference`);
  await ready(page);
  const before = await count(page);
  const target = 'differential-privacy-training';
  const pos = await page.evaluate((id) => window.failgraph.cy.getElementById(id).renderedPosition(), target);
  const box = await page.locator('#cy').boundingBox();
  await page.mouse.dblclick(box.x + pos.x, box.y + pos.y);
  const union = new Set([...(await neighbours('membership-inference')), ...(await neighbours(target))]);
  assert.ok(union.size > before, 'the fixture cannot show growth');
  await page.waitForFunction((n) => Number(document.querySelector('#graph-status').dataset.nodes) === n, union.size);
  assert.match(await page.evaluate(() => location.hash), /expand=differential-privacy-training/);
  // Nodes drawn before the expansion stay where they were.
  const moved = await page.evaluate(() => window.failgraph.cy.getElementById('membership-inference').renderedPosition());
  assert.ok(Math.hypot(moved.x - pos.x, moved.y - pos.y) > 1, 'the two nodes overlap');
}));

test('a path between two nodes is listed and highlighted', () => session(async (page) => {
  await page.goto(`${server.url}/#graph?focus=membership-inference`);
  await ready(page);
  await page.getByText('Paths between two nodes').click();
  await pick(page, 'From', 'membership inference', 'Membership inference');
  await pick(page, 'To', 'model inversion', 'Model inversion');
  await page.getByRole('button', { name: 'Find paths' }).click();
  const want = (await gql(server.url, '{ paths(from: "membership-inference", to: "model-inversion", maxLength: 3) { nodes { id name } edges { id } } }')).paths;
  assert.ok(want.length > 0);
  await page.waitForFunction((n) => document.querySelectorAll('#path-list .path-item').length === n, want.length);
  assert.equal(await page.locator('#path-list .path-item').first().innerText(), `${want[0].nodes.map((n) => n.name).join(' → ')} (${want[0].edges.length} ${want[0].edges.length === 1 ? 'edge' : 'edges'})`);
  const lit = await page.evaluate(() => window.failgraph.cy.elements('.path').map((e) => e.id()).sort());
  assert.deepEqual(lit, [...want[0].nodes.map((n) => n.id), ...want[0].edges.map((e) => e.id)].sort());
  // The second path, chosen from the list, takes the highlight.
  if (want.length > 1) {
    await page.locator('#path-list .path-item').nth(1).click();
    const lit2 = await page.evaluate(() => window.failgraph.cy.elements('.path').map((e) => e.id()).sort());
    assert.deepEqual(lit2, [...want[1].nodes.map((n) => n.id), ...want[1].edges.map((e) => e.id)].sort());
  }
  assert.match(await page.evaluate(() => location.hash), /from=membership-inference&to=model-inversion/);
  await shot(page, 'explorer-paths');
}));

test('a deep link opens the same picture', () => session(async (page) => {
  const link = `${server.url}/#graph?focus=membership-inference&expand=differential-privacy-training&sel=differential-privacy-training`;
  await page.goto(link);
  await ready(page);
  const union = new Set([...(await neighbours('membership-inference')), ...(await neighbours('differential-privacy-training'))]);
  assert.equal(await count(page), union.size);
  const name = (await gql(server.url, '{ node(id: "differential-privacy-training") { name } }')).node.name;
  await page.waitForFunction((n) => document.querySelector('#details-name')?.textContent === n, name);
  assert.deepEqual(await page.evaluate(() => window.failgraph.cy.$(':selected').map((n) => n.id())), ['differential-privacy-training']);
}));

test('the threat model for a model behind an API matches the API', () => session(async (page) => {
  const assets = ['model-weights', 'training-data', 'personal-data'];
  const caps = ['query-access', 'black-box-knowledge', 'confidence-score-access'];
  await page.goto(`${server.url}/#threat`);
  await page.waitForSelector('#threat-form input');
  for (const id of assets) await page.check(`.checks-asset input[value="${id}"]`);
  for (const id of caps) await page.check(`.checks-cap input[value="${id}"]`);
  await page.getByRole('button', { name: 'Build the threat model' }).click();
  await page.waitForSelector('#threat-failure-modes');
  const want = (await gql(server.url, `query($a: [ID!]!, $c: [ID!]) { threatModel(assets: $a, capabilities: $c) {
    failureModes { id } minimalCover { id } uncovered { id } } }`, { a: assets, c: caps })).threatModel;
  assert.ok(want.failureModes.length > 0);
  const rows = (sel) => page.$$eval(sel, (els) => els.map((e) => e.dataset.id));
  assert.deepEqual(await rows('#threat-failure-modes tbody tr'), want.failureModes.map((f) => f.id));
  assert.deepEqual(await rows('#threat-cover li'), want.minimalCover.map((m) => m.id));
  assert.deepEqual(await rows('#threat-uncovered li'), want.uncovered.map((f) => f.id));
  // The choice is in the URL.
  const q = new URLSearchParams((await page.evaluate(() => location.hash)).replace(/^#threat\?/, ''));
  assert.deepEqual(q.get('assets').split(',').sort(), [...assets].sort());
  assert.deepEqual(q.get('caps').split(',').sort(), [...caps].sort());
  // Each failure mode links to the graph view.
  await page.locator('#threat-failure-modes tbody tr a').first().click();
  await ready(page);
  await page.waitForFunction((id) => location.hash.includes(`focus=${id}`), want.failureModes[0].id);
  await page.goBack();
  await page.waitForSelector('#threat-failure-modes');
  await shot(page, 'explorer-threat-model');
}));

test('the legal matrix matches the API, and a cell tells its question', () => session(async (page) => {
  await page.goto(`${server.url}/#legal?j=US&fm=membership-inference`);
  await page.waitForSelector('#legal-matrix');
  const m = (await gql(server.url, '{ legalMatrix(jurisdiction: "US") { rows { id } columns { id } cells { question } } }')).legalMatrix;
  assert.deepEqual(await page.$$eval('#legal-matrix tbody tr', (els) => els.map((e) => e.dataset.id)), m.rows.map((r) => r.id));
  assert.deepEqual(await page.$$eval('#legal-matrix thead th.col', (els) => els.map((e) => e.dataset.id)), m.columns.map((c) => c.id));
  const hits = m.cells.flat().filter(Boolean);
  assert.ok(hits.length > 0);
  assert.equal(await page.locator('#legal-matrix td.hit').count(), hits.length);
  const first = page.locator('#legal-matrix td.hit button').first();
  await first.click();
  assert.equal(await page.locator('#legal-cell .question').innerText(), hits[0].question || '(the graph records no question text)');
  // The legal exposure of membership inference.
  const x = (await gql(server.url, '{ legalExposure(failureMode: "membership-inference") { items { consideration { id } } } }')).legalExposure;
  await page.waitForSelector('#legal-exposure-items');
  assert.deepEqual(await page.$$eval('#legal-exposure-items tbody tr', (els) => els.map((e) => e.dataset.id)), x.items.map((i) => i.consideration.id));
  await page.waitForSelector('#gap-mitigation');
  await shot(page, 'explorer-legal');
}));

test('triage ranks the candidates as the API does', () => session(async (page) => {
  await page.goto(`${server.url}/#triage?compromised=CONFIDENTIALITY&assets=training-data`);
  await page.waitForSelector('#triage-candidates');
  const want = (await gql(server.url, '{ triage(compromised: [CONFIDENTIALITY], assets: ["training-data"]) { failureMode { id } } }')).triage;
  assert.ok(want.length > 0);
  assert.deepEqual(await page.$$eval('#triage-candidates tbody tr', (els) => els.map((e) => e.dataset.id)), want.map((c) => c.failureMode.id));
  assert.equal(await page.isChecked('.checks-prop input[value="CONFIDENTIALITY"]'), true);
  await shot(page, 'explorer-triage');
}));

test('an error from the server is shown in words with its code', () => session(async (page) => {
  await page.goto(`${server.url}/#graph?focus=no-such-node`);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /NOT_FOUND/);
  assert.match(await alert.innerText(), /no-such-node/);
}));

test('on a narrow screen every view fits the width and works', () => session(async (page) => {
  for (const hash of ['#graph?focus=membership-inference', '#threat?assets=training-data', '#legal?j=EU', '#triage?compromised=INTEGRITY']) {
    await page.goto(`${server.url}/${hash}`);
    await page.waitForSelector(hash.startsWith('#graph') ? '.graph-view[data-ready="true"]' : '.results, #legal-matrix');
    await page.waitForLoadState('networkidle');
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(over <= 0, `${hash} is ${over}px wider than the screen`);
  }
  await page.goto(`${server.url}/#graph?focus=membership-inference`);
  await ready(page);
  await pick(page, 'Find a node', 'model inversion', 'Model inversion');
  await page.waitForFunction(() => document.querySelector('#details-name')?.textContent === 'Model inversion');
  await shot(page, 'explorer-narrow');
}, { width: 390, height: 844 }));

test('every control has a label and the keyboard reaches the views', () => session(async (page) => {
  for (const hash of ['#graph', '#threat', '#legal', '#triage']) {
    await page.goto(`${server.url}/${hash}`);
    await page.waitForSelector(hash === '#graph' ? '.graph-view[data-ready="true"]' : 'main input, main select');
    await page.waitForLoadState('networkidle');
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, button, a[href]')]
      .filter((e) => e.offsetParent !== null || e.closest('details'))
      .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
      .map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(unlabelled, [], `${hash}: controls without a label`);
  }
  // From the top of the page, Tab reaches the search box and the keyboard picks a suggestion.
  await page.goto(`${server.url}/`);
  await ready(page);
  let focused = '';
  for (let i = 0; i < 12 && focused !== 'q'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.name || '');
  }
  assert.equal(focused, 'q', 'Tab never reaches the search box');
  await page.keyboard.type('poisoning');
  await page.getByRole('option').first().waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('focus='));
}));

test('performance: first meaningful paint, expansion, first-visit bytes', () => session(async (page) => {
  await page.goto(`${server.url}/`);
  await ready(page);
  const paint = await page.evaluate(() => ({
    drawn: performance.getEntriesByName('fg:graph-drawn')[0].startTime,
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    bytes: [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')].reduce((s, e) => s + e.transferSize, 0),
    decoded: [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')].reduce((s, e) => s + e.decodedBodySize, 0),
  }));
  await page.goto(`${server.url}/#graph?focus=membership-inference`);
  await ready(page);
  const expansions = [];
  const done = new Set(['membership-inference']);
  for (let i = 0; i < 5; i++) {
    // The next node to expand: one with more to show.
    const next = await page.evaluate((skip) => {
      const cy = window.failgraph.cy;
      cy.fit(undefined, 30);
      const n = cy.nodes().filter((x) => x.data('more') > 0 && !skip.includes(x.id())).sort((a, b) => (a.id() < b.id() ? -1 : 1))[0];
      return n ? { id: n.id() } : null;
    }, [...done]);
    if (!next) break;
    done.add(next.id);
    const n = await count(page);
    await page.evaluate(() => performance.clearMeasures('fg:expand'));
    // Select the node from the list beside the canvas and press Expand: the same expand() a
    // double-click runs (the test above double-clicks), without a label in the way of the mouse.
    await page.evaluate((id) => { document.querySelector('.node-list-box').open = true; document.querySelector(`.node-list button[data-id="${id}"]`).click(); }, next.id);
    await page.click('#expand');
    await page.waitForFunction(() => performance.getEntriesByName('fg:expand').length > 0, null, { timeout: 120000 });
    const d = await page.evaluate(() => performance.getEntriesByName('fg:expand')[0].duration);
    expansions.push({ id: next.id, before: n, after: await count(page), ms: Math.round(d * 10) / 10 });
  }
  assert.ok(expansions.length >= 3, `only ${expansions.length} expansions measured`);
  const result = {
    firstMeaningfulPaintMs: Math.round(paint.drawn), firstContentfulPaintMs: paint.fcp && Math.round(paint.fcp),
    firstVisitTransferredBytes: paint.bytes, firstVisitDecodedBytes: paint.decoded, expansions,
  };
  console.log(`# explorer performance: ${JSON.stringify(result)}`);
  if (bench) writeFileSync(bench, `${JSON.stringify(result, null, 2)}\n`);
  assert.ok(paint.bytes > 0 && paint.bytes < paint.decoded, 'the first visit is not compressed');
}));
