// Running again a statement PostgreSQL aborted for a lost race between processes — a deadlock
// (40P01), a serialization failure (40001), or a row or table another process made first — where
// running it again is right because the statement rolled back whole.

/** `fn` again while it fails with one of PostgreSQL's `codes`, at most `tries` times in all. */
export async function retryOnPgCodes<T>(codes: ReadonlySet<string>, fn: () => Promise<T>, tries = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!codes.has(String((err as { code?: unknown }).code)) || attempt >= tries) throw err;
    }
  }
}
