/**
 * LINE's rules for message objects, checked before anything is sent. The emulator answers with
 * these issues exactly as LINE does (`details[].property` / `details[].message`), and botfleet's
 * own API uses them to refuse a partner's messages up front instead of failing per recipient.
 */

export interface MessageIssue {
  readonly path: string;
  readonly message: string;
}

type Json = Record<string, unknown>;
/** Checks one field; `path` names it and `message` is the message object holding it. */
type Check = (value: unknown, path: string, message: Json) => MessageIssue[];

const MESSAGE_TYPES = [
  'text',
  'sticker',
  'image',
  'video',
  'audio',
  'location',
  'imagemap',
  'template',
  'flex',
  'textV2',
] as const;
type MessageType = (typeof MESSAGE_TYPES)[number];

const MIN_MESSAGES = 1;
const MAX_MESSAGES = 5;
const MAX_TEXT = 5000;
const MAX_ALT_TEXT = 1500;
const MAX_URL = 2000;
const MAX_EMOJIS = 20;
const MAX_QUICK_REPLY_ITEMS = 13;
const MAX_SENDER_NAME = 20;
const MAX_LOCATION_TEXT = 100;
const MAX_IMAGEMAP_ACTIONS = 50;

const NOT_EMPTY = 'May not be empty';

/** LINE counts characters in UTF-16 code units, which is what a JS string's length measures. */
export function utf16Length(s: string): number {
  return s.length;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function issue(path: string, message: string): MessageIssue[] {
  return [{ path, message }];
}

function optional(check: Check): Check {
  return (value, path, message) => (value === undefined ? [] : check(value, path, message));
}

function text(max: number): Check {
  return (value, path) => {
    if (isAbsent(value) || value === '') return issue(path, NOT_EMPTY);
    if (typeof value !== 'string') return issue(path, 'Must be a string');
    if (utf16Length(value) > max) return issue(path, `Length must be between 0 and ${max}`);

    return [];
  };
}

const httpsUrl: Check = (value, path, message) => {
  const problems = text(MAX_URL)(value, path, message);
  if (problems.length > 0) return problems;

  return /^https:\/\/[^\s]+$/i.test(value as string) ? [] : issue(path, 'Must be an HTTPS URL');
};

const finiteNumber: Check = (value, path) => {
  if (isAbsent(value)) return issue(path, NOT_EMPTY);

  return typeof value === 'number' && Number.isFinite(value) ? [] : issue(path, 'Must be a number');
};

const object: Check = (value, path) => {
  if (isAbsent(value)) return issue(path, NOT_EMPTY);

  return isObject(value) ? [] : issue(path, 'Must be an object');
};

function list(min: number, max: number): Check {
  return (value, path) => {
    if (isAbsent(value)) return issue(path, NOT_EMPTY);
    if (!Array.isArray(value)) return issue(path, 'Must be an array');
    if (value.length < min || value.length > max) {
      return issue(path, `Size must be between ${min} and ${max}`);
    }

    return [];
  };
}

/** Each LINE emoji replaces a `$` in the text, so its index must point at one. */
const emojis: Check = (value, path, message) => {
  const problems = list(0, MAX_EMOJIS)(value, path, message);
  if (problems.length > 0) return problems;

  const body = typeof message.text === 'string' ? message.text : '';

  return (value as unknown[]).flatMap((emoji, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(emoji)) return issue(at, 'Must be an object');
    const { index } = emoji;
    const pointsAtDollar = Number.isInteger(index) && body[index as number] === '$';

    return [
      ...(pointsAtDollar ? [] : issue(`${at}.index`, 'Must be the position of a $ in text')),
      ...text(100)(emoji.productId, `${at}.productId`, message),
      ...text(100)(emoji.emojiId, `${at}.emojiId`, message),
    ];
  });
};

const quickReply: Check = (value, path, message) => {
  if (!isObject(value)) return issue(path, 'Must be an object');

  return list(1, MAX_QUICK_REPLY_ITEMS)(value.items, `${path}.items`, message);
};

const sender: Check = (value, path, message) => {
  if (!isObject(value)) return issue(path, 'Must be an object');

  return [
    ...optional(text(MAX_SENDER_NAME))(value.name, `${path}.name`, message),
    ...optional(httpsUrl)(value.iconUrl, `${path}.iconUrl`, message),
  ];
};

const FIELDS: Record<MessageType, Record<string, Check>> = {
  text: { text: text(MAX_TEXT), emojis: optional(emojis) },
  textV2: { text: text(MAX_TEXT) },
  sticker: { packageId: text(100), stickerId: text(100) },
  image: { originalContentUrl: httpsUrl, previewImageUrl: httpsUrl },
  video: { originalContentUrl: httpsUrl, previewImageUrl: httpsUrl },
  audio: { originalContentUrl: httpsUrl, duration: finiteNumber },
  location: {
    title: text(MAX_LOCATION_TEXT),
    address: text(MAX_LOCATION_TEXT),
    latitude: finiteNumber,
    longitude: finiteNumber,
  },
  imagemap: {
    altText: text(MAX_ALT_TEXT),
    baseUrl: httpsUrl,
    baseSize: object,
    actions: list(1, MAX_IMAGEMAP_ACTIONS),
  },
  template: { altText: text(MAX_ALT_TEXT), template: object },
  flex: { altText: text(MAX_ALT_TEXT), contents: object },
};

/** Fields any message may carry. */
const COMMON_FIELDS: Record<string, Check> = {
  quickReply: optional(quickReply),
  sender: optional(sender),
};

function isMessageType(value: unknown): value is MessageType {
  return MESSAGE_TYPES.includes(value as MessageType);
}

function checkFields(fields: Record<string, Check>, message: Json, path: string): MessageIssue[] {
  return Object.entries(fields).flatMap(([name, check]) =>
    check(message[name], `${path}.${name}`, message),
  );
}

function validateMessage(message: unknown, path: string): MessageIssue[] {
  if (!isObject(message)) return issue(path, 'Must be an object');
  if (!isMessageType(message.type)) {
    return issue(
      `${path}.type`,
      `Must be one of the following values: [${MESSAGE_TYPES.join(', ')}]`,
    );
  }

  return [
    ...checkFields(FIELDS[message.type], message, path),
    ...checkFields(COMMON_FIELDS, message, path),
  ];
}

/** Every way `messages` breaks LINE's rules, with LINE's wording; empty when it is valid. */
export function validateMessages(messages: unknown, path = 'messages'): MessageIssue[] {
  if (isAbsent(messages)) return issue(path, NOT_EMPTY);
  if (!Array.isArray(messages)) return issue(path, 'Must be an array');

  const sizeIssues =
    messages.length < MIN_MESSAGES || messages.length > MAX_MESSAGES
      ? issue(path, `Size must be between ${MIN_MESSAGES} and ${MAX_MESSAGES}`)
      : [];

  return [...sizeIssues, ...messages.flatMap((m, i) => validateMessage(m, `${path}[${i}]`))];
}
