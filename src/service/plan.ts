// The photo set of a new version: the previous version's photos, with uploads replacing or adding by file name.
import { PhotocheckError } from '../errors/catalogue.ts';
import type { SubmissionPhoto } from '../store/store.ts';

/** merge: uploads replace or add to the previous version's photos · replace: the uploads are the whole new version. */
export type SubmitMode = 'merge' | 'replace';

export interface PlannedVersion {
  photos: SubmissionPhoto[];
  /** Files of the previous version that the new one no longer has. */
  removed: string[];
}

/**
 * Plan the next version. A file uploaded under a name the previous version had is `replaced` (or `unchanged`
 * when the bytes are the same); a new name is `added`; `remove` drops names, and in `replace` mode every name
 * not uploaded is dropped.
 */
export function planVersion(
  previous: readonly SubmissionPhoto[],
  uploads: readonly { file: string; sha256: string }[],
  opts: { mode: SubmitMode; remove?: readonly string[] },
): PlannedVersion {
  const seen = new Set<string>();
  for (const u of uploads) {
    if (seen.has(u.file)) throw new PhotocheckError('PC_ERR_BAD_REQUEST', { issues: `file "${u.file}" is uploaded twice` });
    seen.add(u.file);
  }
  const before = new Map(previous.map((p) => [p.file, p.sha256]));
  const unknown = (opts.remove ?? []).filter((f) => !before.has(f));
  if (unknown.length > 0) throw new PhotocheckError('PC_ERR_BAD_REQUEST', { issues: `remove: no photo named ${unknown.map((f) => `"${f}"`).join(', ')} in the previous version` });
  const clash = (opts.remove ?? []).filter((f) => seen.has(f));
  if (clash.length > 0) throw new PhotocheckError('PC_ERR_BAD_REQUEST', { issues: `remove: "${clash[0]}" is also uploaded` });

  const kept = new Map<string, SubmissionPhoto>();
  if (opts.mode === 'merge') {
    const dropped = new Set(opts.remove ?? []);
    for (const p of previous) if (!dropped.has(p.file)) kept.set(p.file, { file: p.file, sha256: p.sha256, change: 'unchanged' });
  }
  for (const u of uploads) {
    const old = before.get(u.file);
    kept.set(u.file, { file: u.file, sha256: u.sha256, change: old === undefined ? 'added' : old === u.sha256 ? 'unchanged' : 'replaced' });
  }
  const photos = [...kept.values()].sort((a, b) => a.file.localeCompare(b.file, 'zh'));
  return { photos, removed: previous.map((p) => p.file).filter((f) => !kept.has(f)) };
}
