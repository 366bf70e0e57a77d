// Gives a test file the real services it needs: starts the missing ones once (test/env/up.sh is
// idempotent and serialised by a lock) and returns their addresses.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.ts';

export type Component = 'kubernetes' | 'kafka' | 'kafka-cluster' | 'kafka-nodelete' | 'redis';

const repoRoot = join(import.meta.dirname, '..', '..');
export const runDirectory =
  process.env.TESTENV_RUN ?? join(process.env.TMPDIR ?? tmpdir(), 'kafka-actor-operator-testenv');

// A binary the test environment built (test/env/build-tools.sh), where test/env/lib.sh puts it.
export function toolPath(name: 'helm' | 'kubectl'): string {
  const cache = process.env.TESTENV_CACHE ?? join(homedir(), '.cache', 'kafka-actor-operator-testenv');
  const path = join(cache, 'bin', name);
  if (!existsSync(path))
    throw new Error(`${path} is missing; build it with: bash test/env/build-tools.sh ${name}`);
  return path;
}

function readComponentSettings(component: Component): Record<string, string> {
  const text = readFileSync(join(runDirectory, 'env.d', `${component}.env`), 'utf8');
  const settings: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) settings[line.slice(0, at)] = line.slice(at + 1);
  }
  return settings;
}

export function startComponents(...components: Component[]): Record<string, string> {
  execFileSync('bash', [join(repoRoot, 'test/env/up.sh'), ...components], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return Object.assign({}, ...components.map(readComponentSettings));
}

function required(settings: Record<string, string>, key: string): string {
  const value = settings[key];
  if (!value) throw new Error(`test environment did not report ${key} (see ${runDirectory}/logs)`);
  return value;
}

export interface KubernetesEnvironment {
  kubeconfig: string;
  kubectl: string;
}

export function kubernetesEnvironment(): KubernetesEnvironment {
  const settings = startComponents('kubernetes');
  return { kubeconfig: required(settings, 'KUBECONFIG'), kubectl: required(settings, 'KUBECTL') };
}

// The apiserver's audit log: every write and list by a service account of namespace kao-audited (test/env/up.sh).
export function kubernetesAuditLog(): string {
  const settings = startComponents('kubernetes');
  if (!settings.KUBE_AUDIT_LOG) {
    throw new Error(
      'the running kube-apiserver keeps no audit log: restart it with `npm run env:down -- kubernetes`',
    );
  }
  return settings.KUBE_AUDIT_LOG;
}

export interface KafkaEnvironment {
  bootstrap: string;
  bootstrapSasl: string;
  adminUser: string;
  adminPassword: string;
  version: string;
}

export function kafkaEnvironment(): KafkaEnvironment {
  const settings = startComponents('kafka');
  return {
    bootstrap: required(settings, 'KAFKA_BOOTSTRAP'),
    bootstrapSasl: required(settings, 'KAFKA_BOOTSTRAP_SASL'),
    adminUser: required(settings, 'KAFKA_ADMIN_USER'),
    adminPassword: required(settings, 'KAFKA_ADMIN_PASSWORD'),
    version: required(settings, 'KAFKA_VERSION'),
  };
}

// A broker with delete.topic.enable=false: Kafka refuses every topic deletion.
export function kafkaNoDeleteEnvironment(): { bootstrap: string; bootstrapSasl: string } {
  const settings = startComponents('kafka-nodelete');
  return {
    bootstrap: required(settings, 'KAFKA_NODELETE_BOOTSTRAP'),
    bootstrapSasl: required(settings, 'KAFKA_NODELETE_BOOTSTRAP_SASL'),
  };
}

export function redisEnvironment(): { url: string } {
  return { url: required(startComponents('redis'), 'REDIS_URL') };
}

export function kafkaClusterEnvironment(): { bootstrap: string; bootstrapSasl: string } {
  const settings = startComponents('kafka-cluster');
  return {
    bootstrap: required(settings, 'KAFKA_CLUSTER_BOOTSTRAP'),
    bootstrapSasl: required(settings, 'KAFKA_CLUSTER_BOOTSTRAP_SASL'),
  };
}

// Starts redis-server on a loopback port as the environment runs it (no persistence), with any further
// server arguments, and resolves once redis-cli (with its own further arguments, e.g. for TLS) finds it
// answering; the process outlives the caller unless stopped.
export async function startRedisServer(
  port: number,
  logPath: string,
  further: { server?: string[]; cli?: string[] } = {},
): Promise<ChildProcess> {
  const logFile = openSync(logPath, 'a');
  const settings = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const redis = spawn(
    'redis-server',
    [...settings, '--maxmemory-policy', 'noeviction', ...(further.server ?? [])],
    {
      detached: true,
      stdio: ['ignore', logFile, logFile],
    },
  );
  redis.unref();
  // Probes that throw count as "not yet". A Redis with a password answers NOAUTH, which says it is up.
  await waitFor(
    `redis-server on port ${port} to answer (log: ${logPath})`,
    async () =>
      /PONG|NOAUTH/.test(
        execFileSync('redis-cli', ['-p', String(port), ...(further.cli ?? []), 'ping'], { encoding: 'utf8' }),
      ) || undefined,
    10_000,
    100,
  );
  return redis;
}

// Stops the environment's Redis (losing everything: it runs without persistence), runs `during`,
// then starts Redis again on the same port.
export async function withRedisDown(during: () => Promise<void>): Promise<void> {
  const settings = startComponents('redis');
  const port = required(settings, 'REDIS_PORT');
  execFileSync('redis-cli', ['-p', port, 'shutdown', 'nosave']);
  try {
    await during();
  } finally {
    const redis = await startRedisServer(Number(port), join(runDirectory, 'logs', 'redis.log'));
    writeFileSync(join(runDirectory, 'pids', 'redis.pid'), `${redis.pid}\n`);
  }
}
