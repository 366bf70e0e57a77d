// One container of a pod over its life: runs it, probes it (startup, then readiness and liveness),
// restarts it by the pod's restartPolicy with a doubling back-off, and reports its status.
import { constants } from 'node:os';
import type { V1Container, V1ContainerState, V1ContainerStatus } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type ContainerLaunch, ContainerProcess, type Exit } from './container-process.ts';
import { Prober } from './prober.ts';

export interface ContainerRunnerOptions {
  container: V1Container;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  address: () => string;
  // Built afresh for every run: the environment and mounts as they are now.
  prepare: () => Promise<ContainerLaunch>;
  graceMs: () => number;
  backoff: { initialMs: number; maxMs: number };
  // Liveness probes wait at least this long after a start (see PodRunnerOptions.minLivenessDelaySeconds).
  minLivenessDelaySeconds: number;
  onChange: () => void;
  log: Logger;
}

// A run this long resets the back-off, as the kubelet forgets a crash loop after a while.
const stableRunMs = 60_000;

export class ContainerRunner {
  readonly #options: ContainerRunnerOptions;
  #process: ContainerProcess | undefined;
  #env: Record<string, string> = {};
  #probers: Prober[] = [];
  #state: V1ContainerState = { waiting: { reason: 'ContainerCreating' } };
  #lastState: V1ContainerState = {};
  #restartCount = 0;
  #ready = false;
  #started = false;
  #stopping = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #consecutiveCrashes = 0;
  readonly #finished = Promise.withResolvers<Exit>();

  constructor(options: ContainerRunnerOptions) {
    this.#options = options;
  }

  get name(): string {
    return this.#options.container.name;
  }

  get ready(): boolean {
    return this.#ready;
  }

  get running(): boolean {
    return this.#state.running !== undefined;
  }

  // Resolves with the last exit once the container will not be restarted any more.
  get finished(): Promise<Exit> {
    return this.#finished.promise;
  }

  async start(): Promise<void> {
    if (this.#stopping) return;
    let launch: ContainerLaunch;
    try {
      launch = await this.#options.prepare();
    } catch (error) {
      this.#setState({
        waiting: { reason: 'CreateContainerConfigError', message: (error as Error).message },
      });
      this.#options.log.warn({ err: error }, 'cannot start the container yet');
      this.#scheduleRestart();
      return;
    }
    if (this.#stopping) return;
    this.#env = launch.env;
    const process = new ContainerProcess(launch);
    this.#process = process;
    const startedAt = new Date();
    this.#started = !this.#options.container.startupProbe;
    this.#ready = this.#started && !this.#options.container.readinessProbe;
    this.#setState({ running: { startedAt } });
    this.#options.log.info({ pid: process.pid, logFile: launch.logFile }, 'container started');
    this.#startProbes(process, startedAt);
    void process.exited.then((exit) => this.#exited(process, exit, startedAt));
  }

  // Stops the container for good: no restart after this.
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    this.#stopProbes();
    const exit = this.#process
      ? await this.#process.stop(this.#options.graceMs())
      : { exitCode: 0, signal: undefined };
    this.#finished.resolve(exit);
  }

  status(image: string): V1ContainerStatus {
    return {
      name: this.name,
      image,
      imageID: '',
      containerID: this.#process?.pid ? `pod-runner://${this.#process.pid}` : undefined,
      ready: this.#ready,
      started: this.#started,
      restartCount: this.#restartCount,
      state: this.#state,
      lastState: this.#lastState,
    };
  }

  #startProbes(process: ContainerProcess, startedAt: Date): void {
    const { container } = this.#options;
    const target = () => ({ address: this.#options.address(), container, pid: process.pid, env: this.#env });
    // As the kubelet: initial delays count from the container's start, not from the startup probe's success.
    const delayFromStart = (seconds: number) =>
      Math.max(0, seconds - (Date.now() - startedAt.getTime()) / 1000);
    const startRunning = () => {
      if (container.readinessProbe) {
        const initialDelaySeconds = delayFromStart(container.readinessProbe.initialDelaySeconds ?? 0);
        this.#probers.push(
          new Prober({ ...container.readinessProbe, initialDelaySeconds }, target, (verdict, last) => {
            this.#ready = verdict === 'passing';
            this.#options.log.info({ ready: this.#ready, probe: last }, 'readiness changed');
            this.#options.onChange();
          }),
        );
      }
      if (container.livenessProbe) {
        const initialDelaySeconds = delayFromStart(
          Math.max(container.livenessProbe.initialDelaySeconds ?? 0, this.#options.minLivenessDelaySeconds),
        );
        this.#probers.push(
          new Prober({ ...container.livenessProbe, initialDelaySeconds }, target, (verdict, last) => {
            if (verdict === 'passing') return;
            this.#options.log.warn({ probe: last }, 'liveness probe failed; restarting the container');
            void process.stop(this.#options.graceMs());
          }),
        );
      }
      for (const prober of this.#probers) prober.start();
    };
    if (!container.startupProbe) {
      startRunning();
      return;
    }
    const startup = new Prober(container.startupProbe, target, (verdict, last) => {
      startup.stop();
      if (verdict === 'failing') {
        this.#options.log.warn({ probe: last }, 'startup probe failed; restarting the container');
        void process.stop(this.#options.graceMs());
        return;
      }
      this.#started = true;
      this.#ready = !container.readinessProbe;
      this.#options.onChange();
      startRunning();
    });
    this.#probers.push(startup);
    startup.start();
  }

  #stopProbes(): void {
    for (const prober of this.#probers) prober.stop();
    this.#probers = [];
  }

  #exited(process: ContainerProcess, exit: Exit, startedAt: Date): void {
    if (this.#process !== process) return;
    this.#stopProbes();
    this.#ready = false;
    this.#started = false;
    const terminated: V1ContainerState = {
      terminated: {
        exitCode: exit.exitCode,
        signal: exit.signal ? constants.signals[exit.signal as NodeJS.Signals] : undefined,
        reason: exit.exitCode === 0 ? 'Completed' : 'Error',
        startedAt,
        finishedAt: new Date(),
        containerID: `pod-runner://${process.pid}`,
      },
    };
    this.#options.log.info({ exitCode: exit.exitCode, signal: exit.signal }, 'container exited');
    const policy = this.#options.restartPolicy;
    const restart =
      !this.#stopping && (policy === 'Always' || (policy === 'OnFailure' && exit.exitCode !== 0));
    if (!restart) {
      this.#setState(terminated);
      this.#finished.resolve(exit);
      return;
    }
    this.#lastState = terminated;
    this.#consecutiveCrashes =
      Date.now() - startedAt.getTime() > stableRunMs ? 1 : this.#consecutiveCrashes + 1;
    this.#restartCount++;
    this.#setState({ waiting: { reason: 'CrashLoopBackOff', message: 'back-off restarting the container' } });
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    if (this.#stopping) return;
    const { initialMs, maxMs } = this.#options.backoff;
    const delay = Math.min(maxMs, initialMs * 2 ** Math.max(0, this.#consecutiveCrashes - 1));
    this.#restartTimer = setTimeout(() => void this.start(), delay);
  }

  #setState(state: V1ContainerState): void {
    this.#state = state;
    this.#options.onChange();
  }
}
