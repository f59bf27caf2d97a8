// Schema pieces shared by several modules.
import { type TSchema, Type } from '@sinclair/typebox';
import { PASSWORD_MIN_LENGTH } from '../lib/password.js';

export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
export const Password = Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: 256 });
export const Uuid = Type.String({ format: 'uuid' });
export const Role = Type.Union([Type.Literal('system_admin'), Type.Literal('client_admin')]);

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
    requestId: Type.String(),
  },
  { $id: 'Error' },
);

/** Strict object: unknown fields are rejected (Ajv is configured not to strip them). */
export const Strict = <T extends Record<string, TSchema>>(props: T) =>
  Type.Object(props, { additionalProperties: false });

export const ClientParams = Strict({ clientId: Uuid });
