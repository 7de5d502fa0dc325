// Where the package's own files are, whether running from src/ (tsx, jest) or dist/ (built).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const packageRoot = fileURLToPath(new URL('..', import.meta.url));
export const specsDir = join(packageRoot, 'specs');
export const fixturesDir = join(packageRoot, 'fixtures');
export const dashboardDir = join(packageRoot, 'dashboard');
