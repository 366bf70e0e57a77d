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
