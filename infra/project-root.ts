import { join } from 'node:path';

/** The repository root: entries, the lock file and the tsconfig are resolved from here, whatever the cwd. */
export const PROJECT_ROOT = join(import.meta.dirname, '..');
