// The one place errors become HTTP responses: `{error:{code,message,details?},requestId}`.
// 4xx bodies say what was wrong and which field; 5xx bodies say nothing internal.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.js';
import { type AjvIssue, describeIssues } from './validation-messages.js';

export function errorHandler(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const requestId = req.id;
  if (error instanceof AppError) {
    if (error.status === 429 && typeof error.details?.retryAfterSeconds === 'number') {
      reply.header('retry-after', String(error.details.retryAfterSeconds));
    }
    return reply
      .status(error.status)
      .send({ error: { code: error.code, message: error.message, details: error.details }, requestId });
  }
  if (error.validation && error.validation.length > 0) {
    const context = error.validationContext ?? 'body';
    const { field, message, idKind } = describeIssues(error.validation as unknown as AjvIssue[]);
    // A path that names a thing by an id that cannot exist names nothing: 404, as an unknown id.
    if (context === 'params' && idKind) {
      return reply.status(404).send({
        error: { code: 'not_found', message, details: { field, location: context, resource: idKind } },
        requestId,
      });
    }
    return reply.status(400).send({
      error: { code: 'validation_failed', message, details: { field, location: context } },
      requestId,
    });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors: malformed JSON, wrong content type, body too large.
    const code =
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.name === 'SyntaxError' ? 'malformed_json' : 'bad_request';
    return reply.status(status).send({ error: { code, message: error.message }, requestId });
  }
  req.log.error({ err: error }, 'unhandled error');
  return reply.status(500).send({
    error: {
      code: 'internal',
      message: 'Something went wrong on our side. The request id identifies it in the logs.',
    },
    requestId,
  });
}

export function notFoundApi(req: FastifyRequest, reply: FastifyReply) {
  return reply.status(404).send({
    error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` },
    requestId: req.id,
  });
}
