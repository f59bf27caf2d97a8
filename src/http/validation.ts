// Request validation: bodies are validated strictly (no type coercion: 42 is not a name, and
// unknown fields are rejected, not stripped); query strings and path parameters arrive as text,
// so there scalars are coerced ("true" → true, "50" → 50).
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { isValidEmail } from '../lib/email.js';

function makeAjv(opts: Options): Ajv {
  const ajv = new Ajv({ removeAdditional: false, useDefaults: true, allErrors: false, strict: false, ...opts });
  addFormats.default(ajv);
  // ajv-formats' "email" is ASCII only; ours also takes SMTPUTF8 local parts and IDN domains,
  // the same rule CSV rows are held to (src/lib/email.ts).
  ajv.addFormat('email', isValidEmail);
  return ajv;
}

export function validatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const strict = makeAjv({ coerceTypes: false });
  const coercing = makeAjv({ coerceTypes: 'array' });
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return ajv.compile(schema as object);
  };
}
