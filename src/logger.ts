/** Structured JSON logs; credentials are redacted wherever they appear. */
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-line-signature"]',
  '*.api_key',
  '*.apiKey',
  '*.mgmt_token',
  '*.mgmtToken',
  '*.channel_secret',
  '*.channelSecret',
  '*.channel_access_token',
  '*.accessToken',
  '*.access_token',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'botfleet' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
