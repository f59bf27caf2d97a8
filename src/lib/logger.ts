// pino with redaction: whatever path a secret travels in a log object, it is censored before
// it is written. The request serializer below logs no headers and redacts credentials in the
// URL's query; the paths below are the second line of defence for anything a module logs itself.
import pino, { type LoggerOptions } from 'pino';
import { redactUrl } from './redact-url.js';

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

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * Fastify's request serializer (its fields), with the URL's credentials redacted. Set on the
 * pino instance, it also wins when the instance is handed to Fastify as `loggerInstance`.
 */
export function serializeRequest(req: LoggedRequest) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    serializers: { req: serializeRequest },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'baitwise' },
  };
}

export const createLogger = (level: string) => pino(loggerOptions(level));
export type Logger = pino.Logger;
