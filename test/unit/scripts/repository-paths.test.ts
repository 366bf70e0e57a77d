// A clone alone passes its tests: no test, script, source or doc names a path outside the repository or
// an absolute path of one machine. The set-up's cache is reached through the home directory at run time
// (TESTENV_CACHE), and .ci/run alone names the optional conformance directory beside the project.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { test } from 'node:test';

const repositoryRoot = join(import.meta.dirname, '..', '..', '..');
const scanned = ['src', 'test', 'scripts', 'bench', 'tools', 'charts', 'docs', 'README.md', 'package.json'];

function trackedTextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--', ...scanned], {
    cwd: repositoryRoot,
    encoding: 'utf8',
  });
  return listed
    .split('\0')
    .filter((path) => path !== '' && /\.(ts|js|sh|md|json|yaml|yml|tpl|txt|env|css|html)$/.test(path));
}

// Directories that belong to one machine, never to a clone.
const machineDirectories = [
  ...new Set([
    `${dirname(repositoryRoot)}${sep}`,
    `${homedir()}${sep}`,
    // Spelled from their names, so that this file names none of them.
    ...['work', 'home', 'root', 'Users'].map((name) => `/${name}/`),
  ]),
];
// A chain of parent steps: ../../ or '..', '..' (as arguments of path.join).
const parentSteps = /(?:\.\.\/)+|(?:['"]\.\.['"],\s*)+['"]\.\.['"]|['"]\.\.['"]/g;

/** What in one file's text reaches outside the repository, as "path:line: why". */
export function pathsOutside(path: string, text: string): string[] {
  const depth = path.split('/').length - 1;
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    const where = `${path}:${index + 1}`;
    for (const directory of machineDirectories) {
      if (line.includes(directory)) found.push(`${where}: names ${directory}, a directory of one machine`);
    }
    for (const match of line.matchAll(parentSteps)) {
      const steps = match[0].split('..').length - 1;
      const after = line.slice((match.index ?? 0) + match[0].length);
      if (steps > depth) found.push(`${where}: ${match[0]} climbs ${steps} levels from a file ${depth} deep`);
      else if (/^['"]?,?\s*['"]?shared\b/.test(after))
        found.push(`${where}: names ../shared beside the project`);
    }
  });
  return found;
}

test('no tracked file names a path outside the repository or a directory of one machine', () => {
  // This file spells what it looks for.
  const files = trackedTextFiles().filter((path) => path !== 'test/unit/scripts/repository-paths.test.ts');
  assert.ok(files.length > 100, `only ${files.length} files listed: is this a git checkout?`);
  const found = files.flatMap((path) => pathsOutside(path, readFileSync(join(repositoryRoot, path), 'utf8')));
  assert.deepEqual(found, []);
});

test('the check finds a climb out of the repository, ../shared and a machine path, and passes a climb inside it', () => {
  // Paths built from parts: the cases must not be what a scan of this file finds.
  const up = '..';
  const climbOut = [up, up, up, 'shared'].join('/');
  assert.equal(pathsOutside('test/unit/a.test.ts', `join(here, '${climbOut}')`).length, 1);
  assert.equal(pathsOutside('test/unit/a.test.ts', `join(here, '..', '..', '..', 'fixtures')`).length, 1);
  assert.equal(pathsOutside('scripts/a.sh', `cat ${[up, 'shared', 'DESIGN.md'].join('/')}`).length, 1);
  assert.equal(
    pathsOutside('test/a.ts', `const fixtures = '${['', 'work', 'shared'].join('/')}';`).length,
    1,
  );
  assert.deepEqual(pathsOutside('test/unit/a.test.ts', `join(here, '..', '..', 'src')`), []);
  assert.deepEqual(pathsOutside('docs/a.md', '[readme](../README.md)'), []);
});
