// Polls a probe until it yields a value; probes that throw count as "not yet".
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// Proves an absence: the probe holds at every look for windowMs, or this throws at the first look it
// does not. The caller says why windowMs is long enough for what it proves.
export async function holdsThroughout(
  what: string,
  probe: () => Promise<boolean>,
  windowMs: number,
  intervalMs = 200,
): Promise<void> {
  const end = Date.now() + windowMs;
  for (;;) {
    if (!(await probe())) throw new Error(`${what} stopped holding`);
    if (Date.now() >= end) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
