import type { ReactNode } from 'react';
import { ApiError } from '../api/errors';
import { describeError } from './describeError';
import { notifyFailure } from './notify';

interface FormLike {
  getValues: () => object;
  setFieldError: (path: string, error: ReactNode) => void;
}

/** Whether `path` ("smtp.password", "customHeaders.0.name") names a value of the form. */
function hasPath(values: object, path: string): boolean {
  let node: unknown = values;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return true;
}

/**
 * Puts a server rejection beside the input it concerns (`details.field`, a dotted path for nested inputs), or, when the field is
 * not on this form, into a notification. `fieldMap` translates API field names that the form
 * calls differently (e.g. password → newPassword).
 */
export function showServerError(
  form: FormLike,
  error: unknown,
  title: string,
  fieldMap: Record<string, string> = {},
): void {
  if (error instanceof ApiError && error.field) {
    const field = fieldMap[error.field] ?? error.field;
    if (hasPath(form.getValues(), field)) {
      form.setFieldError(field, describeError(error));
      return;
    }
  }
  notifyFailure(title, error);
}
