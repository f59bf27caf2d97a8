// Lets the event loop run between the chunks of a long piece of synchronous work: the CSV import's
// chunks, directory sync's bulk writes, the search index's catch-up. On SQLite every statement runs
// on the main thread (better-sqlite3), and `await` between them yields only to other promises,
// never to I/O: a CSV import of 10,000 recipients into a client of 90,000 held the event loop for
// up to 1.5 s, during which no request — health, sign-in, a page served by a reader thread — was
// even read. Between chunks the server answers others; a transaction in progress keeps the writer
// connection, so their writes wait for it as before, and their reads go to the reader threads,
// which see the last commit.
export const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
