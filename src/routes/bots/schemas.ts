/** TypeBox schemas of the bot management API; they also make the OpenAPI document. */
import { Type } from 'typebox';

import {
  FAQ_ANSWER_MAX,
  FAQ_QUESTION_MAX,
  PRODUCT_DESCRIPTION_MAX,
  PRODUCT_NAME_MAX,
  PRODUCT_PRICE_MAX,
  PRODUCT_URL_MAX,
} from '../../knowledge/limits.js';
import { ErrorResponse, Nullable } from '../partner/schemas.js';

export const ownerRoute = {
  tags: ['bot management'],
  security: [{ mgmtToken: [] }],
};

/** Errors any management route can answer with. */
export const ownerErrors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  413: ErrorResponse,
  415: ErrorResponse,
};

export const BotParams = Type.Object({ botId: Type.String() });
export const FaqParams = Type.Object({ botId: Type.String(), faqId: Type.String() });
export const ProductParams = Type.Object({ botId: Type.String(), productId: Type.String() });

const Timestamps = {
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
};

export const OwnerBotResponse = Type.Object({
  success: Type.Literal(true),
  bot_id: Type.String(),
  store_name: Type.String(),
  system_prompt: Type.String(),
  status: Type.String({ description: 'active or suspended' }),
  line_user_id: Nullable(Type.String()),
  ...Timestamps,
});

const Question = Type.String({
  minLength: 1,
  maxLength: FAQ_QUESTION_MAX,
  pattern: '\\S',
  description: `1 to ${FAQ_QUESTION_MAX} characters.`,
});
const AnswerText = Type.String({
  minLength: 1,
  maxLength: FAQ_ANSWER_MAX,
  pattern: '\\S',
  description: `1 to ${FAQ_ANSWER_MAX} characters.`,
});

export const FaqBody = Type.Object({ question: Question, answer: AnswerText });
export const FaqPatch = Type.Object({
  question: Type.Optional(Question),
  answer: Type.Optional(AnswerText),
});

export const FaqView = Type.Object({
  faq_id: Type.String(),
  question: Type.String(),
  answer: Type.String(),
  ...Timestamps,
});
export const FaqResponse = Type.Object({ success: Type.Literal(true), ...FaqView.properties });
export const FaqList = Type.Object({ success: Type.Literal(true), faqs: Type.Array(FaqView) });
export const FaqDeleted = Type.Object({
  success: Type.Literal(true),
  faq_id: Type.String(),
  message: Type.String(),
});

const ProductName = Type.String({
  minLength: 1,
  maxLength: PRODUCT_NAME_MAX,
  pattern: '\\S',
  description: `1 to ${PRODUCT_NAME_MAX} characters.`,
});
const Price = Type.Number({
  minimum: 0,
  maximum: PRODUCT_PRICE_MAX,
  description: 'A number, 0 or more; stored with two decimals.',
});
const ProductUrl = Nullable(
  Type.String({ maxLength: PRODUCT_URL_MAX, description: 'An http(s) URL, or null for none.' }),
);
const Description = Nullable(
  Type.String({ maxLength: PRODUCT_DESCRIPTION_MAX, description: 'Free text, or null for none.' }),
);

export const ProductBody = Type.Object({
  name: ProductName,
  price: Price,
  url: Type.Optional(ProductUrl),
  description: Type.Optional(Description),
});
export const ProductPatch = Type.Object({
  name: Type.Optional(ProductName),
  price: Type.Optional(Price),
  url: Type.Optional(ProductUrl),
  description: Type.Optional(Description),
});

export const ProductView = Type.Object({
  product_id: Type.String(),
  name: Type.String(),
  price: Type.Number(),
  url: Nullable(Type.String()),
  description: Nullable(Type.String()),
  ...Timestamps,
});
export const ProductResponse = Type.Object({
  success: Type.Literal(true),
  ...ProductView.properties,
});
export const ProductList = Type.Object({
  success: Type.Literal(true),
  products: Type.Array(ProductView),
});
export const ProductDeleted = Type.Object({
  success: Type.Literal(true),
  product_id: Type.String(),
  message: Type.String(),
});
