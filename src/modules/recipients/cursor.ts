// The recipients list cursor: the last row's sort key (display name, id), opaque to callers as
// base64url JSON. Rows without a display name sort after all named rows (on both engines, see
// README.md), so the cursor may carry a null name.
import { ValidationError } from '../../lib/errors.js';

export interface ListCursor {
  name: string | null;
  id: string;
}

export const encodeCursor = (c: ListCursor): string =>
  Buffer.from(JSON.stringify([c.name, c.id]), 'utf8').toString('base64url');

export function decodeCursor(raw: string): ListCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && (v[0] === null || typeof v[0] === 'string') && typeof v[1] === 'string') {
      if (v[1].length > 0 && v[1].length <= 64) return { name: v[0], id: v[1] };
    }
  } catch {
    // fall through: any malformed cursor is the caller's mistake, not a server error
  }
  throw new ValidationError('cursor', 'The cursor is not valid; start again from the first page.');
}
