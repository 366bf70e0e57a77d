// The npm packages the operator's bundle (scripts/bundle.ts) leaves to Node to load from
// node_modules: their native addons cannot be bundled, and each loads them itself by name.
//
// `node scripts/runtime-packages.ts NODE_MODULES` removes from a production install (npm ci
// --omit=dev) every package these do not need, and rewrites its hidden lockfile
// (node_modules/.package-lock.json) to what stays, which the image's SBOM lists.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RUNTIME_PACKAGES = [
  // @platformatic/kafka's native CRC32C; it falls back to JavaScript without it.
  '@node-rs/crc32',
  // msgpackr's native decoder (BullMQ's job data); msgpackr falls back to JavaScript without it.
  'msgpackr-extract',
] as const;

interface LockPackage {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Where Node resolves `name` from a package at `from` (a hidden lockfile key): the nearest node_modules up. */
function resolvePackage(
  packages: Record<string, LockPackage>,
  from: string,
  name: string,
): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    if (base === '') return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent === -1 ? '' : base.slice(0, parent);
  }
}

/** The hidden lockfile's keys of RUNTIME_PACKAGES and everything they depend on that is installed. */
export function runtimeClosure(packages: Record<string, LockPackage>): Set<string> {
  const kept = new Set<string>();
  const pending: Array<[string, string]> = RUNTIME_PACKAGES.map((name) => ['', name]);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [from, name] = next;
    const path = resolvePackage(packages, from, name);
    if (path === undefined) {
      // An optional dependency for another platform is not installed; a runtime package must be.
      if (from === '') throw new Error(`${name} is not installed`);
      continue;
    }
    if (kept.has(path)) continue;
    kept.add(path);
    const entry = packages[path] ?? {};
    for (const dependency of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      pending.push([path, dependency]);
    }
  }
  return kept;
}

function main(nodeModules: string): void {
  const lockPath = join(nodeModules, '.package-lock.json');
  const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as { packages: Record<string, LockPackage> };
  const kept = runtimeClosure(lock.packages);
  const installRoot = join(nodeModules, '..');
  // Deepest first, so a nested package goes before the one holding it.
  for (const path of Object.keys(lock.packages).sort((a, b) => b.length - a.length)) {
    if (path === '' || kept.has(path)) continue;
    if ([...kept].some((keptPath) => keptPath.startsWith(`${path}/`))) {
      throw new Error(`${path} is not needed but holds a package that is`);
    }
    rmSync(join(installRoot, path), { recursive: true, force: true });
    delete lock.packages[path];
  }
  // npm's bin links point into removed packages.
  rmSync(join(nodeModules, '.bin'), { recursive: true, force: true });
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
}

if (import.meta.main) {
  const [nodeModules] = process.argv.slice(2);
  if (nodeModules === undefined) throw new Error('usage: node scripts/runtime-packages.ts NODE_MODULES');
  main(nodeModules);
}
