// IANA time zone names as people type them. Intl is the only tz database Baitwise uses, so a
// name is valid exactly when Intl knows it. Only the letter case is corrected (europe/berlin →
// Europe/Berlin), never the name itself: ICU "canonicalises" current names to old ones
// (Asia/Kolkata → Asia/Calcutta, Europe/Kyiv → Europe/Kiev), which would surprise whoever typed them.

let spellings: Map<string, string> | undefined;

/** The zone's name as stored, or undefined when Intl does not know it (or it is blank). */
export function canonicalTimeZone(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  const key = trimmed.toLowerCase();
  if (resolved.toLowerCase() === key) return resolved;
  spellings ??= new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
  return spellings.get(key) ?? trimmed;
}
