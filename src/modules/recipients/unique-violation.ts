// A unique index rejected a write. The services check for duplicates first, so this only
// happens when two requests race; it is still the caller's conflict, not a server error.
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
