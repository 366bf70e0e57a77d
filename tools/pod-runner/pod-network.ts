// One network namespace per pod on a bridge that is the node: each pod gets its own address, so
// brokers listening on 0.0.0.0 with the same ports do not collide, and the host reaches every pod
// directly. Names carry the bridge's name as a prefix, so a runner cleans up only its own leftovers.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { AddressPool } from './address-pool.ts';

const run = promisify(execFile);

export interface PodNetwork {
  // The namespace's file, for nsenter --net.
  namespacePath: string;
  address: string;
}

export class BridgeNetwork {
  readonly #bridge: string;
  readonly #pool: AddressPool;

  // `bridge` is at most 6 characters: interface names derived from it must fit in 15.
  constructor(bridge: string, cidr: string) {
    if (!/^[a-z][a-z0-9]{0,5}$/.test(bridge)) {
      throw new Error(`bridge name ${bridge} must be 1 to 6 lower-case letters or digits`);
    }
    this.#bridge = bridge;
    this.#pool = new AddressPool(cidr);
  }

  get nodeAddress(): string {
    return this.#pool.nodeAddress;
  }

  // Creates the bridge with the node's address, removing what an earlier run of this runner left.
  async start(): Promise<void> {
    await this.#removeLeftovers();
    if (!(await this.#linkExists(this.#bridge))) {
      await ip('link', 'add', this.#bridge, 'type', 'bridge');
    }
    await ip('addr', 'replace', `${this.nodeAddress}/16`, 'dev', this.#bridge);
    await ip('link', 'set', this.#bridge, 'up');
  }

  async stop(): Promise<void> {
    await this.#removeLeftovers();
    if (await this.#linkExists(this.#bridge)) await ip('link', 'del', this.#bridge);
  }

  // `owner` (namespace/name) gets its former address back when free.
  async create(podUid: string, owner: string): Promise<PodNetwork> {
    const id = createHash('sha256').update(podUid).digest('hex').slice(0, 8);
    const namespace = `${this.#bridge}-${id}`;
    const hostSide = `${this.#bridge}h${id}`;
    const address = this.#pool.allocate(owner);
    try {
      await this.#removeNamespace(namespace, hostSide);
      await ip('netns', 'add', namespace);
      await ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace);
      await ip('link', 'set', hostSide, 'master', this.#bridge);
      await ip('link', 'set', hostSide, 'up');
      await ip('-n', namespace, 'addr', 'add', `${address}/16`, 'dev', 'eth0');
      await ip('-n', namespace, 'link', 'set', 'eth0', 'up');
      await ip('-n', namespace, 'link', 'set', 'lo', 'up');
      await ip('-n', namespace, 'route', 'add', 'default', 'via', this.nodeAddress);
    } catch (error) {
      this.#pool.release(address);
      throw error;
    }
    return { namespacePath: `/run/netns/${namespace}`, address };
  }

  async remove(network: PodNetwork): Promise<void> {
    const namespace = network.namespacePath.slice('/run/netns/'.length);
    await this.#removeNamespace(namespace, `${this.#bridge}h${namespace.slice(this.#bridge.length + 1)}`);
    this.#pool.release(network.address);
  }

  async #removeNamespace(namespace: string, hostSide: string): Promise<void> {
    if ((await namespaces()).includes(namespace)) await ip('netns', 'del', namespace);
    // Deleting the namespace removes the veth pair too, but not always at once.
    await ip('link', 'del', hostSide).catch((error: Error) => {
      if (!error.message.includes('Cannot find device')) throw error;
    });
  }

  async #removeLeftovers(): Promise<void> {
    for (const namespace of await namespaces()) {
      if (namespace.startsWith(`${this.#bridge}-`)) await ip('netns', 'del', namespace);
    }
    const { stdout } = await run('ip', ['-o', 'link', 'show']);
    for (const line of stdout.split('\n')) {
      const name = /^\d+: ([^:@]+)/.exec(line)?.[1];
      if (name?.startsWith(`${this.#bridge}h`)) await ip('link', 'del', name);
    }
  }

  async #linkExists(name: string): Promise<boolean> {
    const { stdout } = await run('ip', ['-o', 'link', 'show']);
    return stdout.split('\n').some((line) => /^\d+: ([^:@]+)/.exec(line)?.[1] === name);
  }
}

async function namespaces(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

async function ip(...args: string[]): Promise<void> {
  try {
    await run('ip', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`ip ${args.join(' ')} failed: ${stderr || (error as Error).message}`, { cause: error });
  }
}
