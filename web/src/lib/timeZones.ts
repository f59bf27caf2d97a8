// The IANA time zones the browser knows, for the time zone selects (training campaigns, recipients).
// A stored zone the list lacks (an alias such as Asia/Kolkata, which some browsers list under an
// older name) is kept as an option, so opening a form never drops it.
export function timeZoneOptions(keep?: string | null): string[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = ['UTC'];
  }
  return keep && !zones.includes(keep) ? [keep, ...zones] : zones;
}
