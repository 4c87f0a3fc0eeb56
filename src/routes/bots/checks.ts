/** Checks of request bodies that a JSON schema cannot express. */
import { errors } from '../../http/errors.js';
import { isHttpUrl } from '../../knowledge/limits.js';

export function invalid(path: string, message: string) {
  return errors.validation([{ path, message }], `The request is invalid: ${path} ${message}`);
}

/** A PATCH must change something: an empty body is a mistake, not a no-op. */
export function requireChanges<T extends object>(changes: T, fields: readonly string[]): T {
  if (Object.keys(changes).length === 0) {
    throw invalid('(body)', `must change at least one of ${fields.join(', ')}`);
  }

  return changes;
}

export function checkUrl(url: string | null | undefined): void {
  if (url === null || url === undefined || isHttpUrl(url)) return;

  throw invalid('url', 'must be an http(s) URL');
}
