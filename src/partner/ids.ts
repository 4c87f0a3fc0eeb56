/** Ids as partners send them: anything that is not a canonical UUID simply matches nothing. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The form the database returns, so ids from requests and rows compare equal. */
export function normalUuid(value: string): string | undefined {
  return isUuid(value) ? value.toLowerCase() : undefined;
}
