// The image SBOM's pure parts: dpkg's status read as packages, npm's hidden lockfile read as
// packages, each with the package URL scanners match on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { debianComponents, npmComponents, parseControlParagraphs } from '../../../scripts/image-sbom.ts';

const status = `Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc (2.36-9+deb12u14)
Version: 2.36-9+deb12u14
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: ca-certificates
Status: install ok installed
Architecture: all
Version: 20250419~deb12u2

Package: openssl
Status: deinstall ok config-files
Architecture: amd64
Version: 3.0.22-1~deb12u2
`;

test('dpkg status paragraphs become their fields; continuation lines are not fields', () => {
  const paragraphs = parseControlParagraphs(status);
  assert.equal(paragraphs.length, 3);
  assert.equal(paragraphs[0]?.get('Description'), 'GNU C Library: Shared libraries');
  assert.equal(paragraphs[0]?.has(' Contains the standard libraries'), false);
});

test('installed Debian packages only, with a deb package URL for the Debian release and their source package', () => {
  const components = debianComponents(status, '12');
  assert.deepEqual(
    components.map((c) => c.purl),
    [
      'pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12',
      'pkg:deb/debian/ca-certificates@20250419~deb12u2?arch=all&distro=debian-12',
    ],
  );
  assert.deepEqual(components[0]?.properties, [{ name: 'debian:source', value: 'glibc' }]);
  assert.equal(components[1]?.properties, undefined);
});

test('a status paragraph without a version is an error, not a package left out', () => {
  assert.throws(
    () => debianComponents('Package: broken\nStatus: install ok installed\nArchitecture: all\n', '12'),
    /without Package, Version or Architecture/,
  );
});

test('npm packages: scoped names split into group and name, nested copies counted once per version, licences as ids or expressions', () => {
  const components = npmComponents({
    packages: {
      'node_modules/@kubernetes/client-node': { version: '2.0.1', license: 'Apache-2.0' },
      'node_modules/ws': { version: '8.18.0', license: 'MIT' },
      'node_modules/a/node_modules/ws': { version: '8.18.0', license: 'MIT' },
      'node_modules/a/node_modules/ws-old': { version: '7.5.10' },
      'node_modules/dual': { version: '1.0.0', license: 'MIT OR Apache-2.0' },
      'node_modules/local': { link: true },
    },
  });
  assert.deepEqual(
    components.map((c) => [c.purl, c.group, c.name, c.licenses]),
    [
      [
        'pkg:npm/%40kubernetes/client-node@2.0.1',
        '@kubernetes',
        'client-node',
        [{ license: { id: 'Apache-2.0' } }],
      ],
      ['pkg:npm/dual@1.0.0', undefined, 'dual', [{ expression: 'MIT OR Apache-2.0' }]],
      ['pkg:npm/ws-old@7.5.10', undefined, 'ws-old', undefined],
      ['pkg:npm/ws@8.18.0', undefined, 'ws', [{ license: { id: 'MIT' } }]],
    ],
  );
});

test('a dev dependency in the installed tree is an error: the image holds production dependencies only', () => {
  assert.throws(
    () => npmComponents({ packages: { 'node_modules/typescript': { version: '5.9.3', dev: true } } }),
    /node_modules\/typescript: a dev dependency is installed/,
  );
});

test('npm packages of several records (installed and bundled) are listed once each', () => {
  const components = npmComponents(
    { packages: { 'node_modules/msgpackr-extract': { version: '3.0.7', license: 'MIT' } } },
    {
      packages: {
        'node_modules/bullmq': { version: '5.81.5', license: 'MIT' },
        'node_modules/msgpackr-extract': { version: '3.0.7', license: 'MIT' },
      },
    },
  );
  assert.deepEqual(
    components.map((c) => c.purl),
    ['pkg:npm/bullmq@5.81.5', 'pkg:npm/msgpackr-extract@3.0.7'],
  );
});
