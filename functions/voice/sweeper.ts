/**
 * Placeholder so the stack can bundle the sweeper Lambda; the real call sweeper replaces this file.
 */
export const handler = async (): Promise<void> => {};
