// The shell script that turns a fresh mount namespace into the container's view of the file system:
// every source is first bind-mounted under a private staging tmpfs, so a mount over a parent of a
// later source (an emptyDir at /tmp, say) cannot hide it; then each is mounted at its target,
// parents before children; then the host name and working directory are set and the command runs.
export interface ContainerMount {
  source: string;
  target: string;
  readOnly: boolean;
  // A file is mounted over a file (subPath items, /etc/hosts), a directory over a directory.
  file: boolean;
}

export interface MountScriptInputs {
  mounts: ContainerMount[];
  stagingDirectory: string;
  hostname: string;
  workingDirectory: string;
}

export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function depth(path: string): number {
  return path.split('/').filter(Boolean).length;
}

export function mountScript(inputs: MountScriptInputs): string {
  const stage = shellQuote(inputs.stagingDirectory);
  const lines = ['#!/bin/sh', 'set -eu', `mount -t tmpfs pod-runner-stage ${stage}`];
  const ordered = inputs.mounts
    .map((mount, index) => ({ ...mount, staged: `${inputs.stagingDirectory}/${index}` }))
    .sort((a, b) => depth(a.target) - depth(b.target));
  for (const mount of ordered) {
    const staged = shellQuote(mount.staged);
    lines.push(mount.file ? `touch ${staged}` : `mkdir ${staged}`);
    lines.push(`mount --bind ${shellQuote(mount.source)} ${staged}`);
  }
  for (const mount of ordered) {
    const target = shellQuote(mount.target);
    if (mount.file) {
      lines.push(`mkdir -p "$(dirname ${target})"`, `[ -e ${target} ] || touch ${target}`);
    } else {
      lines.push(`mkdir -p ${target}`);
    }
    lines.push(`mount --bind ${shellQuote(mount.staged)} ${target}`);
    if (mount.readOnly) lines.push(`mount -o remount,bind,ro ${target}`);
  }
  lines.push(
    `umount -l ${stage}`,
    `hostname ${shellQuote(inputs.hostname)}`,
    `cd ${shellQuote(inputs.workingDirectory)}`,
    'exec "$@"',
  );
  return `${lines.join('\n')}\n`;
}
