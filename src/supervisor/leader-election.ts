// Leader election on a coordination.k8s.io/v1 Lease with client-go's semantics: one replica holds the
// Lease and renews it every retry period; the others poll and take it over once it is released or
// has not changed for a whole lease duration, as they themselves observed it.
import {
  ApiException,
  type ConfigurationOptions,
  CoordinationV1Api,
  type KubeConfig,
  Observable,
  type RequestContext,
  type ResponseContext,
  type V1Lease,
  V1MicroTime,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import {
  decideLeaseAction,
  heldLeaseRecord,
  type LeaseRecord,
  releasedLeaseRecord,
  sameLeaseRecord,
} from './lease-decision.ts';

export interface LeaderElectionOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  leaseName: string;
  // The pod name: what holderIdentity says while this replica leads.
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  logger: Logger;
  // Write an empty holder on stop() so a follower takes over at once instead of after the lease expires.
  releaseOnStop?: boolean;
  // The signal aborts when leadership is lost or stop() is called: stop leader-only work then.
  onStartedLeading?: (signal: AbortSignal) => void | Promise<void>;
  // stop() waits for the returned promise before it releases the Lease, so work can drain before a
  // follower starts; on a loss of leadership nothing waits (the Lease may already be someone else's).
  onStoppedLeading?: () => void | Promise<void>;
  onNewLeader?: (identity: string) => void | Promise<void>;
}

export type LeaderElectionSettings = Required<
  Omit<LeaderElectionOptions, 'onStartedLeading' | 'onStoppedLeading' | 'onNewLeader'>
> &
  Pick<LeaderElectionOptions, 'onStartedLeading' | 'onStoppedLeading' | 'onNewLeader'>;

// client-go's defaults (LeaseDuration 15 s, RenewDeadline 10 s, RetryPeriod 2 s).
export const defaultLeaseDurationMs = 15_000;
export const defaultRenewDeadlineMs = 10_000;
export const defaultRetryPeriodMs = 2_000;
// Candidates spread their polls over the last fifth of the retry period, so they do not hit the
// apiserver in step; unlike client-go (which waits up to 2.2 periods) they never wait longer than
// one period, and they wake when the Lease they watch expires: a dead leader is replaced within
// leaseDuration + retryPeriod.
const pollJitter = 0.2;
// Past the expiry by this much, so the local clock has surely seen it pass.
const expiryMarginMs = 5;

export function resolveLeaderElectionOptions(options: LeaderElectionOptions): LeaderElectionSettings {
  const settings: LeaderElectionSettings = {
    ...options,
    leaseDurationMs: options.leaseDurationMs ?? defaultLeaseDurationMs,
    renewDeadlineMs: options.renewDeadlineMs ?? defaultRenewDeadlineMs,
    retryPeriodMs: options.retryPeriodMs ?? defaultRetryPeriodMs,
    releaseOnStop: options.releaseOnStop ?? true,
  };
  const invalid = (message: string) =>
    new Error(`leader election on Lease ${settings.namespace}/${settings.leaseName}: ${message}`);
  for (const name of ['namespace', 'leaseName', 'identity'] as const) {
    if (typeof settings[name] !== 'string' || settings[name] === '') {
      throw invalid(`${name} must be a non-empty string`);
    }
  }
  for (const name of ['leaseDurationMs', 'renewDeadlineMs', 'retryPeriodMs'] as const) {
    if (!Number.isFinite(settings[name]) || settings[name] <= 0) {
      throw invalid(`${name} must be a positive number of milliseconds, got ${settings[name]}`);
    }
  }
  if (settings.leaseDurationMs < 1000) {
    throw invalid(
      `leaseDurationMs (${settings.leaseDurationMs}) must be at least 1000: a Lease counts whole seconds`,
    );
  }
  if (settings.renewDeadlineMs >= settings.leaseDurationMs) {
    throw invalid(
      `renewDeadlineMs (${settings.renewDeadlineMs}) must be less than leaseDurationMs ` +
        `(${settings.leaseDurationMs}), so a leader that cannot renew steps down before others take over`,
    );
  }
  if (settings.retryPeriodMs >= settings.renewDeadlineMs) {
    throw invalid(
      `retryPeriodMs (${settings.retryPeriodMs}) must be less than renewDeadlineMs ` +
        `(${settings.renewDeadlineMs}), so a leader gets more than one try to renew`,
    );
  }
  return settings;
}

interface LeaseObservation {
  lease: V1Lease;
  record: LeaseRecord;
  // Local monotonic time at which this record content was first seen.
  observedAt: number;
}

interface LeadershipTerm {
  abort: AbortController;
  renewDeadline: NodeJS.Timeout;
}

export class LeaderElector {
  readonly #settings: LeaderElectionSettings;
  readonly #leases: CoordinationV1Api;
  readonly #logger: Logger;
  readonly #leaseDurationSeconds: number;
  #observation: LeaseObservation | undefined;
  #term: LeadershipTerm | undefined;
  #leavingTerm: Promise<void> = Promise.resolve();
  #reportedLeader: string | undefined;
  // Present while started; aborting it cancels requests in flight.
  #running: AbortController | undefined;
  #nextAttempt: NodeJS.Timeout | undefined;
  // How long the Lease another replica holds has left, as the last attempt saw it.
  #expiresInMs: number | undefined;
  #attempt: Promise<void> | undefined;

  constructor(options: LeaderElectionOptions) {
    this.#settings = resolveLeaderElectionOptions(options);
    this.#leases = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.#logger = options.logger.child({
      lease: `${this.#settings.namespace}/${this.#settings.leaseName}`,
      identity: this.#settings.identity,
    });
    // Rounded up: followers wait at least as long as this replica believes it may lead.
    this.#leaseDurationSeconds = Math.ceil(this.#settings.leaseDurationMs / 1000);
  }

  isLeader(): boolean {
    return this.#term !== undefined;
  }

  // A Lease still naming this replica after it stopped leading names no leader until it is renewed.
  currentLeader(): string | undefined {
    if (this.#term) return this.#settings.identity;
    const holder = this.#observation?.record.holderIdentity;
    return holder && holder !== this.#settings.identity ? holder : undefined;
  }

  // For /readyz: this replica has reached the apiserver and seen who leads (itself or another).
  leaderKnown(): boolean {
    return this.currentLeader() !== undefined;
  }

  start(): void {
    if (this.#running) return;
    this.#running = new AbortController();
    this.#logger.info('leader election started');
    this.#scheduleAttempt(0);
  }

  async stop(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    this.#running = undefined;
    clearTimeout(this.#nextAttempt);
    running.abort(new Error('leader election stopped'));
    await this.#attempt;
    this.#stopLeading('leader election stopped', 'info');
    await this.#leavingTerm;
    if (
      this.#settings.releaseOnStop &&
      this.#observation?.record.holderIdentity === this.#settings.identity
    ) {
      await this.#release();
    }
    this.#logger.info('leader election stopped');
  }

  #scheduleAttempt(delayMs: number): void {
    this.#nextAttempt = setTimeout(() => {
      this.#attempt = this.#runAttempt();
    }, delayMs);
  }

  async #runAttempt(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    const leading = this.isLeader();
    const { retryPeriodMs, renewDeadlineMs } = this.#settings;
    let delayMs = retryPeriodMs * (leading ? 1 : 1 - Math.random() * pollJitter);
    this.#expiresInMs = undefined;
    try {
      await this.#tryAcquireOrRenew(running.signal);
    } catch (error) {
      if (running.signal.aborted) {
        this.#logger.debug({ err: error }, 'Lease request cancelled by stop()');
      } else if (leading) {
        this.#logger.warn(
          { err: error },
          `could not renew the Lease; retrying in ${retryPeriodMs} ms, leadership is lost if renewals ` +
            `keep failing for ${renewDeadlineMs} ms`,
        );
      } else {
        this.#logger.warn(
          { err: error },
          `could not read or acquire the Lease; retrying in ${Math.round(delayMs)} ms ` +
            '(check that the apiserver is reachable and RBAC allows get, create and update on leases)',
        );
      }
    } finally {
      this.#attempt = undefined;
    }
    if (this.#expiresInMs !== undefined) delayMs = Math.min(delayMs, this.#expiresInMs + expiryMarginMs);
    if (!running.signal.aborted) this.#scheduleAttempt(this.isLeader() ? retryPeriodMs : delayMs);
  }

  async #tryAcquireOrRenew(signal: AbortSignal): Promise<void> {
    const startedAt = performance.now();
    // A leader renews with the Lease it last wrote; only when someone else wrote since does it read.
    if (this.#term && this.#observation) {
      const { record } = this.#observation;
      const renewed = await this.#replace(this.#observation, this.#heldRecord('renew', record), signal);
      if (renewed) return this.#recordOwnWrite(renewed, startedAt, signal);
    }
    this.#observe(await this.#read(signal));
    this.#reportLeader();
    const now = performance.now();
    const observation = this.#observation;
    const action = decideLeaseAction(
      observation?.record,
      observation?.observedAt ?? now,
      now,
      this.#settings.identity,
    );
    if (action.kind === 'wait') {
      this.#expiresInMs = action.expiresInMs;
      this.#stopLeading(`the Lease is now held by ${action.holder}`);
      return;
    }
    const written = observation
      ? await this.#replace(observation, this.#heldRecord(action.kind, observation.record), signal)
      : await this.#create(signal);
    if (!written) return;
    if (action.kind === 'takeOver') {
      this.#logger.info(
        { previousHolder: observation?.record.holderIdentity },
        `took over the ${action.reason} Lease`,
      );
    }
    this.#recordOwnWrite(written, startedAt, signal);
  }

  #observe(lease: V1Lease | undefined): void {
    if (!lease) {
      this.#observation = undefined;
      return;
    }
    const record = leaseRecordOf(lease, this.#leaseDurationSeconds);
    const previous = this.#observation;
    const unchanged = previous !== undefined && sameLeaseRecord(previous.record, record);
    this.#observation = { lease, record, observedAt: unchanged ? previous.observedAt : performance.now() };
  }

  // `sentAt` bounds when the apiserver stored the write, so the renew deadline counts from it.
  #recordOwnWrite(lease: V1Lease, sentAt: number, signal: AbortSignal): void {
    this.#observation = {
      lease,
      record: leaseRecordOf(lease, this.#leaseDurationSeconds),
      observedAt: performance.now(),
    };
    const renewDeadlineInMs = sentAt + this.#settings.renewDeadlineMs - performance.now();
    if (signal.aborted || renewDeadlineInMs <= 0) {
      // Too late to lead on: stop() is under way, or the write took longer than the renew deadline.
      this.#stopLeading('the Lease write completed after stop() or after the renew deadline');
      return;
    }
    if (this.#term) {
      clearTimeout(this.#term.renewDeadline);
      this.#term.renewDeadline = this.#armRenewDeadline(renewDeadlineInMs);
    } else {
      this.#startLeading(renewDeadlineInMs);
    }
  }

  #armRenewDeadline(inMs: number): NodeJS.Timeout {
    return setTimeout(
      () => this.#stopLeading(`could not renew the Lease for ${this.#settings.renewDeadlineMs} ms`),
      inMs,
    );
  }

  #startLeading(renewDeadlineInMs: number): void {
    const abort = new AbortController();
    this.#term = { abort, renewDeadline: this.#armRenewDeadline(renewDeadlineInMs) };
    this.#logger.info(
      { leaseTransitions: this.#observation?.record.leaseTransitions },
      'started leading: this replica holds the Lease',
    );
    this.#reportLeader();
    void this.#invoke('onStartedLeading', () => this.#settings.onStartedLeading?.(abort.signal));
  }

  #stopLeading(reason: string, level: 'info' | 'warn' = 'warn'): void {
    const term = this.#term;
    if (!term) return;
    this.#term = undefined;
    clearTimeout(term.renewDeadline);
    const { namespace, leaseName } = this.#settings;
    term.abort.abort(new Error(`leadership of Lease ${namespace}/${leaseName} ended: ${reason}`));
    this.#logger[level]({ reason }, 'stopped leading');
    this.#leavingTerm = this.#invoke('onStoppedLeading', () => this.#settings.onStoppedLeading?.());
    this.#reportLeader();
  }

  #reportLeader(): void {
    const leader = this.currentLeader();
    if (leader === undefined || leader === this.#reportedLeader) return;
    this.#reportedLeader = leader;
    this.#logger.info({ leader }, 'new leader observed');
    void this.#invoke('onNewLeader', () => this.#settings.onNewLeader?.(leader));
  }

  async #invoke(callback: string, call: () => void | Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.#logger.error({ err: error }, `leader election callback ${callback} failed`);
    }
  }

  async #release(): Promise<void> {
    try {
      // Read first: the release must not clear a holder other than this replica.
      this.#observe(await this.#read());
      const observation = this.#observation;
      if (observation?.record.holderIdentity !== this.#settings.identity) {
        this.#logger.info('Lease no longer held by this replica: nothing to release');
        return;
      }
      const released = await this.#replace(observation, releasedLeaseRecord(observation.record, new Date()));
      if (released) this.#observe(released);
      this.#logger.info(released ? 'released the Lease' : 'Lease changed meanwhile: nothing to release');
    } catch (error) {
      this.#logger.error(
        { err: error },
        `could not release the Lease; followers take over once it expires (${this.#settings.leaseDurationMs} ms)`,
      );
    }
  }

  async #read(cancel?: AbortSignal): Promise<V1Lease | undefined> {
    try {
      return await this.#leases.readNamespacedLease(
        { name: this.#settings.leaseName, namespace: this.#settings.namespace },
        this.#requestOptions(cancel),
      );
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  async #create(cancel: AbortSignal): Promise<V1Lease | undefined> {
    const { namespace, leaseName } = this.#settings;
    const body = leaseWithRecord({ metadata: { name: leaseName, namespace } }, this.#heldRecord('create'));
    return this.#write(
      () => this.#leases.createNamespacedLease({ namespace, body }, this.#requestOptions(cancel)),
      [409],
    );
  }

  // The replace carries the resourceVersion read, so it fails with 409 if anyone wrote in between.
  async #replace(
    observation: LeaseObservation,
    record: LeaseRecord,
    cancel?: AbortSignal,
  ): Promise<V1Lease | undefined> {
    const { namespace, leaseName } = this.#settings;
    const body = leaseWithRecord(observation.lease, record);
    return this.#write(
      () =>
        this.#leases.replaceNamespacedLease(
          { name: leaseName, namespace, body },
          this.#requestOptions(cancel),
        ),
      [404, 409],
    );
  }

  #heldRecord(action: 'create' | 'renew' | 'takeOver', previous?: LeaseRecord): LeaseRecord {
    return heldLeaseRecord(action, previous, this.#settings.identity, this.#leaseDurationSeconds, new Date());
  }

  // Undefined when another writer changed or deleted the Lease first: not an error, the next try reads it.
  async #write(request: () => Promise<V1Lease>, overtakenCodes: number[]): Promise<V1Lease | undefined> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof ApiException && overtakenCodes.includes(error.code)) {
        this.#logger.debug({ code: error.code }, 'another writer changed the Lease first');
        return undefined;
      }
      throw error;
    }
  }

  // A request never outlives the renew deadline, and stop() cancels those of the election loop.
  #requestOptions(cancel?: AbortSignal): ConfigurationOptions {
    const timeout = AbortSignal.timeout(this.#settings.renewDeadlineMs);
    const signal = cancel ? AbortSignal.any([cancel, timeout]) : timeout;
    return {
      middleware: [
        {
          pre: (request: RequestContext) => {
            request.setSignal(signal);
            return new Observable(Promise.resolve(request));
          },
          post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
        },
      ],
      middlewareMergeStrategy: 'append',
    };
  }
}

// The client leaves MicroTime fields as the apiserver's strings; Date parses them (to the millisecond).
function timeOf(value: Date | string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}

function leaseRecordOf(lease: V1Lease, defaultDurationSeconds: number): LeaseRecord {
  const spec = lease.spec;
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? defaultDurationSeconds,
    acquireTime: timeOf(spec?.acquireTime),
    renewTime: timeOf(spec?.renewTime),
    leaseTransitions: spec?.leaseTransitions ?? 0,
  };
}

// Keeps the rest of the Lease (labels, resourceVersion) as read; the apiserver refuses plain Dates here.
function leaseWithRecord(lease: V1Lease, record: LeaseRecord): V1Lease {
  return {
    ...lease,
    spec: {
      ...lease.spec,
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: record.acquireTime && new V1MicroTime(record.acquireTime),
      renewTime: record.renewTime && new V1MicroTime(record.renewTime),
      leaseTransitions: record.leaseTransitions,
    },
  };
}
