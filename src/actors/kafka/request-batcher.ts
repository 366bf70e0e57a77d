// Combines the calls that many actors make at about the same time into one request: each call
// waits at most `maxDelayMs` for company, and a full batch goes at once. Every caller gets its
// own result or error.
export type BatchSender<Item, Result> = (items: Item[]) => Promise<Array<Result | Error>>;

export interface RequestBatcherOptions {
  maxDelayMs: number;
  maxItems: number;
}

interface Pending<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
}

export class RequestBatcher<Item, Result> {
  readonly #send: BatchSender<Item, Result>;
  readonly #options: RequestBatcherOptions;
  #pending: Pending<Item, Result>[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(send: BatchSender<Item, Result>, options: RequestBatcherOptions) {
    this.#send = send;
    this.#options = options;
  }

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#pending.length >= this.#options.maxItems) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#options.maxDelayMs);
    });
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    this.#send(batch.map((p) => p.item)).then(
      (results) => {
        batch.forEach((pending, index) => {
          const result = results[index];
          if (result instanceof Error) pending.reject(result);
          else if (index >= results.length)
            pending.reject(new Error('the batch returned no result for this item'));
          else pending.resolve(result as Result);
        });
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const pending of batch) pending.reject(failure);
      },
    );
  }
}

// Sends a batch as requests in which each key appears once, one after the other, for operations
// Kafka refuses to apply twice to the same entity in one request (it answers DUPLICATE_RESOURCE).
export function inUniqueRounds<Item, Result>(
  send: BatchSender<Item, Result>,
  key: (item: Item) => string,
): BatchSender<Item, Result> {
  return async (items) => {
    const outcomes = new Array<Result | Error>(items.length);
    for (const round of uniqueRounds(items.keys(), (index) => key(items[index] as Item))) {
      const results = await send(round.map((index) => items[index] as Item));
      round.forEach((index, position) => {
        outcomes[index] = results[position] as Result | Error;
      });
    }
    return outcomes;
  };
}

// Splits items into rounds in which each key appears once, keeping the order of the items.
function uniqueRounds<Item>(items: Iterable<Item>, key: (item: Item) => string): Item[][] {
  const rounds: Array<{ keys: Set<string>; items: Item[] }> = [];
  for (const item of items) {
    const k = key(item);
    let round = rounds.find((r) => !r.keys.has(k));
    if (!round) {
      round = { keys: new Set(), items: [] };
      rounds.push(round);
    }
    round.keys.add(k);
    round.items.push(item);
  }
  return rounds.map((r) => r.items);
}
