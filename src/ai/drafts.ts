/**
 * Turning an owner's text into an FAQ entry or a product. The rules read the
 * formats the chat help teaches; a model's JSON is checked by the same limits.
 *
 *   Q: 營業時間？ A: 早上九點到晚上六點       (also Q：/A：, 問：/答：, on one line or two)
 *   商品 招牌便當 120 附湯與小菜 https://…    (price: 120, NT$120, $120, 120元)
 *   商品: 招牌便當 價格: 120 說明: 附湯與小菜 網址: https://…
 */
import {
  FAQ_ANSWER_MAX,
  FAQ_QUESTION_MAX,
  isHttpUrl,
  PRODUCT_DESCRIPTION_MAX,
  PRODUCT_NAME_MAX,
  PRODUCT_PRICE_MAX,
  PRODUCT_URL_MAX,
} from '../knowledge/limits.js';
import type { KnowledgeDraft } from './types.js';

const FAQ_PATTERN =
  /^\s*(?:[QqＱｑ]|問題?)\s*[:：]\s*([\s\S]+?)\s*(?<![A-Za-z0-9])(?:[AaＡａ]|答案?)\s*[:：]\s*([\s\S]+?)\s*$/;
const PRODUCT_PREFIX = /^\s*(?:商品|產品)(?:\s*[:：]\s*|\s+)/;
const LABELS = {
  price: /^(?:價格|售價|價錢|定價)$/,
  description: /^(?:說明|描述|介紹|備註)$/,
  url: /^(?:網址|連結|url|link)$/i,
} as const;
/** A label follows the start, a space or a CJK character (`招牌便當價格：120`). */
const LABEL =
  /(?:^|(?<=[\s\u0080-\uffff]))\s*(價格|售價|價錢|定價|說明|描述|介紹|備註|網址|連結|url|link)\s*[:：]\s*/gi;
const PRICE = /^(?:NT\$|NTD|\$|＄)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?:元|塊|NTD)?$/i;

export function faqDraft(question: string, answer: string): KnowledgeDraft | undefined {
  const q = question.trim();
  const a = answer.trim();
  if (q === '' || a === '' || q.length > FAQ_QUESTION_MAX || a.length > FAQ_ANSWER_MAX) {
    return undefined;
  }

  return { kind: 'faq', question: q, answer: a };
}

interface ProductFields {
  name: string;
  price: number;
  description: string | null;
  url: string | null;
}

export function productDraft(fields: ProductFields): KnowledgeDraft | undefined {
  const name = fields.name.trim();
  const description = fields.description?.trim() || null;
  const url = fields.url?.trim() || null;
  if (name === '' || name.length > PRODUCT_NAME_MAX) return undefined;
  if (!Number.isFinite(fields.price) || fields.price < 0 || fields.price > PRODUCT_PRICE_MAX) {
    return undefined;
  }
  if (description !== null && description.length > PRODUCT_DESCRIPTION_MAX) return undefined;
  if (url !== null && (url.length > PRODUCT_URL_MAX || !isHttpUrl(url))) return undefined;

  return { kind: 'product', name, price: fields.price, description, url };
}

/** `120`, `NT$1,200`, `$99.5`, `120元` → the number; undefined for anything else. */
export function parsePrice(token: string): number | undefined {
  const match = PRICE.exec(token.trim());
  if (match === null) return undefined;

  return Number(`${(match[1] ?? '').replaceAll(',', '')}.${match[2] ?? '0'}`);
}

function parseFaq(text: string): KnowledgeDraft | undefined {
  const match = FAQ_PATTERN.exec(text);

  return match === null ? undefined : faqDraft(match[1] ?? '', match[2] ?? '');
}

/** `商品: 名稱 價格: 120 說明: … 網址: …`, already split at its labels. */
function parseLabelledProduct(parts: readonly string[]): KnowledgeDraft | undefined {
  const fields: ProductFields = { name: parts[0] ?? '', price: NaN, description: null, url: null };
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const label = parts[i] ?? '';
    const value = (parts[i + 1] ?? '').trim();
    if (LABELS.price.test(label)) fields.price = parsePrice(value.replace(/\s+/g, '')) ?? NaN;
    else if (LABELS.description.test(label)) fields.description = value;
    else if (LABELS.url.test(label)) fields.url = value;
  }

  return productDraft(fields);
}

function isMarkedPrice(token: string): boolean {
  return /^(?:NT\$|NTD|\$|＄)|(?:元|塊|NTD)$/i.test(token) && parsePrice(token) !== undefined;
}

/** Joins a currency sign or unit written apart from its number: `NT$ 120`, `120 元`. */
function priceTokens(body: string): string[] {
  return body
    .replace(/(NT\$|NTD|\$|＄)\s+(?=\d)/gi, '$1')
    .replace(/(\d)\s+(元|塊)(?=\s|$)/g, '$1$2')
    .split(/\s+/)
    .filter((token) => token !== '');
}

/**
 * `商品 名稱 價格 [描述] [網址]`: the price is the first token with a currency
 * mark, else the first plain number after the name (so a name with spaces
 * needs a marked price: `商品 iPhone 15 Pro NT$32900`).
 */
function parsePositionalProduct(body: string): KnowledgeDraft | undefined {
  const tokens = priceTokens(body);
  let at = tokens.findIndex((token, i) => i > 0 && isMarkedPrice(token));
  if (at < 0) at = tokens.findIndex((token, i) => i > 0 && parsePrice(token) !== undefined);
  if (at < 0) return undefined;

  const rest = tokens.slice(at + 1);
  const url = rest.find((token) => /^https?:\/\//i.test(token)) ?? null;
  const description = rest.filter((token) => token !== url).join(' ');

  return productDraft({
    name: tokens.slice(0, at).join(' '),
    price: parsePrice(tokens[at] ?? '') ?? NaN,
    description: description === '' ? null : description,
    url,
  });
}

function parseProduct(text: string): KnowledgeDraft | undefined {
  const prefix = PRODUCT_PREFIX.exec(text);
  if (prefix === null) return undefined;

  const body = text.slice(prefix[0].length).trim();
  const parts = body.split(LABEL);

  // Labelled text is read by its labels only: read by position, it would make a wrong entry.
  return parts.length >= 3 ? parseLabelledProduct(parts) : parsePositionalProduct(body);
}

/** The rule-based reading of an owner's text; undefined when it follows no known format. */
export function parseDraftByRules(text: string): KnowledgeDraft | undefined {
  return parseFaq(text) ?? parseProduct(text);
}

function stringField(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function jsonObjectIn(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const value: unknown = JSON.parse(text.slice(start, end + 1));

    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A model's JSON answer as a draft, checked like the rules' drafts. A URL the
 * owner did not write is dropped: the model must not invent links.
 */
export function parseModelDraft(modelText: string, ownerText: string): KnowledgeDraft | undefined {
  const json = jsonObjectIn(modelText);
  if (json === undefined) return undefined;

  if (json.kind === 'faq') {
    return faqDraft(stringField(json.question) ?? '', stringField(json.answer) ?? '');
  }
  if (json.kind === 'product') {
    const price = typeof json.price === 'string' ? parsePrice(json.price) : json.price;
    const url = stringField(json.url);

    return productDraft({
      name: stringField(json.name) ?? '',
      price: typeof price === 'number' ? price : NaN,
      description: stringField(json.description),
      url: url !== null && ownerText.includes(url) ? url : null,
    });
  }

  return undefined;
}
