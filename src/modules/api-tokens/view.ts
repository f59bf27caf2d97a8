// The public shape of an API token: never its hash or secret, only the prefix that identifies it.
import { Type } from '@sinclair/typebox';
import type { ApiTokenRow } from '../../db/types.js';
import { Uuid } from '../../http/schemas.js';

export const TokenSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    prefix: Type.String(),
    createdAt: Type.String(),
    lastUsedAt: Type.Union([Type.String(), Type.Null()]),
    expiresAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ApiToken' },
);

export const tokenView = (t: ApiTokenRow) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  createdAt: t.created_at,
  lastUsedAt: t.last_used_at,
  expiresAt: t.expires_at,
});
