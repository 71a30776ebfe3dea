// The GraphQL-over-HTTP audit of graphql-http (the specification's reference implementation):
// every MUST and every SHOULD must hold; a MAY that does not is listed but does not fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditServer } from 'graphql-http';

import { url } from './examples.mjs';

test('graphql-http server audit: no errors and no warnings', async () => {
  const results = await auditServer({ url });
  assert.ok(results.length > 40, `only ${results.length} audits ran`);
  for (const r of results.filter((r) => r.status === 'notice')) {
    console.log(`notice ${r.id} ${r.name}: ${r.reason}`);
  }
  const failed = results.filter((r) => r.status === 'error' || r.status === 'warn');
  assert.deepEqual(failed.map((r) => `${r.status} ${r.id} ${r.name}: ${r.reason}`), []);
  console.log(`${results.filter((r) => r.status === 'ok').length} of ${results.length} audits ok`);
});
