// Ordered ids: valid UUIDv7, and in the order they were made, even thousands in one millisecond.
import { describe, expect, it } from 'vitest';
import { isUuid, newOrderedId } from './ids.js';

describe('newOrderedId', () => {
  it('makes UUIDv7s that sort in the order they were made', () => {
    const ids = Array.from({ length: 10_000 }, () => newOrderedId());
    expect(ids.filter((id) => !isUuid(id) || id[14] !== '7')).toEqual([]);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
