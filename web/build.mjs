// Builds the explorer into dist/: one minified script and one stylesheet whose names carry a hash of
// their content (so the server can let browsers cache them for a year), index.html pointing at
// them, and LICENSES.txt with the licence of every npm package bundled. `make web` runs it;
// scripts/test.sh runs it again and fails when dist/ differs from what is committed.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, rmSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

const result = await build({
  absWorkingDir: root,
  entryPoints: { explorer: 'src/main.js', style: 'src/style.css' },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  outdir: 'dist',
  entryNames: '[name]-[hash]',
  legalComments: 'none',
  banner: { js: '/* failgraph explorer; bundled licences: LICENSES.txt */', css: '/* failgraph explorer */' },
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => f.startsWith('explorer-') && f.endsWith('.js'));
const css = outputs.find((f) => f.startsWith('style-') && f.endsWith('.css'));
// Subresource integrity on both, so a browser runs only the bytes this build wrote.
const sri = (f) => `sha256-${createHash('sha256').update(readFileSync(join(dist, f))).digest('base64')}`;
const html = readFileSync(join(root, 'src/index.html'), 'utf8')
  .replace('{{script}}', `/explorer/${js}" integrity="${sri(js)}`)
  .replace('{{style}}', `/explorer/${css}" integrity="${sri(css)}`);
writeFileSync(join(dist, 'index.html'), html);
writeFileSync(join(dist, 'favicon.svg'), readFileSync(join(root, 'src/favicon.svg')));

// The licence of every package whose code is in the bundle, read from its own files.
const pkgs = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (m) pkgs.add(m[1]);
}
let licences = 'The explorer bundle (explorer-*.js) contains code of these npm packages, under these licences.\n';
for (const name of [...pkgs].sort()) {
  const dir = join(root, 'node_modules', name);
  const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => /^licen[sc]e/i.test(f));
  if (!file) throw new Error(`${name} ships no licence file: cannot bundle it`);
  licences += `\n${'='.repeat(72)}\n${name} ${meta.version} (${meta.license})\n${'='.repeat(72)}\n\n`;
  licences += readFileSync(join(dir, file), 'utf8').trim() + '\n';
}
writeFileSync(join(dist, 'LICENSES.txt'), licences);

for (const f of readdirSync(dist).sort()) {
  const size = readFileSync(join(dist, f)).length;
  console.log(`web/dist/${f}\t${size} bytes`);
}
if (!existsSync(join(dist, js)) || !existsSync(join(dist, css))) throw new Error('esbuild wrote no bundle');
