// pino with redaction: whatever path a secret travels in a log object, it is censored before
// it is written. Fastify's own request serializer logs no headers; the paths below are the
// second line of defence for anything a module logs itself.
import pino, { type LoggerOptions } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.secret',
  '*.clientSecret',
  '*.client_secret',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
  '*.idToken',
  '*.id_token',
  '*.code',
  '*.masterKey',
  'password',
  'secret',
  'token',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'baitwise' },
  };
}

export const createLogger = (level: string) => pino(loggerOptions(level));
export type Logger = pino.Logger;
