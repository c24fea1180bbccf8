// TypeScript declarations of a JavaScript service's world, for the developer's editor: jco's own
// type generator, given the world and the contract as one WIT source (its path reader fails).
// Run by `carmen plugin build`: node js-types.mjs <jco-transpile's bindgen module> <wit dir> <out dir>
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [bindgen, witDir, outDir] = process.argv.slice(-3);
const { $init, generateTypes } = await import(pathToFileURL(bindgen).href);
const world = readFileSync(join(witDir, 'world.wit'), 'utf8');
const contract = readFileSync(join(witDir, 'deps/carmen-city/city.wit'), 'utf8');
const name = contract.match(/^package\s+([^;]+);/m)[1];
const source = `${world}\npackage ${name} {\n${contract.replace(/^package\s+[^;]+;/m, '')}\n}\n`;
await $init;
const files = generateTypes('service', {
  wit: { tag: 'source', val: source },
  world: 'service',
  tlaCompat: false,
  features: { tag: 'list', val: [] },
  guest: true,
  flagsAsBigint: false,
  variantsInlineCases: false,
  useNamespaceObjects: false,
  enumValuesScreamingSnakeCase: false,
});
for (const [file, bytes] of files) {
  const path = join(outDir, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}
