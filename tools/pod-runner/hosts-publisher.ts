// Writes the name table where resolvers read it: the runner's own hosts file (for tools that take
// one), each pod's /etc/hosts (bind-mounted, so written in place with one write, never replaced), and
// optionally a managed block in the machine's /etc/hosts so that local clients (the operator, tests)
// resolve too.
import { writeFile } from 'node:fs/promises';
import { entryLines, type HostEntries, hostsFileText, type LocalPod } from './host-names.ts';
import { replaceManagedBlock } from './system-hosts-file.ts';

export interface HostsPublisherOptions {
  runnerHostsFile: string;
  // undefined: the machine's /etc/hosts is left alone.
  systemHostsFile: string | undefined;
  marker: string;
}

export class HostsPublisher {
  readonly #options: HostsPublisherOptions;
  // undefined until the first write, so a block a crashed run left is replaced even when empty.
  #lastSystemLines: string | undefined;

  constructor(options: HostsPublisherOptions) {
    this.#options = options;
  }

  async publish(entries: HostEntries, pods: { local: LocalPod; hostsFile: string }[]): Promise<void> {
    await writeFile(this.#options.runnerHostsFile, hostsFileText(entries));
    for (const { local, hostsFile } of pods) {
      await writeFile(hostsFile, hostsFileText(entries, { pod: local.pod, address: local.address }));
    }
    await this.#publishSystem(entryLines(entries));
  }

  // Removes the runner's block from the machine's hosts file.
  async withdraw(): Promise<void> {
    await this.#publishSystem([]);
  }

  async #publishSystem(lines: string[]): Promise<void> {
    const file = this.#options.systemHostsFile;
    if (!file || lines.join('\n') === this.#lastSystemLines) return;
    await replaceManagedBlock(file, this.#options.marker, lines);
    this.#lastSystemLines = lines.join('\n');
  }
}
