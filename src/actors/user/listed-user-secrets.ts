// The users' Secrets of a namespace read with one paged list when the first Secret of a known user
// there is read in this process: an operator that has just started knows no Secret as confirmed,
// and reading each one by itself takes the apiserver tens of seconds for 10,000 users. A listed
// Secret answers one read, and only while the watch's cache has it at the listed resourceVersion
// (anything else is read by itself); what is not taken is dropped after `keepMs`.
import type { V1Secret } from '@kubernetes/client-node';

export const listedSecretsKeptMs = 120_000;

type Listing = Promise<Map<string, V1Secret>>;

export class ListedUserSecrets {
  readonly #list: (namespace: string) => Promise<V1Secret[]>;
  readonly #keepMs: number;
  // Per namespace: its listing, or 'used' once its Secrets were taken or dropped.
  readonly #listings = new Map<string, Listing | 'used'>();

  constructor(list: (namespace: string) => Promise<V1Secret[]>, keepMs = listedSecretsKeptMs) {
    this.#list = list;
    this.#keepMs = keepMs;
  }

  // The Secret as listed when the cache still has it at that version; undefined when it must be read.
  async take(namespace: string, name: string, cachedVersion: string): Promise<V1Secret | undefined> {
    const listing = this.#listings.get(namespace) ?? this.#start(namespace);
    if (listing === 'used') return undefined;
    const secrets = await listing;
    const secret = secrets.get(name);
    secrets.delete(name);
    if (secrets.size === 0) this.#listings.set(namespace, 'used');
    return secret?.metadata?.resourceVersion === cachedVersion ? secret : undefined;
  }

  #start(namespace: string): Listing {
    const listing = this.#list(namespace).then(
      (secrets) => {
        setTimeout(() => this.#listings.set(namespace, 'used'), this.#keepMs).unref();
        return new Map(secrets.map((secret) => [secret.metadata?.name ?? '', secret]));
      },
      (error: unknown) => {
        // The next read lists again.
        this.#listings.delete(namespace);
        throw error;
      },
    );
    this.#listings.set(namespace, listing);
    return listing;
  }
}
