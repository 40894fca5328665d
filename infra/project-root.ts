import { join } from 'node:path';

/** The repository root: entries and the lock file are resolved from here, whatever the cwd. */
export const PROJECT_ROOT = join(import.meta.dirname, '..');
