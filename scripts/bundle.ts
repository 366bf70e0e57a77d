// npm run build: the operator and the code of its dependencies in one file, dist/main.js (esbuild),
// which is what the image runs: a node_modules tree ships every platform's prebuilds, both module
// formats, documentation and tests, several times the code that runs.
//
// Beside it in dist/: main.packages.json, the npm packages whose code the bundle holds (name,
// version, license), which the image's SBOM lists; licenses/, those packages' license files; and the
// files dependencies read next to their code at run time. Packages with native addons stay out of the
// bundle (RUNTIME_PACKAGES): Node loads them from node_modules, which the image keeps for them alone.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { RUNTIME_PACKAGES } from './runtime-packages.ts';

const repoRoot = join(import.meta.dirname, '..');
const outDirectory = join(repoRoot, 'dist');
const bundleFile = join(outDirectory, 'main.js');

// Files a dependency reads at run time by `new URL(path, import.meta.url)`: in the bundle that URL
// is resolved against dist/main.js, so each is copied where it then points.
const RUNTIME_FILES: Array<{ from: string; url: string }> = [
  // @platformatic/kafka's buffers: WebAssembly read when the module loads.
  { from: 'node_modules/@platformatic/wasm-utils/dist/native.wasm', url: '../dist/native.wasm' },
];

// CommonJS dependencies name require, __filename and __dirname, which an ES module lacks.
const banner = [
  "import { createRequire as __bundleCreateRequire } from 'node:module';",
  "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
  'const require = __bundleCreateRequire(import.meta.url);',
  'const __filename = __bundleFileURLToPath(import.meta.url);',
  "const __dirname = __bundleFileURLToPath(new URL('.', import.meta.url));",
].join(' ');

interface PackageEntry {
  version: string;
  license?: string;
}

/** The directory of the package an input file of the bundle belongs to, or undefined for the operator's own. */
function packageDirectory(input: string): string | undefined {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

function licenseText(license: unknown): string | undefined {
  if (typeof license === 'string') return license;
  if (typeof license === 'object' && license !== null && 'type' in license) return String(license.type);
  return undefined;
}

// Every `new URL('…', import.meta.url)` of the bundle names a file the image holds: the operator's
// own (its sources name the same path) or one of RUNTIME_FILES. A dependency that starts reading
// another file fails the build here rather than the operator at start.
function checkRuntimeFiles(bundle: string): void {
  const ownSources = readdirSync(join(repoRoot, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(repoRoot, 'src', file), 'utf8'))
    .join('\n');
  const copied = new Set(RUNTIME_FILES.map((file) => file.url));
  for (const [, url] of bundle.matchAll(/new URL\(\s*["'`]([^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
    if (url === undefined || copied.has(url) || ownSources.includes(`'${url}'`)) continue;
    throw new Error(`the bundle reads ${url} beside dist/main.js at run time: add it to RUNTIME_FILES`);
  }
}

async function main(): Promise<void> {
  // The brokers' agent, which kafka-agent/build.sh writes into dist/, stays.
  for (const entry of existsSync(outDirectory) ? readdirSync(outDirectory) : []) {
    if (entry !== 'kafka-agent') rmSync(join(outDirectory, entry), { recursive: true, force: true });
  }
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: ['src/main.ts'],
    outfile: bundleFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // ES module builds first: several packages' CommonJS builds read files beside themselves.
    mainFields: ['module', 'main'],
    external: [...RUNTIME_PACKAGES],
    // Names kept: error and class names reach logs (pino's error serializer reads constructor.name).
    minify: true,
    keepNames: true,
    legalComments: 'none',
    banner: { js: banner },
    metafile: true,
    logLevel: 'warning',
  });

  const packages: Record<string, PackageEntry> = {};
  const licensesDirectory = join(outDirectory, 'licenses');
  for (const input of Object.keys(result.metafile.inputs)) {
    const directory = packageDirectory(input);
    if (directory === undefined || packages[directory] !== undefined) continue;
    const manifest = JSON.parse(readFileSync(join(repoRoot, directory, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      license?: unknown;
    };
    const license = licenseText(manifest.license);
    packages[directory] = { version: manifest.version, ...(license === undefined ? {} : { license }) };
    const licenseFiles = readdirSync(join(repoRoot, directory)).filter((file) =>
      /^(licen[cs]e|copying|notice)/i.test(file),
    );
    for (const file of licenseFiles) {
      const target = join(licensesDirectory, manifest.name, file);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(join(repoRoot, directory, file), target);
    }
  }
  const sorted = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  // The shape of npm's hidden lockfile, so the SBOM reads both alike.
  writeFileSync(
    join(outDirectory, 'main.packages.json'),
    `${JSON.stringify({ packages: sorted }, null, 2)}\n`,
  );

  for (const file of RUNTIME_FILES) {
    const target = join(dirname(bundleFile), file.url);
    if (relative(outDirectory, target).startsWith('..')) throw new Error(`${file.url} is outside dist/`);
    if (!existsSync(join(repoRoot, file.from))) throw new Error(`${file.from} is not installed`);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(repoRoot, file.from), target);
  }
  checkRuntimeFiles(readFileSync(bundleFile, 'utf8'));
}

await main();
