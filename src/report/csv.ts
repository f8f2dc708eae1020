// CSV views of a Report (the collector's overview, or one row per photo): UTF-8 with a BOM so that Excel reads the Chinese.
import type { Lang } from '../i18n/messages.ts';
import type { Report } from './report.ts';
import { overviewTable, photosTable } from './tables.ts';

export interface CsvOptions {
  lang: Lang;
  /** `overview`: units × activities; `photos`: one row per photo with each rule's status, the reasons and fixes. */
  sheet: 'overview' | 'photos';
}

/** RFC 4180 CSV (CRLF, fields quoted where needed) behind a UTF-8 byte order mark. */
export function reportCsv(report: Report, opts: CsvOptions): string {
  const table = opts.sheet === 'overview' ? overviewTable(report, opts.lang) : photosTable(report, opts.lang);
  const lines = [table.columns.map((c) => c.header), ...table.rows.map((r) => r.values)].map((row) => row.map(field).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

function field(value: string | number): string {
  if (typeof value === 'number') return String(value);
  // A text starting with = + - @ would be run as a formula by a spreadsheet (file names come from users).
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
