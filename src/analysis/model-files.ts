// Resolves model files listed in models/manifest.json to local paths inside node_modules, checking sha256.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PhotocheckError } from '../errors/catalogue.ts';

interface ManifestEntry {
  package: string;
  version: string;
  path: string;
  sha256: string;
}

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifest = JSON.parse(readFileSync(join(projectRoot, 'models', 'manifest.json'), 'utf8')) as {
  files: Record<string, ManifestEntry>;
};
const require = createRequire(import.meta.url);
const verified = new Set<string>();

export type ModelFileId = keyof typeof manifest.files & string;

/** Directory of an installed npm package (works for packages without a resolvable main entry). */
export function packageDir(pkg: string): string {
  for (const base of require.resolve.paths(pkg) ?? []) {
    const dir = join(base, pkg);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new PhotocheckError('PC_ERR_MODEL_MISSING', { file: `${pkg}/package.json`, pkg });
}

/**
 * Absolute path of a model file, verified against the checksum in models/manifest.json once per process.
 * Throws PC_ERR_MODEL_MISSING (names the package to install) or PC_ERR_MODEL_CHECKSUM.
 */
export function modelPath(id: string): string {
  const entry = manifest.files[id];
  if (!entry) throw new Error(`Unknown model file id "${id}" (models/manifest.json)`);
  const file = join(packageDir(entry.package), entry.path);
  if (!existsSync(file)) throw new PhotocheckError('PC_ERR_MODEL_MISSING', { file, pkg: `${entry.package}@${entry.version}` });
  if (!verified.has(file)) {
    const actual = createHash('sha256').update(readFileSync(file)).digest('hex');
    if (actual !== entry.sha256) throw new PhotocheckError('PC_ERR_MODEL_CHECKSUM', { file, expected: entry.sha256, actual });
    verified.add(file);
  }
  return file;
}
