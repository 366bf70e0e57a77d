// Ways to send one batch of calls as the requests Kafka accepts: each batch sender here wraps
// another and gives every call its own outcome, in the order of the calls.
import type { AdminBatching } from './admin-connection.ts';
import { KafkaAdminError } from './kafka-admin.ts';
import { type BatchSender, RequestBatcher } from './request-batcher.ts';

// Sends the groups of calls (indexes into the batch) one request after the other.
function inGroups<Item, Result>(
  send: BatchSender<Item, Result>,
  group: (items: Item[]) => number[][],
): BatchSender<Item, Result> {
  return async (items) => {
    const outcomes = new Array<Result | Error>(items.length);
    for (const indexes of group(items)) {
      const results = await send(indexes.map((index) => items[index] as Item));
      indexes.forEach((index, position) => {
        outcomes[index] = results[position] as Result | Error;
      });
    }
    return outcomes;
  };
}

// Each key at most once per request, for operations Kafka refuses to apply twice to the same
// entity in one request (it answers DUPLICATE_RESOURCE).
export function inUniqueRounds<Item, Result>(
  send: BatchSender<Item, Result>,
  key: (item: Item) => string,
): BatchSender<Item, Result> {
  return inGroups(send, (items) => {
    const rounds: Array<{ keys: Set<string>; indexes: number[] }> = [];
    items.forEach((item, index) => {
      const k = key(item);
      let round = rounds.find((r) => !r.keys.has(k));
      if (!round) {
        round = { keys: new Set(), indexes: [] };
        rounds.push(round);
      }
      round.keys.add(k);
      round.indexes.push(index);
    });
    return rounds.map((r) => r.indexes);
  });
}

// At most `limit` entries per request (a call of more goes alone), for operations Kafka bounds.
export function inRequestsOfAtMost<Item, Result>(
  send: BatchSender<Item, Result>,
  entries: (item: Item) => number,
  limit: number,
): BatchSender<Item, Result> {
  return inGroups(send, (items) => {
    const requests: number[][] = [];
    let current: number[] = [];
    let size = 0;
    items.forEach((item, index) => {
      const n = entries(item);
      if (current.length > 0 && size + n > limit) {
        requests.push(current);
        current = [];
        size = 0;
      }
      current.push(index);
      size += n;
    });
    if (current.length > 0) requests.push(current);
    return requests;
  });
}

// Kafka refused the request as a whole: it answered every call of it with the same error.
function refusedAsOne<Result>(results: Array<Result | Error>): boolean {
  const first = results[0];
  return (
    results.length > 1 &&
    first instanceof KafkaAdminError &&
    results.every((result) => result instanceof KafkaAdminError && result.errorCode === first.errorCode)
  );
}

// A request of several calls that fails as a whole goes again call by call, one after the other, so
// that one bad call fails no other and every call gets Kafka's answer to itself. As a whole means: it
// threw (Kafka could not read it, or closed the connection) or Kafka answered every call with the same
// error (a policy on the request, a size limit). For operations such a request left undone.
export function eachAloneAfterWholeFailure<Item, Result>(
  send: BatchSender<Item, Result>,
): BatchSender<Item, Result> {
  return async (items) => {
    let results: Array<Result | Error> | undefined;
    try {
      results = await send(items);
    } catch (error) {
      if (items.length <= 1) throw error;
    }
    if (results && !refusedAsOne(results)) return results;
    const alone: Array<Result | Error> = [];
    for (const item of items) {
      alone.push(
        await send([item]).then(
          ([result]) => result as Result | Error,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        ),
      );
    }
    return alone;
  };
}

// The two batchers of a per-user entity (SCRAM credentials, client quotas): describes by user name,
// and alterations of which each user appears at most once per request.
export function userEntityBatchers<Described, Alteration extends { user: string }>(
  batching: AdminBatching,
  describe: BatchSender<string, Described>,
  alter: BatchSender<Alteration, undefined>,
) {
  return {
    describe: new RequestBatcher(describe, batching.reads),
    alter: new RequestBatcher(
      inUniqueRounds(eachAloneAfterWholeFailure(alter), (item) => item.user),
      batching.writes,
    ),
  };
}
