/**
 * Checks the bodies of LINE's sending endpoints the way LINE does and turns them into typed
 * requests; anything wrong is thrown as LINE's 400 answer.
 */
import { type MessageIssue, validateMessages } from '../line/validate-messages.js';
import { CHAT_ID, USER_ID } from './ids.js';
import { lineErrors } from './line-errors.js';

export type Json = Record<string, unknown>;
export type Message = Record<string, unknown>;

export interface PushRequest {
  readonly to: string;
  readonly messages: readonly Message[];
}

export interface MulticastRequest {
  readonly to: readonly string[];
  readonly messages: readonly Message[];
}

export interface ReplyRequest {
  readonly replyToken: string;
  readonly messages: readonly Message[];
}

export interface LoadingRequest {
  readonly chatId: string;
  readonly loadingSeconds: number;
}

const MAX_MULTICAST_RECIPIENTS = 500;
const DEFAULT_LOADING_SECONDS = 20;

function throwIfAny(issues: readonly MessageIssue[]): void {
  if (issues.length > 0) throw lineErrors.invalidBody(issues);
}

function optionalBoolean(body: Json, property: string): void {
  const value = body[property];
  if (value !== undefined && typeof value !== 'boolean') throw lineErrors.invalidProperty(property);
}

/** The messages of a valid body; the caller has checked them with `validateMessages`. */
function messagesOf(body: Json): Message[] {
  return body.messages as Message[];
}

export function messagesOnly(body: Json): readonly Message[] {
  throwIfAny(validateMessages(body.messages));

  return messagesOf(body);
}

export function pushRequest(body: Json): PushRequest {
  const { to } = body;
  if (to !== undefined && to !== null && (typeof to !== 'string' || !CHAT_ID.test(to))) {
    throw lineErrors.invalidProperty("'to'");
  }
  optionalBoolean(body, 'notificationDisabled');
  const missing = typeof to === 'string' ? [] : [{ path: 'to', message: 'May not be empty' }];
  throwIfAny([...missing, ...validateMessages(body.messages)]);

  return { to: to as string, messages: messagesOf(body) };
}

function recipientIssues(to: unknown): MessageIssue[] {
  if (to === undefined || to === null) return [{ path: 'to', message: 'May not be empty' }];
  if (!Array.isArray(to)) throw lineErrors.invalidProperty('to');

  const bad = to.findIndex((id) => typeof id !== 'string' || !USER_ID.test(id));
  if (bad >= 0) throw lineErrors.invalidProperty(`to[${bad}]`);

  return to.length < 1 || to.length > MAX_MULTICAST_RECIPIENTS
    ? [{ path: 'to', message: `Size must be between 1 and ${MAX_MULTICAST_RECIPIENTS}` }]
    : [];
}

export function multicastRequest(body: Json): MulticastRequest {
  const issues = recipientIssues(body.to);
  optionalBoolean(body, 'notificationDisabled');
  throwIfAny([...issues, ...validateMessages(body.messages)]);

  return { to: body.to as string[], messages: messagesOf(body) };
}

export function replyRequest(body: Json): ReplyRequest {
  const { replyToken } = body;
  const missing =
    typeof replyToken === 'string' && replyToken !== ''
      ? []
      : [{ path: 'replyToken', message: 'May not be empty' }];
  optionalBoolean(body, 'notificationDisabled');
  throwIfAny([...missing, ...validateMessages(body.messages)]);

  return { replyToken: replyToken as string, messages: messagesOf(body) };
}

function loadingSecondsIssues(seconds: unknown): MessageIssue[] {
  if (typeof seconds !== 'number' || !Number.isInteger(seconds)) {
    return [{ path: 'loadingSeconds', message: 'must be a multiple of five' }];
  }

  return [
    ...(seconds < 5 || seconds > 60 ? ['Must be between 5 and 60'] : []),
    ...(seconds % 5 === 0 ? [] : ['must be a multiple of five']),
  ].map((message) => ({ path: 'loadingSeconds', message }));
}

export function loadingRequest(body: Json): LoadingRequest {
  const { chatId, loadingSeconds = DEFAULT_LOADING_SECONDS } = body;
  const chatIssues =
    typeof chatId === 'string' && USER_ID.test(chatId)
      ? []
      : [
          {
            path: 'chatId',
            message:
              'Only user id is acceptable, please confirm if there are any group/room ids or illegal ids.',
          },
        ];
  throwIfAny([...chatIssues, ...loadingSecondsIssues(loadingSeconds)]);

  return { chatId: chatId as string, loadingSeconds: loadingSeconds as number };
}
