import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The build under test: what `npm run build` put in dist/, unless NEXUS_BENCH_DIST names
 * another build (a snapshot, or the build of another commit to compare with). Children inherit
 * the variable, so every process of one bench run measures the same build.
 */
export const DIST_DIR = path.resolve(process.env.NEXUS_BENCH_DIST ?? path.join(REPO_ROOT, 'dist'));

export const CLI_PATH = path.join(DIST_DIR, 'cli', 'main.js');
export const NEXUS_PATH = path.join(DIST_DIR, 'local-nexus', 'main.js');

/** Node arguments that run one of the bench's own TypeScript helpers in a child process. */
export function helperArgs(helper: string): string[] {
  return ['--import', 'tsx', path.join(REPO_ROOT, 'bench', 'children', helper)];
}
