// Client-side checks mirror the server's rules so most mistakes are caught before a round trip;
// the server stays the authority and its field errors land on the same inputs.

export const MIN_PASSWORD_LENGTH = 12;

export function required(label: string) {
  return (value: string) => (value.trim() ? null : `${label} is required`);
}

/**
 * Props for an email address input. Not type="email": Chromium rewrites an internationalised
 * domain in such an input to its xn-- form (ann@müller.de arrives as ann@xn--mller-kva.de) and
 * the HTML rule it checks is ASCII only. A text input with the email keyboard keeps what was
 * typed; the server checks it (SMTPUTF8 local parts and IDN domains are accepted there).
 */
export const emailInputProps = { type: 'text', inputMode: 'email', autoCapitalize: 'none', spellCheck: false } as const;

export function email(value: string): string | null {
  if (!value.trim()) return 'Email is required';
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()) ? null : 'Enter a valid email address';
}

export function password(value: string): string | null {
  if (!value) return 'Password is required';
  return value.length >= MIN_PASSWORD_LENGTH ? null : `Use at least ${MIN_PASSWORD_LENGTH} characters`;
}

export function matches(field: string, message = 'The passwords do not match') {
  return (value: string, values: Record<string, unknown>) => (value === values[field] ? null : message);
}
