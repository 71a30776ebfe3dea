// Test support for the browser tests: a failgraph server on a free loopback port and Debian's
// chromium driven by playwright-core (never a downloaded browser). Every page records console
// errors, uncaught exceptions and requests to any host but the server, for the tests to assert.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

/** startServer runs `failgraph serve` on 127.0.0.1:0 and resolves to {url, stop}. */
export async function startServer() {
  const bin = process.env.FAILGRAPH_BIN;
  if (!bin) throw new Error('FAILGRAPH_BIN must name a built failgraph binary (scripts/web-test.sh sets it)');
  const proc = spawn(bin, ['serve', '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
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
