// Normalised caches with their default settings, over every README and GraphiQL example and the
// cache probes (cmd/failgraph/clients_test.go): what the cache returns must be exactly what the
// server sent, when the answer arrives and again after every other example has been written into
// the same cache. A type whose id is not global (as ExternalId.id once was) fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ApolloClient, InMemoryCache, HttpLink, gql } from '@apollo/client/core/index.js';
import { Client, fetchExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';

import { url, examples, recordingFetch, lastExchange } from './examples.mjs';

// withoutTypenames drops every __typename. urql adds __typename to the query it sends (to key its
// cache) but answers with the fields the application asked for, so its answers are compared with
// the server's without them; Apollo Client answers with them and is compared with them.
function withoutTypenames(v) {
  if (Array.isArray(v)) return v.map(withoutTypenames);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '__typename').map(([k, x]) => [k, withoutTypenames(x)]));
}

test('Apollo Client InMemoryCache returns what the server sent', async (t) => {
  const rec = recordingFetch();
  const client = new ApolloClient({ link: new HttpLink({ uri: url, fetch: rec.fetch }), cache: new InMemoryCache() });
  const sent = [];
  for (const ex of examples) {
    await t.test(ex.name, async () => {
      const query = gql(ex.query);
      const before = rec.wire.length;
      const result = await client.query({ query, variables: ex.variables });
      assert.equal(rec.wire.length, before + 1, 'one request per example');
      const wire = lastExchange(rec.wire, ex.name);
      assert.equal(wire.status, 200);
      assert.equal(wire.body.errors, undefined, `the server answered errors: ${JSON.stringify(wire.body.errors)}`);
      assert.deepStrictEqual(result.data, wire.body.data);
      sent.push({ ex, query, data: wire.body.data });
    });
  }
  await t.test('every answer read back from the shared cache', () => {
    assert.equal(sent.length, examples.length);
    for (const { ex, query, data } of sent) {
      assert.deepStrictEqual(client.readQuery({ query, variables: ex.variables }), data, ex.name);
    }
  });
});

test('urql Graphcache returns what the server sent', async (t) => {
  const rec = recordingFetch();
  const client = new Client({ url, exchanges: [cacheExchange({}), fetchExchange], fetch: rec.fetch });
  const sent = [];
  for (const ex of examples) {
    await t.test(ex.name, async () => {
      const before = rec.wire.length;
      const result = await client.query(ex.query, ex.variables ?? {}).toPromise();
      assert.equal(result.error, undefined, `urql error: ${result.error}`);
      assert.equal(rec.wire.length, before + 1, 'one request per example');
      const wire = lastExchange(rec.wire, ex.name);
      assert.equal(wire.status, 200);
      assert.equal(wire.body.errors, undefined, `the server answered errors: ${JSON.stringify(wire.body.errors)}`);
      assert.deepStrictEqual(withoutTypenames(result.data), withoutTypenames(wire.body.data));
      sent.push({ ex, data: wire.body.data });
    });
  }
  await t.test('every answer read back from the shared cache', () => {
    assert.equal(sent.length, examples.length);
    for (const { ex, data } of sent) {
      const again = client.readQuery(ex.query, ex.variables ?? {});
      assert.ok(again?.data, `${ex.name}: not in the cache`);
      assert.deepStrictEqual(withoutTypenames(again.data), withoutTypenames(data), ex.name);
    }
  });
});

test('Apollo Client 3 (Accept: */*) sees GraphQL errors, not an HTTP failure', async (t) => {
  const rec = recordingFetch();
  const client = new ApolloClient({ link: new HttpLink({ uri: url, fetch: rec.fetch }), cache: new InMemoryCache() });
  const cases = [
    { name: 'a refused query', query: '{ failureMode(id: "poisoning") { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } }', code: 'QUERY_TOO_DEEP' },
    { name: 'an unknown field', query: '{ stats { nodes noSuchField } }', code: 'GRAPHQL_VALIDATION_FAILED' },
    { name: 'a bad argument', query: '{ neighborhood(id: "poisoning", depth: 9) { truncated } }', code: 'BAD_USER_INPUT' },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      await assert.rejects(client.query({ query: gql(c.query) }), (err) => {
        assert.equal(err.networkError, null, `a network error: ${err.networkError}`);
        assert.equal(err.graphQLErrors[0]?.extensions?.code, c.code);
        return true;
      });
      const wire = lastExchange(rec.wire, c.name);
      assert.equal(wire.headers.get('content-type').split(';')[0], 'application/json');
      assert.equal(wire.status, 200);
    });
  }
  await t.test('errorPolicy all keeps the fields that answered', async () => {
    const r = await client.query({
      query: gql('{ stats { nodes } legalExposure(failureMode: "no-such-node") { violatesAccessAuthorization } }'),
      errorPolicy: 'all',
      fetchPolicy: 'network-only',
    });
    assert.equal(r.errors[0].extensions.code, 'NOT_FOUND');
    assert.ok(r.data.stats.nodes > 100);
    assert.equal(r.data.legalExposure, null);
  });
});
