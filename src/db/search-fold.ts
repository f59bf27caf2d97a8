// How a search folds the letter case of names on SQLite, in one place: the `bw_lower` function of
// every connection (the read-write one and each reader thread's), the names the trigram index
// holds, and the search term. JavaScript's lower case, except that U+0130 (İ, the Turkish capital
// dotted I) becomes a plain "i": toLowerCase makes it "i" and a combining dot, which no term typed
// as "ibrahim" contains, and FTS5 does not fold it at all, so "İbrahim" was found by neither way on
// SQLite while PostgreSQL's lower() finds it. Must stay a self-contained arrow function: its source
// is also evaluated in the reader threads (sqlite-readers.ts).
export const foldName = (s: string): string => s.replace(/\u0130/g, 'i').toLowerCase();
