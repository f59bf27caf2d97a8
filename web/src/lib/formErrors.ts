import type { ReactNode } from 'react';
import { ApiError } from '../api/errors';
import { describeError } from './describeError';
import { notifyFailure } from './notify';

interface FormLike {
  getValues: () => object;
  setFieldError: (path: string, error: ReactNode) => void;
}

/**
 * Puts a server rejection beside the input it concerns (`details.field`), or, when the field is
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
    if (field in form.getValues()) {
      form.setFieldError(field, describeError(error));
      return;
    }
  }
  notifyFailure(title, error);
}
