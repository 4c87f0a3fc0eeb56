/**
 * A bot's FAQ entries and products: what the owner teaches it and what its
 * answers draw on. Every query is scoped to one bot; an id of another bot's
 * entry matches nothing.
 */
import { and, asc, count, eq } from 'drizzle-orm';

import type { FaqEntry, KnowledgeDraft, ProductEntry } from '../ai/types.js';
import type { Executor } from '../db/client.js';
import { bots, faqs, products } from '../db/schema.js';
import { isUuid } from '../partner/ids.js';
import { MAX_FAQS_PER_BOT, MAX_PRODUCTS_PER_BOT } from './limits.js';

export interface FaqRecord extends FaqEntry {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ProductRecord extends ProductEntry {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface FaqInput {
  readonly question: string;
  readonly answer: string;
}

export interface ProductInput {
  readonly name: string;
  readonly price: number;
  readonly url: string | null;
  readonly description: string | null;
}

export interface Knowledge {
  readonly faqs: FaqEntry[];
  readonly products: ProductEntry[];
}

const faqColumns = {
  id: faqs.id,
  question: faqs.question,
  answer: faqs.answer,
  createdAt: faqs.createdAt,
  updatedAt: faqs.updatedAt,
};

const productColumns = {
  id: products.id,
  name: products.name,
  price: products.price,
  url: products.url,
  description: products.description,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt,
};

export async function listFaqs(db: Executor, botId: string): Promise<FaqRecord[]> {
  return db
    .select(faqColumns)
    .from(faqs)
    .where(eq(faqs.botId, botId))
    .orderBy(asc(faqs.createdAt), asc(faqs.id));
}

export async function listProducts(db: Executor, botId: string): Promise<ProductRecord[]> {
  return db
    .select(productColumns)
    .from(products)
    .where(eq(products.botId, botId))
    .orderBy(asc(products.createdAt), asc(products.id));
}

/** Everything the bot knows, oldest entries first. */
export async function loadKnowledge(db: Executor, botId: string): Promise<Knowledge> {
  const [faqRows, productRows] = await Promise.all([listFaqs(db, botId), listProducts(db, botId)]);

  return {
    faqs: faqRows.map(({ id, question, answer }) => ({ id, question, answer })),
    products: productRows.map(({ id, name, price, url, description }) => ({
      id,
      name,
      price,
      url,
      description,
    })),
  };
}

/** Locks the bot row so that concurrent additions cannot pass the per-bot limit together. */
async function lockBotRow(tx: Executor, botId: string): Promise<void> {
  await tx.select({ id: bots.id }).from(bots).where(eq(bots.id, botId)).for('update');
}

/** Adds an FAQ entry; undefined when the bot already holds the maximum number. */
export async function addFaq(
  db: Executor,
  botId: string,
  input: FaqInput,
): Promise<FaqRecord | undefined> {
  return db.transaction(async (tx) => {
    await lockBotRow(tx, botId);
    const [held] = await tx.select({ n: count() }).from(faqs).where(eq(faqs.botId, botId));
    if ((held?.n ?? 0) >= MAX_FAQS_PER_BOT) return undefined;

    const [row] = await tx
      .insert(faqs)
      .values({ botId, question: input.question, answer: input.answer })
      .returning(faqColumns);

    return row;
  });
}

/** Adds a product; undefined when the bot already holds the maximum number. */
export async function addProduct(
  db: Executor,
  botId: string,
  input: ProductInput,
): Promise<ProductRecord | undefined> {
  return db.transaction(async (tx) => {
    await lockBotRow(tx, botId);
    const [held] = await tx.select({ n: count() }).from(products).where(eq(products.botId, botId));
    if ((held?.n ?? 0) >= MAX_PRODUCTS_PER_BOT) return undefined;

    const [row] = await tx
      .insert(products)
      .values({ botId, ...input })
      .returning(productColumns);

    return row;
  });
}

/** Files a drafted entry (from the owner's chat); undefined when the bot is full. */
export async function addDraft(
  db: Executor,
  botId: string,
  draft: KnowledgeDraft,
): Promise<FaqRecord | ProductRecord | undefined> {
  switch (draft.kind) {
    case 'faq':
      return addFaq(db, botId, { question: draft.question, answer: draft.answer });
    case 'product':
      return addProduct(db, botId, {
        name: draft.name,
        price: draft.price,
        url: draft.url,
        description: draft.description,
      });
  }
}

export async function updateFaq(
  db: Executor,
  botId: string,
  faqId: string,
  changes: Partial<FaqInput>,
): Promise<FaqRecord | undefined> {
  if (!isUuid(faqId)) return undefined;

  const [row] = await db
    .update(faqs)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(faqs.id, faqId), eq(faqs.botId, botId)))
    .returning(faqColumns);

  return row;
}

export async function updateProduct(
  db: Executor,
  botId: string,
  productId: string,
  changes: Partial<ProductInput>,
): Promise<ProductRecord | undefined> {
  if (!isUuid(productId)) return undefined;

  const [row] = await db
    .update(products)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(products.id, productId), eq(products.botId, botId)))
    .returning(productColumns);

  return row;
}

/** True when the entry existed (for this bot) and is gone now. */
export async function deleteFaq(db: Executor, botId: string, faqId: string): Promise<boolean> {
  if (!isUuid(faqId)) return false;

  const rows = await db
    .delete(faqs)
    .where(and(eq(faqs.id, faqId), eq(faqs.botId, botId)))
    .returning({ id: faqs.id });

  return rows.length > 0;
}

export async function deleteProduct(
  db: Executor,
  botId: string,
  productId: string,
): Promise<boolean> {
  if (!isUuid(productId)) return false;

  const rows = await db
    .delete(products)
    .where(and(eq(products.id, productId), eq(products.botId, botId)))
    .returning({ id: products.id });

  return rows.length > 0;
}
