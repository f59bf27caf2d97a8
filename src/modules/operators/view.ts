// The public shape of an operator. Never includes the password hash or lockout internals.
import { Type } from '@sinclair/typebox';
import type { Operator } from '../../db/types.js';

export const OperatorSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String({ format: 'email' }),
    name: Type.String(),
    role: Type.Union([Type.Literal('system_admin'), Type.Literal('client_admin')]),
    clientIds: Type.Array(Type.String({ format: 'uuid' })),
    disabled: Type.Boolean(),
    lastLoginAt: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
  },
  { $id: 'Operator', additionalProperties: false },
);

export const operatorView = (op: Operator, clientIds: string[]) => ({
  id: op.id,
  email: op.email,
  name: op.name,
  role: op.role,
  clientIds,
  disabled: op.disabled_at !== null,
  lastLoginAt: op.last_login_at,
  createdAt: op.created_at,
});
