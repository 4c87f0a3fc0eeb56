/** Database errors that callers act on, recognised the same way on PGlite and node-postgres. */

function sqlStateOf(error: unknown): string | undefined {
  let current: unknown = error;
  // drizzle wraps the driver's error in `cause`; the SQLSTATE is on the driver's error.
  for (let depth = 0; depth < 3 && typeof current === 'object' && current !== null; depth++) {
    if ('code' in current && typeof current.code === 'string') return current.code;
    current = 'cause' in current ? current.cause : undefined;
  }

  return undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlStateOf(error) === '23505';
}
