// Whether this replica may still write: open while it holds the Lease, closed the moment it loses or
// releases it. Writes that were batched or started under the Lease check it right before they go, so
// work begun by a former leader writes nothing once another replica may lead.
export class FencedWriteError extends Error {
  override name = 'FencedWriteError';
}

export class WriteFence {
  #open = false;

  open(): void {
    this.#open = true;
  }

  close(): void {
    this.#open = false;
  }

  check(what: string): void {
    if (!this.#open)
      throw new FencedWriteError(`${what} not sent: this replica no longer holds the leader Lease`);
  }
}
