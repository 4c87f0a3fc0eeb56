/**
 * Splitting an answer into LINE text messages: each at most 5000 UTF-16 code
 * units (LINE counts in code units), never cutting a surrogate pair, cut at a
 * line break or space when one is near, at most 5 messages per reply.
 */

export const LINE_TEXT_LIMIT = 5000;
export const LINE_MAX_MESSAGES = 5;
export const TRUNCATION_MARK = '\n…（內容過長，以下省略）';

export interface SplitOptions {
  readonly limit?: number;
  readonly maxMessages?: number;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The largest cut ≤ `limit` that does not separate a surrogate pair. */
function safeCut(text: string, limit: number): number {
  if (text.length <= limit) return text.length;

  return isHighSurrogate(text.charCodeAt(limit - 1)) ? limit - 1 : limit;
}

/** Where to cut `text` (longer than `limit`), and how many separator units to drop there. */
function cutPoint(text: string, limit: number): { at: number; skip: number } {
  // Only a boundary in the second half is worth the shorter message.
  const floor = Math.floor(limit / 2);
  for (const separator of ['\n', ' ']) {
    const at = text.lastIndexOf(separator, limit);
    if (at >= floor) return { at, skip: 1 };
  }

  return { at: safeCut(text, limit), skip: 0 };
}

function truncated(piece: string, limit: number): string {
  const room = limit - TRUNCATION_MARK.length;

  return piece.slice(0, safeCut(piece, room)).trimEnd() + TRUNCATION_MARK;
}

/** The text as LINE text messages; an over-long remainder is cut and marked. */
export function splitForLine(text: string, options: SplitOptions = {}): string[] {
  const limit = options.limit ?? LINE_TEXT_LIMIT;
  const maxMessages = options.maxMessages ?? LINE_MAX_MESSAGES;
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit && pieces.length < maxMessages) {
    const { at, skip } = cutPoint(rest, limit);
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at + skip);
  }
  if (pieces.length < maxMessages || rest === '') {
    return [...pieces, rest].filter((piece) => piece.trim() !== '');
  }

  const last = pieces.pop() ?? '';
  pieces.push(truncated(last, limit));

  return pieces;
}
