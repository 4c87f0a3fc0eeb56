/** Reading a verified webhook body into the events to store. */
import { errors } from '../http/errors.js';
import { toStorable } from '../text/storable.js';

export interface IncomingEvent {
  readonly webhookEventId: string;
  /** The LINE user the event came from, when LINE names one. */
  readonly lineUserId: string | null;
  readonly event: Record<string, unknown>;
}

export interface ParsedWebhook {
  readonly events: IncomingEvent[];
  /** Events that carried no webhookEventId and so cannot be de-duplicated. */
  readonly skipped: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(body: Buffer): unknown {
  try {
    return toStorable(JSON.parse(body.toString('utf8')) as unknown);
  } catch {
    throw errors.invalidJson();
  }
}

function userIdOf(event: Record<string, unknown>): string | null {
  const source = event.source;
  if (!isRecord(source) || typeof source.userId !== 'string') return null;

  return source.userId;
}

function toIncoming(event: unknown): IncomingEvent | undefined {
  if (!isRecord(event)) return undefined;

  const id = event.webhookEventId;
  if (typeof id !== 'string' || id === '' || id.length > 200) return undefined;

  return { webhookEventId: id, lineUserId: userIdOf(event), event };
}

/** Parses the body; throws a 400 when it is not a LINE webhook body. */
export function parseWebhookBody(body: Buffer): ParsedWebhook {
  const parsed = parseJson(body);
  if (!isRecord(parsed) || !Array.isArray(parsed.events)) {
    throw errors.validation([{ path: 'events', message: 'must be an array' }]);
  }

  const seen = new Set<string>();
  const events: IncomingEvent[] = [];
  let skipped = 0;
  for (const raw of parsed.events) {
    const incoming = toIncoming(raw);
    if (incoming === undefined) skipped++;
    else if (!seen.has(incoming.webhookEventId)) {
      seen.add(incoming.webhookEventId);
      events.push(incoming);
    }
  }

  return { events, skipped };
}
