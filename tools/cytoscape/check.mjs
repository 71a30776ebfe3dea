// Loads a failgraph Cytoscape.js export with cytoscape, headless, and prints what cytoscape made
// of it as JSON: node and edge counts, nodes by kind, and each node's degree. cytoscape refuses
// an edge whose endpoint is missing, so a dangling edge fails here.
import { readFileSync } from "node:fs";
import cytoscape from "cytoscape";

const file = process.argv[2];
const data = JSON.parse(readFileSync(file, "utf8"));
const cy = cytoscape({ headless: true, styleEnabled: false, elements: data.elements });
const kinds = {};
const degree = {};
cy.nodes().forEach((n) => {
  kinds[n.data("kind")] = (kinds[n.data("kind")] || 0) + 1;
  degree[n.id()] = n.degree(false);
});
const types = {};
cy.edges().forEach((e) => {
  types[e.data("type")] = (types[e.data("type")] || 0) + 1;
});
process.stdout.write(JSON.stringify({ nodes: cy.nodes().length, edges: cy.edges().length, kinds, types, degree,
  version: cytoscape.version ?? null }) + "\n");
