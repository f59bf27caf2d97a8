// Client-side checks mirror the server's rules so most mistakes are caught before a round trip;
// the server stays the authority and its field errors land on the same inputs.

export const MIN_PASSWORD_LENGTH = 12;

export function required(label: string) {
  return (value: string) => (value.trim() ? null : `${label} is required`);
}

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
