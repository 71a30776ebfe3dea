// Test support for the browser tests: a failgraph server on a free loopback port and Debian's
// chromium driven by playwright-core (never a downloaded browser). Every page records console
// errors, uncaught exceptions and requests to any host but the server, for the tests to assert.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * atlasRelease finds an ATLAS release file as the Go tests do (internal/atlas/atlastest): the file
 * FAILGRAPH_ATLAS_YAML names, else ../shared/data/atlas/ATLAS.yaml beside the repository (CI has
 * it). The repository keeps no copy of ATLAS; without either, it returns the small fixture of our
 * own (internal/atlas/testdata) with real: false, and prints a line that cannot be missed, so the
 * walk still runs but nobody mistakes it for a check of the real release.
 */
export function atlasRelease() {
  const tried = [];
  for (const c of [process.env.FAILGRAPH_ATLAS_YAML, join(repo, '..', 'shared', 'data', 'atlas', 'ATLAS.yaml')]) {
    if (!c) continue;
    if (existsSync(c)) return { path: c, real: true };
    tried.push(c);
  }
  const fixture = join(repo, 'internal', 'atlas', 'testdata', 'ATLAS-fixture.yaml');
  console.error(`!!! NOT RUN on the real MITRE ATLAS release: no ATLAS.yaml at ${tried.join(' or ')}. The ATLAS browser tests `
    + `walk the small fixture ${fixture} instead. Put the atlas-data release in ../shared/data/atlas/ or set FAILGRAPH_ATLAS_YAML. !!!`);
  return { path: fixture, real: false };
}

/**
 * startServer runs `failgraph serve` on 127.0.0.1:0, with the ATLAS release file atlas loaded
 * beside the seed when given, and resolves to {url, stop}.
 */
export async function startServer({ atlas } = {}) {
  const bin = process.env.FAILGRAPH_BIN;
  if (!bin) throw new Error('FAILGRAPH_BIN must name a built failgraph binary (scripts/web.sh test sets it)');
  const args = ['serve', '--addr', '127.0.0.1:0'];
  if (atlas) args.push('--atlas', atlas);
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout });
    const timer = setTimeout(() => reject(new Error(`failgraph serve did not listen within 30 s:\n${stderr}`)), 30000);
    rl.on('line', (line) => {
      const m = line.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`failgraph serve exited ${code}:\n${stderr}`)); });
  });
  return {
    url,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await once(proc, 'exit');
    },
  };
}

/** launchBrowser starts headless chromium from CHROMIUM or /usr/bin/chromium. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Root in a container has no user namespaces for chromium's sandbox.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/**
 * openPage opens a page of size viewport that records what the tests assert on: problems
 * (console errors, page errors, failed requests) and foreign (requests to any other origin).
 */
export async function openPage(browser, origin, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  const foreign = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()} at ${m.location().url}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} from ${r.request().method()} ${r.url()} ${(r.request().postData() || '').slice(0, 200)}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => { if (!r.url().startsWith('blob:')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`); });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:')) foreign.push(u);
  });
  return { page, context, problems, foreign };
}

/** gql asks the server directly, to check what the explorer shows against the API's own answer. */
export async function gql(origin, query, variables = {}) {
  const resp = await fetch(`${origin}/graphql`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, variables }),
  });
  const body = await resp.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/**
 * session opens a page, runs fn(page) and then asserts nothing went wrong on it: no console error,
 * page error or failed request, and no request to a host other than the server.
 */
export async function session(browser, origin, fn, viewport) {
  const s = await openPage(browser, origin, viewport);
  try {
    await fn(s.page);
    assert.deepEqual(s.problems, [], 'console errors, page errors or failed requests');
    assert.deepEqual(s.foreign, [], 'requests to a host other than the server');
  } finally {
    await s.context.close();
  }
}

/** shot saves a screenshot of the page as DIR/name.png when FAILGRAPH_SCREENSHOTS names DIR. */
export async function shot(page, name) {
  const dir = process.env.FAILGRAPH_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** pick types text into the combobox labelled label and takes the first suggestion matching optionText. */
export async function pick(page, label, text, optionText) {
  const box = page.getByRole('combobox', { name: label });
  await box.fill(text);
  await page.getByRole('option', { name: new RegExp(optionText.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i') }).first().waitFor();
  await box.press('Enter');
}

/** ready waits for the graph view to finish loading. */
export const ready = (page) => page.waitForSelector('.graph-view[data-ready="true"]');

/** count reads how many nodes (or edges) the graph view says it draws. */
export const count = async (page, what = 'nodes') => Number(await page.getAttribute('#graph-status', `data-${what}`));

// contrast is the WCAG contrast ratio of a #rrggbb colour against white.
function contrast(hex) {
  const lin = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 1.05 / (0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2] + 0.05);
}
const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(',')})`;

/**
 * checkLegend asserts that the graph view's legend and filters offer exactly the kinds and
 * relations the server's stats say the graph holds, in the schema's order; that every kind has a
 * colour and a shape no other kind has, the colour at least 4.5:1 against white; and that the
 * canvas draws every node in the colour and shape its kind has in the legend. It returns what the
 * server said: {kinds, relations, atlasRelease}.
 */
export async function checkLegend(page, origin) {
  const d = await gql(origin, '{ stats { byKind { kind count } byRelation { relation count } } atlasRelease }');
  const kinds = d.stats.byKind.filter((k) => k.count > 0).map((k) => k.kind);
  const relations = d.stats.byRelation.filter((r) => r.count > 0).map((r) => r.relation);
  await page.waitForSelector('#legend .legend-kind');
  const legend = await page.$$eval('#legend .legend-kind', (els) => els.map((e) => {
    const icon = e.querySelector('svg');
    return { kind: e.dataset.kind, text: e.textContent.trim(), colour: icon.dataset.colour, shape: icon.dataset.shape };
  }));
  assert.deepEqual(legend.map((l) => l.kind), kinds, 'the legend lists other kinds than the graph holds');
  for (const l of legend) {
    assert.equal(l.text, l.kind.toLowerCase().replaceAll('_', ' '));
    assert.ok(contrast(l.colour) >= 4.5, `${l.kind}'s colour ${l.colour} has a contrast of ${contrast(l.colour).toFixed(2)}:1 against white`);
  }
  assert.equal(new Set(legend.map((l) => l.colour)).size, legend.length, `two kinds share a colour: ${JSON.stringify(legend)}`);
  assert.equal(new Set(legend.map((l) => l.shape)).size, legend.length, `two kinds share a shape: ${JSON.stringify(legend)}`);
  assert.deepEqual(await page.$$eval('.checks-kind input', (els) => els.map((e) => e.value)), kinds, 'the kind filter');
  assert.deepEqual(await page.$$eval('.checks-rel input', (els) => els.map((e) => e.value)), relations, 'the relation filter');
  const drawn = await page.evaluate(() => window.failgraph.cy.nodes().map((n) => ({ id: n.id(), kind: n.data('kind'), colour: n.style('background-color'), shape: n.style('shape') })));
  assert.ok(drawn.length > 0);
  const byKind = new Map(legend.map((l) => [l.kind, l]));
  for (const n of drawn) {
    const l = byKind.get(n.kind);
    assert.ok(l, `${n.id} is of a kind the legend does not list: ${n.kind}`);
    assert.deepEqual({ colour: n.colour.replaceAll(' ', ''), shape: n.shape }, { colour: rgb(l.colour), shape: l.shape }, `${n.id} (${n.kind}) is not drawn as the legend says`);
  }
  return { kinds, relations, atlasRelease: d.atlasRelease };
}
