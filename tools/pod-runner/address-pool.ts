// Pod addresses from one /16 on the runner's bridge: .0.1 is the node, pods get the lowest free
// address, and a pod's address is free again once its network is gone.
export class AddressPool {
  readonly #prefix: string;
  readonly #taken = new Set<number>();

  // `cidr` is an IPv4 /16, e.g. 10.245.0.0/16.
  constructor(cidr: string) {
    const match = /^(\d{1,3})\.(\d{1,3})\.0\.0\/16$/.exec(cidr);
    if (!match) throw new Error(`pod network ${cidr} must be an IPv4 /16 such as 10.245.0.0/16`);
    this.#prefix = `${match[1]}.${match[2]}`;
  }

  get nodeAddress(): string {
    return `${this.#prefix}.0.1`;
  }

  // The first and last two offsets are the network, the node and the broadcast address.
  allocate(): string {
    for (let offset = 2; offset < 65_535; offset++) {
      if (this.#taken.has(offset)) continue;
      this.#taken.add(offset);
      return this.#address(offset);
    }
    throw new Error(`pod network ${this.#prefix}.0.0/16 has no free address`);
  }

  release(address: string): void {
    const [, , high, low] = address.split('.').map(Number);
    if (high === undefined || low === undefined) return;
    this.#taken.delete(high * 256 + low);
  }

  #address(offset: number): string {
    return `${this.#prefix}.${Math.floor(offset / 256)}.${offset % 256}`;
  }
}
