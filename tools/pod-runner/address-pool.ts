// Pod addresses from one /16 on the runner's bridge: .0.1 is the node, pods get the lowest free
// address, and a pod's address is free again once its network is gone. A pod recreated under the same
// name gets its former address back when it is free, so peers holding a cached lookup of its stable
// host name (the JVM keeps one for 30 s) reach it at once.
export class AddressPool {
  readonly #prefix: string;
  readonly #taken = new Set<number>();
  readonly #formerOffsets = new Map<string, number>();

  // `cidr` is an IPv4 /16, e.g. 10.245.0.0/16.
  constructor(cidr: string) {
    const match = /^(\d{1,3})\.(\d{1,3})\.0\.0\/16$/.exec(cidr);
    if (!match) throw new Error(`pod network ${cidr} must be an IPv4 /16 such as 10.245.0.0/16`);
    this.#prefix = `${match[1]}.${match[2]}`;
  }

  get nodeAddress(): string {
    return `${this.#prefix}.0.1`;
  }

  // `owner` names the pod (namespace/name). Offsets 0, 1 and 65535 are the network, the node and
  // the broadcast address.
  allocate(owner: string): string {
    const former = this.#formerOffsets.get(owner);
    const offset =
      former !== undefined && !this.#taken.has(former)
        ? former
        : (this.#lowestFree(new Set(this.#formerOffsets.values())) ?? this.#lowestFree(new Set()));
    if (offset === undefined) throw new Error(`pod network ${this.#prefix}.0.0/16 has no free address`);
    this.#taken.add(offset);
    this.#formerOffsets.set(owner, offset);
    return this.#address(offset);
  }

  // Addresses other pods held before are handed out only when no other is free.
  #lowestFree(avoid: Set<number>): number | undefined {
    for (let offset = 2; offset < 65_535; offset++) {
      if (!this.#taken.has(offset) && !avoid.has(offset)) return offset;
    }
    return undefined;
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
