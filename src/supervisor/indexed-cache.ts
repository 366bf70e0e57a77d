// The informer's cache with secondary indexes (client-go's Indexers): each indexer maps an object
// to the values it is found under, so "the objects with value V" is a lookup, not a scan.
export type Indexer<T> = (object: T) => string[];

export class IndexedCache<T> {
  readonly #objects = new Map<string, T>();
  readonly #indexers: Record<string, Indexer<T>>;
  readonly #indexes = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, Indexer<T>> = {}) {
    this.#indexers = indexers;
    for (const name of Object.keys(indexers)) this.#indexes.set(name, new Map());
  }

  get(key: string): T | undefined {
    return this.#objects.get(key);
  }

  set(key: string, object: T): void {
    this.delete(key);
    this.#objects.set(key, object);
    for (const [name, indexer] of Object.entries(this.#indexers)) {
      const index = this.#indexes.get(name);
      for (const value of indexer(object)) {
        let keys = index?.get(value);
        if (!keys) {
          keys = new Set();
          index?.set(value, keys);
        }
        keys.add(key);
      }
    }
  }

  delete(key: string): void {
    const object = this.#objects.get(key);
    if (object === undefined) return;
    this.#objects.delete(key);
    for (const [name, indexer] of Object.entries(this.#indexers)) {
      const index = this.#indexes.get(name);
      for (const value of indexer(object)) {
        const keys = index?.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index?.delete(value);
      }
    }
  }

  byIndex(name: string, value: string): T[] {
    const index = this.#indexes.get(name);
    if (!index)
      throw new Error(
        `no index ${name}; the indexes are ${Object.keys(this.#indexers).join(', ') || 'none'}`,
      );
    return [...(index.get(value) ?? [])].flatMap((key) => {
      const object = this.#objects.get(key);
      return object === undefined ? [] : [object];
    });
  }

  values(): IterableIterator<T> {
    return this.#objects.values();
  }

  keys(): IterableIterator<string> {
    return this.#objects.keys();
  }

  [Symbol.iterator](): IterableIterator<[string, T]> {
    return this.#objects[Symbol.iterator]();
  }
}
