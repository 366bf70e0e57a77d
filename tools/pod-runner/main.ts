// Runs the pod runner until SIGINT or SIGTERM: node tools/pod-runner/main.ts --help
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import { PooledKubeConfig } from '../../src/actors/kubernetes/pooled-kube-config.ts';
import { runnerSettings, usage } from './options.ts';
import { PodRunner } from './pod-runner.ts';

if (process.argv.includes('--help')) {
  console.log(usage);
  process.exit(0);
}
const repoRoot = join(import.meta.dirname, '..', '..');
const settings = runnerSettings(process.argv.slice(2), process.env, repoRoot);
const log = pino({
  level: settings.logLevel,
  base: { component: 'pod-runner' },
  timestamp: pino.stdTimeFunctions.isoTime,
});
// The Kafka jars come from the test environment's build; it skips what is built already.
execFileSync('bash', [join(repoRoot, 'test', 'env', 'build-tools.sh'), 'kafka'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
const kubeConfig = new PooledKubeConfig();
kubeConfig.loadFromFile(settings.kubeconfig);
const runner = new PodRunner({ ...settings, kubeConfig, log });

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  runner
    .stop()
    .then(() => kubeConfig.closePools())
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      log.error({ err: error }, 'stopping the pod runner failed');
      process.exit(1);
    });
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
try {
  await runner.start();
} catch (error) {
  log.error({ err: error }, 'the pod runner could not start; cleaning up');
  await runner.stop().catch((cleanup: unknown) => log.error({ err: cleanup }, 'cleaning up failed'));
  process.exit(1);
}
