/**
 * The chat commands users type, recognised in their half-width and full-width
 * forms (`＠`, `＃`, ideographic spaces) with any surrounding whitespace.
 */

export type ChatCommand =
  /** `@我是店長 <code>` or `#綁定 <code>` */
  | { readonly kind: 'bind'; readonly code: string }
  /** `@我是店長` without a code */
  | { readonly kind: 'claim' }
  /** `#綁定` without a code */
  | { readonly kind: 'bindHelp' }
  | { readonly kind: 'showPrompt' }
  | { readonly kind: 'editPrompt'; readonly instruction: string }
  | { readonly kind: 'showKnowledge' }
  /** `@店長聽令 <text>` or `@更新知識 <text>` */
  | { readonly kind: 'teach'; readonly text: string }
  | { readonly kind: 'unbind' };

export type OwnerCommand = Extract<
  ChatCommand,
  { kind: 'showPrompt' | 'editPrompt' | 'showKnowledge' | 'teach' }
>;

export function isOwnerCommand(command: ChatCommand): command is OwnerCommand {
  return (
    command.kind === 'showPrompt' ||
    command.kind === 'editPrompt' ||
    command.kind === 'showKnowledge' ||
    command.kind === 'teach'
  );
}

function normalize(text: string): string {
  return text
    .replace(/\u3000/g, ' ')
    .trim()
    .replace(/^＠/, '@')
    .replace(/^＃/, '#');
}

/** What follows a command word: leading spaces and an optional colon removed. */
function argumentAfter(
  text: string,
  word: string,
): { argument: string; joined: boolean } | undefined {
  if (!text.startsWith(word)) return undefined;

  const rest = text.slice(word.length);

  return { argument: rest.replace(/^\s*[:：]?\s*/, '').trim(), joined: /^[^\s:：]/.test(rest) };
}

/** Codes may be typed with full-width letters or followed by other words. */
function bindCodeOf(argument: string): string {
  return argument.normalize('NFKC').trim().split(/\s+/)[0] ?? '';
}

/**
 * A code typed straight after the command word must start with a letter or
 * digit, so that words like `#綁定碼` stay ordinary chat.
 */
function bindCommand(
  argument: string,
  joined: boolean,
  withoutCode: ChatCommand,
): ChatCommand | undefined {
  const code = bindCodeOf(argument);
  if (joined && !/^[A-Za-z0-9]/.test(code)) return undefined;

  return code === '' ? withoutCode : { kind: 'bind', code };
}

const EXACT: readonly (readonly [string, ChatCommand])[] = [
  ['@調閱人設', { kind: 'showPrompt' }],
  ['@調閱知識', { kind: 'showKnowledge' }],
  ['#解除綁定', { kind: 'unbind' }],
];

type Builder = (argument: string, joined: boolean) => ChatCommand | undefined;

const WITH_ARGUMENT: readonly (readonly [string, Builder])[] = [
  ['@我是店長', (argument, joined) => bindCommand(argument, joined, { kind: 'claim' })],
  ['#綁定', (argument, joined) => bindCommand(argument, joined, { kind: 'bindHelp' })],
  ['@修改人設', (instruction) => ({ kind: 'editPrompt', instruction })],
  ['@店長聽令', (text) => ({ kind: 'teach', text })],
  ['@更新知識', (text) => ({ kind: 'teach', text })],
];

/** The command in a text message, or undefined when it is ordinary chat. */
export function parseCommand(message: string): ChatCommand | undefined {
  const text = normalize(message);
  for (const [word, command] of EXACT) {
    if (text === word) return command;
  }
  for (const [word, build] of WITH_ARGUMENT) {
    const found = argumentAfter(text, word);
    if (found !== undefined) return build(found.argument, found.joined);
  }

  return undefined;
}
