// Topic ids as Kafka prints them. Kafka's Uuid.toString() is the 16 bytes in URL-safe base64
// without padding (e.g. TDR-aY6KQMGwN3Iu87NNnw): the form kafka-topics --describe shows and
// Strimzi writes to status.topicId. The client library reads the same bytes as a hyphenated hex
// UUID, so ids are converted where they leave the client.
const hexUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function kafkaTopicId(uuid: string): string {
  if (!hexUuid.test(uuid)) throw new Error(`topic id ${uuid} is not a hyphenated hex UUID`);
  return Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
}

// A status written in the hex form names the same topic as its Kafka form: reading it in Kafka's
// form keeps such a topic from looking adopted anew.
export function sameTopicId(statusId: string | undefined, id: string): boolean {
  if (statusId === undefined) return false;
  return (hexUuid.test(statusId) ? kafkaTopicId(statusId) : statusId) === id;
}
