/**
 * Ranking a bot's FAQ entries and products against a question, without a
 * model. Chinese is written without spaces, so CJK text is cut into single
 * characters and overlapping character pairs (營業 時間 …); Latin letters and
 * digits form lowercase words, so "2330" and "TSMC" match as whole tokens.
 *
 * A token is weighted by its kind (a pair says more than a single character)
 * and by how rare it is among the bot's entries (BM25's idf). The similarity
 * of a question and an entry is the geometric mean of how much of the
 * question's weight the entry shares and how much of the entry's weight the
 * question shares: a short question fully inside a long entry, or a short
 * entry fully inside a long question, both score well; a single shared
 * character does not.
 */
import type { FaqEntry, ProductEntry } from '../ai/types.js';

export type Ranked =
  | { readonly kind: 'faq'; readonly entry: FaqEntry; readonly score: number }
  | { readonly kind: 'product'; readonly entry: ProductEntry; readonly score: number };

export interface RankOptions {
  /** At most this many results. */
  readonly limit: number;
  /** Results must score at least this (0 to 1). */
  readonly minScore: number;
}

const WEIGHT_CHAR = 0.5;
const WEIGHT_PAIR = 1;
/** A pair with one grammatical character is as often a word boundary as a word (會員, 是幾). */
const WEIGHT_STOP_PAIR = 0.5;
const WEIGHT_WORD = 1.5;
/** An entry's answer or description counts, but less than its question or name. */
const BODY_FACTOR = 0.8;

/** Characters that carry grammar, not meaning; alone they never make two texts related. */
const STOP_CHARS = new Set(
  Array.from(
    '的了是嗎吗呢吧啊呀喔哦嘛我你您他她它們们在有和與与及或也都就要會会想請请問问一個个這这那哪什麼么怎樣样些',
  ),
);

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const RUN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|[\p{L}\p{N}]+/gu;

export type TokenWeights = ReadonlyMap<string, number>;

function addToken(tokens: Map<string, number>, token: string, weight: number): void {
  tokens.set(token, Math.max(tokens.get(token) ?? 0, weight));
}

function addCjkRun(tokens: Map<string, number>, run: string): void {
  // Code points: a CJK run holds no emoji or combining marks to keep together.
  const chars = Array.from(run);
  chars.forEach((char, i) => {
    if (!STOP_CHARS.has(char)) addToken(tokens, char, WEIGHT_CHAR);
    const next = chars[i + 1];
    if (next === undefined) return;
    const stops = Number(STOP_CHARS.has(char)) + Number(STOP_CHARS.has(next));
    if (stops < 2) addToken(tokens, char + next, stops === 0 ? WEIGHT_PAIR : WEIGHT_STOP_PAIR);
  });
}

/**
 * The tokens of a text with their kind weights. NFKC folds full-width letters
 * and digits (２３３０ → 2330), so they match their ordinary forms.
 */
export function tokenize(text: string): TokenWeights {
  const tokens = new Map<string, number>();
  for (const [run] of text.normalize('NFKC').toLowerCase().matchAll(RUN)) {
    if (CJK.test(run)) addCjkRun(tokens, run);
    else addToken(tokens, run, WEIGHT_WORD);
  }

  return tokens;
}

/** BM25's idf: never negative, higher for tokens few entries contain. */
function idfTable(documents: readonly TokenWeights[]): (token: string) => number {
  const df = new Map<string, number>();
  for (const doc of documents) {
    for (const token of doc.keys()) df.set(token, (df.get(token) ?? 0) + 1);
  }
  const n = documents.length;

  return (token) => {
    const found = df.get(token) ?? 0;

    return Math.log(1 + (n - found + 0.5) / (found + 0.5));
  };
}

function totalWeight(tokens: TokenWeights, idf: (token: string) => number): number {
  let total = 0;
  for (const [token, weight] of tokens) total += weight * idf(token);

  return total;
}

/** Similarity of a question and one text of an entry, from 0 (nothing shared) to 1. */
export function similarity(
  question: TokenWeights,
  text: TokenWeights,
  idf: (token: string) => number = () => 1,
): number {
  let shared = 0;
  for (const [token, weight] of question) {
    const other = text.get(token);
    if (other !== undefined) shared += Math.min(weight, other) * idf(token);
  }
  if (shared === 0) return 0;

  const questionCover = shared / totalWeight(question, idf);
  const textCover = shared / totalWeight(text, idf);

  return Math.sqrt(questionCover * textCover);
}

interface Candidate {
  readonly ranked: (score: number) => Ranked;
  /** The title (question or name) and the whole entry (with answer or description). */
  readonly title: TokenWeights;
  readonly whole: TokenWeights;
}

function faqCandidate(entry: FaqEntry): Candidate {
  return {
    ranked: (score) => ({ kind: 'faq', entry, score }),
    title: tokenize(entry.question),
    whole: tokenize(`${entry.question}\n${entry.answer}`),
  };
}

function productCandidate(entry: ProductEntry): Candidate {
  return {
    ranked: (score) => ({ kind: 'product', entry, score }),
    title: tokenize(entry.name),
    whole: tokenize(`${entry.name}\n${entry.description ?? ''}`),
  };
}

/** FAQ entries and products most related to the question, best first. */
export function rankKnowledge(
  question: string,
  knowledge: { readonly faqs: readonly FaqEntry[]; readonly products: readonly ProductEntry[] },
  options: RankOptions,
): Ranked[] {
  const asked = tokenize(question);
  if (asked.size === 0) return [];

  const candidates = [
    ...knowledge.faqs.map(faqCandidate),
    ...knowledge.products.map(productCandidate),
  ];
  const idf = idfTable(candidates.map((candidate) => candidate.whole));

  return candidates
    .map((candidate) =>
      candidate.ranked(
        Math.max(
          similarity(asked, candidate.title, idf),
          BODY_FACTOR * similarity(asked, candidate.whole, idf),
        ),
      ),
    )
    .filter((ranked) => ranked.score >= options.minScore && ranked.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, options.limit);
}
