// The explorer over the ATLAS layer: a failgraph server with a MITRE ATLAS release loaded
// (`failgraph serve --atlas`), Debian's chromium, and a walk by clicks from one of the paper's
// failure modes through its crosswalk to an ATLAS technique and on to the case studies that use it,
// every name and id checked against the API's own answers. The release is the real one
// (../shared/data/atlas/ATLAS.yaml or FAILGRAPH_ATLAS_YAML); without it, the small fixture of our
// own, said loudly (harness.atlasRelease).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, gql, session as withPage, shot, pick, ready, atlasRelease, checkLegend } from './harness.mjs';

let server;
let browser;
const release = atlasRelease();

before(async () => {
  server = await startServer({ atlas: release.path });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const session = (fn, viewport) => withPage(browser, server.url, fn, viewport);
const neighbours = async (id) => (await gql(server.url, 'query($id: ID!) { neighborhood(id: $id) { nodes { id } } }', { id })).neighborhood.nodes.map((n) => n.id);
const names = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.dataset.id));

// The failure mode the walk starts from: a paper failure mode the seed crosswalks to ATLAS.
const start = 'perturbation';

test('the legend and the filters show the ATLAS kinds the server has loaded', () => session(async (page) => {
  await page.goto(`${server.url}/#graph?focus=${start}`);
  await ready(page);
  const got = await checkLegend(page, server.url);
  // The ATLAS kinds, as the schema describes them (not a list of this test's own).
  const schema = await gql(server.url, '{ __type(name: "NodeKind") { enumValues { name description } } }');
  const atlasKinds = schema.__type.enumValues.filter((v) => /ATLAS/.test(v.description)).map((v) => v.name);
  assert.ok(atlasKinds.length >= 4, `the schema describes ${atlasKinds.length} ATLAS kinds`);
  for (const k of atlasKinds) assert.ok(got.kinds.includes(k), `the server holds no ${k}: the release did not load`);
  assert.ok(got.atlasRelease, 'the server says no ATLAS release is loaded');
  // The legend names the release above the ATLAS kinds, and the kind filter groups them under it.
  const heading = `MITRE ATLAS ${got.atlasRelease}`;
  assert.equal(await page.locator('#legend .legend-group').innerText(), `${heading}:`);
  const legendKinds = await page.$$eval('#legend li', (els) => els.map((e) => e.dataset.kind || e.className));
  assert.deepEqual(legendKinds.slice(legendKinds.indexOf('legend-group') + 1, legendKinds.indexOf('legend-group') + 1 + atlasKinds.length), atlasKinds);
  await page.getByText('Filters').click();
  const group = page.locator('.checks-kind .check-group', { hasText: heading });
  assert.deepEqual(await group.locator('input').evaluateAll((els) => els.map((e) => e.value)), atlasKinds);
  // The crosswalk's edges have their match drawn as a line, listed in the legend.
  const strengths = [...new Set((await gql(server.url, `{ failureMode(id: "${start}") { atlas { crosswalk { strength } } } }`)).failureMode.atlas.crosswalk.map((e) => e.strength))];
  assert.ok(strengths.length > 0);
  const legendStrengths = await page.$$eval('#legend .legend-edge[data-relation="CORRESPONDS_TO"]', (els) => els.map((e) => e.dataset.strength));
  for (const s of strengths) assert.ok(legendStrengths.includes(s), `the legend has no line for a ${s} match`);
  // Unticking the ATLAS kinds leaves only the paper's kinds on the canvas.
  for (const k of atlasKinds) await page.uncheck(`.checks-kind input[value="${k}"]`);
  await page.waitForFunction(() => !location.hash.includes('ATLAS') && location.hash.includes('kinds='));
  await ready(page);
  const left = await page.evaluate(() => window.failgraph.cy.nodes().map((n) => n.data('kind')));
  assert.ok(left.length > 0);
  assert.deepEqual(left.filter((k) => atlasKinds.includes(k)), []);
}));

test('from a paper failure mode through the crosswalk to an ATLAS technique and the case studies that use it', () => session(async (page) => {
  const fm = (await gql(server.url, `query($id: ID!) { failureMode(id: $id) { id name atlas {
    techniques { id atlasId name url caseStudies { id atlasId name url incidentDate } }
    crosswalk { source target strength } } } }`, { id: start })).failureMode;
  const around = new Set(await neighbours(start));
  // The technique to walk to: the one with the most case studies that only it leads to (not drawn
  // around the failure mode itself), so that reaching them proves the walk went through it.
  const ranked = fm.atlas.techniques.map((t) => ({ t, beyond: t.caseStudies.filter((c) => !around.has(c.id)) })).sort((a, b) => b.beyond.length - a.beyond.length);
  assert.ok(ranked.length > 0 && ranked[0].beyond.length > 0, `${start} leads to no ATLAS case study beyond its own neighbourhood`);
  const { t: tech, beyond } = ranked[0];
  const cross = fm.atlas.crosswalk.find((e) => e.target === tech.id);
  assert.ok(cross, `no CORRESPONDS_TO edge from ${start} to ${tech.id}`);

  // 1. Find the failure mode by name.
  await page.goto(`${server.url}/`);
  await ready(page);
  await pick(page, 'Find a node', fm.name.split(' ')[0], fm.name);
  await page.waitForFunction((n) => document.querySelector('#details-name')?.textContent === n, fm.name);
  await page.waitForFunction((n) => Number(document.querySelector('#graph-status').dataset.nodes) === n, around.size);
  // Its details list the ATLAS techniques the crosswalk names, with their ids and match.
  assert.deepEqual(await names(page, '#details-atlas-techniques li'), fm.atlas.techniques.map((t) => t.id));
  const techItem = await page.locator(`#details-atlas-techniques li[data-id="${tech.id}"]`).innerText();
  assert.equal(techItem, `${tech.atlasId} ${tech.name} (${cross.strength})`);
  // The canvas draws the crosswalk edge with its match.
  const edge = await page.evaluate(({ s, t }) => window.failgraph.cy.edges(`[source="${s}"][target="${t}"][type="CORRESPONDS_TO"]`).map((e) => e.data('strength')), { s: start, t: tech.id });
  assert.deepEqual(edge, [cross.strength]);

  // 2. Select the technique from the list of nodes in the view.
  await page.getByText('Nodes in this view').click();
  await page.click(`.node-list button[data-id="${tech.id}"]`);
  await page.waitForFunction((n) => document.querySelector('#details-name')?.textContent === n, tech.name);
  assert.equal(await page.locator('#details dt:text-is("ATLAS id") + dd').innerText(), tech.atlasId);
  assert.equal(await page.getAttribute('#details-atlas-link', 'href'), tech.url);
  assert.deepEqual(await names(page, '#details-case-studies li'), tech.caseStudies.map((c) => c.id));

  // 3. Expand it: the case studies whose procedure uses it are drawn.
  await page.click('#details-expand');
  const union = new Set([...around, ...(await neighbours(tech.id))]);
  await page.waitForFunction((n) => Number(document.querySelector('#graph-status').dataset.nodes) === n, union.size);
  for (const c of tech.caseStudies) {
    assert.equal(await page.locator(`.node-list button[data-id="${c.id}"]`).count(), 1, `${c.atlasId} ${c.name} is not in the view`);
  }
  assert.match(await page.evaluate(() => location.hash), new RegExp(`expand=${tech.id}`));

  // 4. Open a case study only the technique leads to: its ATLAS id, date and page are the API's.
  const cs = beyond[0];
  await page.click(`.node-list button[data-id="${cs.id}"]`);
  await page.waitForFunction((n) => document.querySelector('#details-name')?.textContent === n, cs.name);
  assert.equal(await page.locator('#details .kind-badge').innerText(), 'atlas case study');
  assert.equal(await page.locator('#details dt:text-is("ATLAS id") + dd').innerText(), cs.atlasId);
  if (cs.incidentDate) assert.equal(await page.locator('#details dt:text-is("incident date") + dd').innerText(), cs.incidentDate);
  assert.equal(await page.getAttribute('#details-atlas-link', 'href'), cs.url);
  assert.ok((await names(page, '#details-techniques li')).includes(tech.id), `${cs.atlasId}'s procedure does not list ${tech.atlasId}`);
  const uses = await page.evaluate(({ s, t }) => window.failgraph.cy.edges(`[source="${s}"][target="${t}"][type="USES"]`).length, { s: cs.id, t: tech.id });
  assert.equal(uses, 1, `no USES edge drawn from ${cs.id} to ${tech.id}`);
  assert.match(await page.evaluate(() => location.hash), new RegExp(`sel=${cs.id}`));
  await page.evaluate(() => { document.querySelector('.node-list-box').open = false; window.scrollTo(0, 0); });
  await shot(page, 'explorer-atlas');
}));
