// Turns CLI paths into (unit, activity, file) items: a <单位>/<活动>/ tree, a unit folder, or files with --unit/--activity.
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Campaign } from '../campaign/schema.ts';
import { findActivity, findUnit } from '../campaign/load.ts';
import { PhotocheckError } from '../errors/catalogue.ts';

export interface PhotoItem {
  unit: string;
  activity: string;
  /** Path as given or found on disk. */
  path: string;
  /** Name shown in reports: relative to the folder that was given. */
  file: string;
}

const ignored = /^(\.|Thumbs\.db$|desktop\.ini$)/i;

function listDir(dir: string): { files: string[]; dirs: string[] } {
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !ignored.test(e.name));
  entries.sort((a, b) => a.name.localeCompare(b.name, 'zh'));
  return {
    files: entries.filter((e) => e.isFile()).map((e) => join(dir, e.name)),
    dirs: entries.filter((e) => e.isDirectory()).map((e) => join(dir, e.name)),
  };
}

/** Every non-hidden file below dir (any type: non-images become error entries in the report). */
function allFiles(dir: string): string[] {
  const { files, dirs } = listDir(dir);
  return [...files, ...dirs.flatMap(allFiles)];
}

function statOrThrow(path: string) {
  try {
    return statSync(path);
  } catch {
    throw new PhotocheckError('PC_ERR_USAGE', { reason: `找不到 ${path} / ${path} does not exist` });
  }
}

function unitFolder(campaign: Campaign, dir: string, unit: string, root: string, activity?: string): PhotoItem[] {
  const { files, dirs } = listDir(dir);
  if (activity) {
    const a = findActivity(campaign, activity).id;
    return allFiles(dir).map((p) => ({ unit, activity: a, path: p, file: relative(root, p) || basename(p) }));
  }
  if (files.length > 0) {
    throw new PhotocheckError('PC_ERR_USAGE', {
      reason: `${dir} 中的照片应放在活动文件夹里（${dir}/<活动>/），或用 --activity 指定活动 / photos in ${dir} belong in activity folders (${dir}/<activity>/), or give --activity`,
    });
  }
  return dirs.flatMap((d) => {
    const a = findActivity(campaign, basename(d)).id;
    return allFiles(d).map((p) => ({ unit, activity: a, path: p, file: relative(root, p) }));
  });
}

/**
 * Resolve paths to photo items. With --unit and --activity every file given or found is theirs.
 * Otherwise a folder is a tree of <单位>/<活动>/ folders, or (when named after a unit, or with --unit)
 * one unit's <活动>/ folders. Unknown unit or activity names are usage errors, found before any work starts.
 */
export function collectPhotos(campaign: Campaign, paths: string[], opts: { unit?: string; activity?: string } = {}): PhotoItem[] {
  if (paths.length === 0) throw new PhotocheckError('PC_ERR_USAGE', { reason: '请给出照片文件夹或文件 / give a folder or photo files' });
  if (opts.activity && !opts.unit) {
    throw new PhotocheckError('PC_ERR_USAGE', { reason: '--activity 需要与 --unit 一起使用 / --activity needs --unit' });
  }
  const unit = opts.unit ? findUnit(campaign, opts.unit).id : undefined;
  const items: PhotoItem[] = [];
  for (const path of paths) {
    const st = statOrThrow(path);
    if (st.isFile()) {
      if (!unit || !opts.activity) {
        throw new PhotocheckError('PC_ERR_USAGE', {
          reason: `单个文件需要 --unit 和 --activity（${path}） / single files need --unit and --activity (${path})`,
        });
      }
      items.push({ unit, activity: findActivity(campaign, opts.activity).id, path, file: basename(path) });
    } else if (unit) {
      items.push(...unitFolder(campaign, path, unit, path, opts.activity));
    } else {
      const named = campaign.units.find((u) => u.id === basename(path) || u.aliases.includes(basename(path)));
      if (named) {
        items.push(...unitFolder(campaign, path, named.id, join(path, '..')));
        continue;
      }
      const { files, dirs } = listDir(path);
      if (files.length > 0) {
        throw new PhotocheckError('PC_ERR_USAGE', {
          reason: `${path} 应按“单位/活动/照片”分文件夹，或用 --unit 和 --activity 指定 / lay ${path} out as <unit>/<activity>/photos, or give --unit and --activity`,
        });
      }
      for (const d of dirs) items.push(...unitFolder(campaign, d, findUnit(campaign, basename(d)).id, path));
    }
  }
  if (items.length === 0) throw new PhotocheckError('PC_ERR_NO_PHOTOS', { path: paths.join(', ') });
  return items;
}
