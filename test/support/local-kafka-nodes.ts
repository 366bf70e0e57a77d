// Runs the nodes of a cluster model as local Kafka processes from the configuration and start-up script the
// operator generates, mapped to this machine: each node on its own loopback address (127.0.3.<n>, so every node
// keeps the ports the configuration names), /opt/kafka and /var/lib/kafka in a directory of its own, the
// cluster's DNS names resolved by a hosts file (the JVM's jdk.net.hosts.file, a `lookup` for Node clients),
// and bin/kafka-storage.sh and bin/kafka-server-start.sh running the test environment's Kafka jars.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { chmodSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  dataRoot,
  kafkaHome,
  nodeAddressEnvVar,
} from '../../src/actors/cluster/broker-config/broker-paths.ts';
import { nodeHostName } from '../../src/actors/cluster/cluster-names.ts';
import type { ClusterModel, NodeModel } from '../../src/machines/cluster-model.ts';
import { waitFor } from './wait.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

/** The Kafka version of the test environment (test/env/versions.env). */
export function testEnvironmentKafkaVersion(): string {
  const pin = /^KAFKA_VERSION=(.+)$/m.exec(readFileSync(join(repoRoot, 'test/env/versions.env'), 'utf8'));
  if (!pin?.[1]) throw new Error('test/env/versions.env pins no KAFKA_VERSION');
  return pin[1].trim();
}

/** The directory of the test environment's Kafka jars, fetched first when missing. */
export function kafkaLibrary(): string {
  execFileSync('bash', [join(repoRoot, 'test/env/build-tools.sh'), 'kafka'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const cache = process.env.TESTENV_CACHE ?? join(homedir(), '.cache', 'kafka-actor-operator-testenv');
  return join(cache, `kafka-${testEnvironmentKafkaVersion()}`, 'lib');
}

/** The loopback address a node runs on. */
export function nodeAddress(node: NodeModel): string {
  return `127.0.3.${node.id + 1}`;
}

/** The files of a node as the pod would have them mounted, relative to /opt/kafka. */
export type NodeFiles = Record<string, string>;

export interface LocalNode {
  node: NodeModel;
  address: string;
  directory: string;
  logFile: string;
  process: ChildProcess;
}

type StartArguments = Parameters<LocalKafkaNodes['start']>;

export class LocalKafkaNodes {
  readonly #model: ClusterModel;
  readonly #root: string;
  readonly #hosts: Map<string, string>;
  readonly #hostsFile: string;
  // The running nodes (a node held down by stopNode is not among them).
  readonly nodes: LocalNode[] = [];
  // How each node was started, by pod name, so that a node held down can start again as it was.
  readonly #started = new Map<string, StartArguments>();

  constructor(model: ClusterModel, root: string) {
    this.#model = model;
    this.#root = root;
    this.#hosts = new Map(
      model.nodes.map((node) => [nodeHostName(model.name, model.namespace, node.podName), nodeAddress(node)]),
    );
    this.#hostsFile = join(root, 'hosts');
    mkdirSync(root, { recursive: true });
    writeFileSync(
      this.#hostsFile,
      ['127.0.0.1 localhost', ...[...this.#hosts].map(([host, address]) => `${address} ${host}`)].join('\n') +
        '\n',
    );
  }

  /** Resolves the cluster's DNS names like the hosts file does, for Node sockets (`lookup` option). */
  readonly lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    const address = this.#hosts.get(hostname) ?? (hostname === 'localhost' ? '127.0.0.1' : undefined);
    if (!address) {
      callback(
        Object.assign(new Error(`${hostname} is not a node of the cluster`), { code: 'ENOTFOUND' }),
        '',
      );
    } else if (options.all) {
      callback(null, [{ address, family: 4 }]);
    } else {
      callback(null, address, 4);
    }
  };

  /**
   * Writes a node's generated files (paths mapped) and runs its start-up script. `files` are the mounted
   * Secrets and ConfigMap keys by path below /opt/kafka, e.g. custom-config/server.config.
   */
  start(
    node: NodeModel,
    files: NodeFiles,
    startupScript: string,
    environment: Record<string, string>,
    paths: { library: string; logDirectory: string },
  ): LocalNode {
    const { library, logDirectory } = paths;
    const directory = join(this.#root, node.podName);
    const address = nodeAddress(node);
    const home = join(directory, 'opt-kafka');
    const map = (text: string) =>
      text
        .replaceAll(kafkaHome, home)
        .replaceAll(dataRoot, join(directory, 'var-lib-kafka'))
        .replaceAll('://0.0.0.0:', `://${address}:`);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(home, path, '..'), { recursive: true });
      writeFileSync(join(home, path), map(content));
    }
    this.#writeKafkaScripts(home, library, logDirectory, node);
    const script = join(directory, 'kafka-start.sh');
    writeFileSync(script, map(startupScript));
    const logFile = join(logDirectory, `${this.#model.name}-${node.podName}.log`);
    const output = openSync(logFile, 'a');
    // Its own process group, so that stopping it stops the JVMs the scripts exec.
    const child = spawn('sh', [script], {
      detached: true,
      stdio: ['ignore', output, output],
      env: { PATH: process.env.PATH, ...environment, [nodeAddressEnvVar]: address },
    });
    const local = { node, address, directory, logFile, process: child };
    this.nodes.push(local);
    this.#started.set(node.podName, [node, files, startupScript, environment, paths]);
    return local;
  }

  /** Stops one node (TERM: a controlled shutdown) and holds it down until startAgain. */
  async stopNode(podName: string, graceMs = 15_000): Promise<void> {
    const index = this.nodes.findIndex((local) => local.node.podName === podName);
    const local = this.nodes[index];
    if (!local) throw new Error(`${podName} is not running`);
    this.nodes.splice(index, 1);
    await stopProcessGroup(local.process, graceMs);
  }

  /** Starts a node held down by stopNode again, with its files and data as they were. */
  startAgain(podName: string): LocalNode {
    const started = this.#started.get(podName);
    if (!started) throw new Error(`${podName} was never started`);
    if (this.nodes.some((local) => local.node.podName === podName)) throw new Error(`${podName} is running`);
    return this.start(...started);
  }

  // The image's bin scripts, reduced to what the start-up script calls, with the cluster's names resolvable.
  #writeKafkaScripts(home: string, library: string, logDirectory: string, node: NodeModel): void {
    const java = [
      'java',
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      `-Djdk.net.hosts.file=${this.#hostsFile}`,
      `-Dlog4j2.configurationFile=${join(repoRoot, 'test/env/kafka/log4j2.properties')}`,
      `-Dkafka.logs.dir=${join(logDirectory, `${this.#model.name}-${node.podName}-logs`)}`,
      '-cp',
      `'${library}/*'`,
    ].join(' ');
    mkdirSync(join(home, 'bin'), { recursive: true });
    const scripts = {
      'kafka-storage.sh': `exec ${java} kafka.tools.StorageTool "$@"`,
      // What the image's kafka-run-class.sh reads from the container's environment.
      'kafka-server-start.sh': `exec ${java} \${KAFKA_HEAP_OPTS:-} \${KAFKA_JVM_PERFORMANCE_OPTS:-} \${KAFKA_OPTS:-} kafka.Kafka "$@"`,
    };
    for (const [name, body] of Object.entries(scripts)) {
      writeFileSync(join(home, 'bin', name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(home, 'bin', name), 0o755);
    }
  }

  /** Like waitFor, but fails at once when a node's process exits (its log says why) instead of at the timeout. */
  async waitWhileRunning<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    timeoutMs: number,
  ): Promise<T> {
    const outcome = await waitFor<{ exited: LocalNode } | { value: T }>(
      what,
      async () => {
        const exited = this.nodes.find(
          (local) => local.process.exitCode !== null || local.process.signalCode !== null,
        );
        if (exited) return { exited };
        const value = await probe();
        return value === undefined ? undefined : { value };
      },
      timeoutMs,
      1_000,
    );
    if ('value' in outcome) return outcome.value;
    const { node, process: child, logFile } = outcome.exited;
    throw new Error(
      `${node.podName} exited (code ${child.exitCode}) while waiting for ${what}; see ${logFile}`,
    );
  }

  /** Stops every node (TERM, then KILL after a grace period) and waits for them to exit. */
  async stop(graceMs = 15_000): Promise<void> {
    // Broker-only nodes first: their controlled shutdown needs a controller.
    const controller = (local: LocalNode) => local.node.roles.includes('controller');
    const stopAll = (nodes: LocalNode[]) =>
      Promise.all(nodes.map((local) => stopProcessGroup(local.process, graceMs)));
    await stopAll(this.nodes.filter((local) => !controller(local)));
    await stopAll(this.nodes.filter(controller));
  }
}

async function stopProcessGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}
