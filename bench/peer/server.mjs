// The @neo4j/graphql peer of failgraph's side-by-side benchmark (bench/): its generated schema over
// the type definitions in typedefs.graphql, served on loopback over plain node:http with graphql-js.
// Parsed and validated documents are cached by query text, as production GraphQL servers do, so the
// peer pays for execution and Cypher, not for parsing.
//
//   node server.mjs --neo4j bolt://127.0.0.1:7781 --port 0
//
// Prints "listening on http://127.0.0.1:PORT/graphql" once ready. Stops on SIGTERM or SIGINT.
import http from "node:http";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";
import { execute, parse, validate } from "graphql";

const { values } = parseArgs({
  options: {
    neo4j: { type: "string", default: "bolt://127.0.0.1:7687" },
    database: { type: "string", default: "neo4j" },
    port: { type: "string", default: "0" },
  },
});

const typeDefs = readFileSync(new URL("./typedefs.graphql", import.meta.url), "utf8");
const driver = neo4j.driver(values.neo4j, undefined, { disableLosslessIntegers: true });
await driver.verifyConnectivity();
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();

const documents = new Map(); // query text -> parsed document, or the validation errors
function document(query) {
  let d = documents.get(query);
  if (d === undefined) {
    try {
      const doc = parse(query);
      const errors = validate(schema, doc);
      d = errors.length ? { errors } : { doc };
    } catch (e) {
      d = { errors: [e] };
    }
    if (documents.size < 1000) documents.set(query, d);
  }
  return d;
}

function reply(res, status, body) {
  const b = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(b) });
  res.end(b);
}

const server = http.createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/graphql") return reply(res, 404, { errors: [{ message: "POST /graphql" }] });
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return reply(res, 400, { errors: [{ message: "the body is not JSON" }] });
    }
    const d = document(String(body.query ?? ""));
    if (d.errors) return reply(res, 400, { errors: d.errors.map((e) => ({ message: e.message })) });
    try {
      const result = await execute({
        schema,
        document: d.doc,
        variableValues: body.variables ?? {},
        contextValue: { sessionConfig: { database: values.database } },
      });
      reply(res, 200, result.errors ? { data: result.data, errors: result.errors.map((e) => ({ message: e.message })) } : { data: result.data });
    } catch (e) {
      reply(res, 500, { errors: [{ message: String(e) }] });
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/graphql`);
});
for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, () => {
    server.close();
    driver.close().finally(() => process.exit(0));
  });
}
