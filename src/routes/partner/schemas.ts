/** TypeBox schemas shared by the partner routes; they also make the OpenAPI document. */
import { type TSchema, Type } from 'typebox';

export const LINE_USER_ID_PATTERN = '^U[0-9a-f]{32}$';
export const METADATA_MAX_BYTES = 4096;

export const ErrorResponse = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.String({ description: 'A sentence for a human.' }),
    code: Type.String({ description: 'A stable snake_case code.' }),
    details: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
    ),
    request_id: Type.String(),
  },
  { description: 'Every error has this shape.' },
);

/** Errors any partner route can answer with. */
export const commonErrors = {
  400: ErrorResponse,
  401: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  413: ErrorResponse,
  415: ErrorResponse,
  422: ErrorResponse,
};

export const partnerRoute = {
  tags: ['partner'],
  security: [{ partnerApiKey: [] }],
};

export const StoreName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '\\S',
  description: "The bot's display name, 1 to 100 characters.",
});

export const SystemPrompt = Type.String({
  maxLength: 10_000,
  description: 'Instructions and personality for the AI, up to 10,000 characters.',
});

export const LineUserId = Type.String({
  pattern: LINE_USER_ID_PATTERN,
  description: 'A LINE user id: U followed by 32 lowercase hex digits.',
});

export const Metadata = Type.Record(Type.String(), Type.Unknown(), {
  description: `The partner's own reference data, a JSON object of at most ${METADATA_MAX_BYTES} bytes.`,
});

export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

export const BotIdParams = Type.Object({ botId: Type.String() });

export const BotView = Type.Object({
  bot_id: Type.String(),
  store_name: Type.String(),
  status: Type.String({ description: 'active or suspended' }),
  line_user_id: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  bound_at: Nullable(Type.String({ format: 'date-time' })),
  metadata: Nullable(Metadata),
});

export const SlotsRemaining = Nullable(
  Type.Integer({ description: 'Slots left in the quota; null when it is unlimited.' }),
);
