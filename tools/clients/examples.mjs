// What the client tests share: the server under test, the examples to run, and a fetch that keeps
// what the server sent for each request, so a test compares a cache's answer with the wire.
import { readFileSync } from 'node:fs';

export const url = process.env.FAILGRAPH_URL;
if (!url) throw new Error('FAILGRAPH_URL is not set (scripts/clients.sh runs these tests)');

/** @type {{name: string, query: string, variables?: object}[]} */
export const examples = JSON.parse(readFileSync(process.env.FAILGRAPH_EXAMPLES, 'utf8'));
if (examples.length < 10) throw new Error(`only ${examples.length} examples in ${process.env.FAILGRAPH_EXAMPLES}`);

/**
 * recordingFetch returns a fetch that passes every request on and remembers each response body
 * (parsed JSON) with its request, in the order answered.
 */
export function recordingFetch() {
  const wire = [];
  const fetchFn = async (input, init) => {
    const res = await fetch(input, init);
    const text = await res.clone().text();
    let body;
    try { body = JSON.parse(text); } catch { body = text; }
    wire.push({ url: String(input), method: init?.method ?? 'GET', status: res.status, headers: res.headers, body });
    return res;
  };
  return { fetch: fetchFn, wire };
}

/** lastExchange returns the latest recorded exchange, failing when there is none. */
export function lastExchange(wire, what) {
  if (wire.length === 0) throw new Error(`${what}: no request reached the server`);
  return wire[wire.length - 1];
}
