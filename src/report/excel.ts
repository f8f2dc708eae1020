// The Excel workbook of a Report (exceljs): the collector's units × activities overview and one row per photo, coloured by status.
import ExcelJS from 'exceljs';
import type { Lang } from '../i18n/messages.ts';
import type { Report } from './report.ts';
import { overviewTable, photosTable, type Table, type Tone } from './tables.ts';

export interface WorkbookOptions {
  lang: Lang;
}

/** Fill and font colours (ARGB) per tone, Excel's own "good / neutral / bad" styles. */
const toneStyle: Partial<Record<Tone, { fill: string; font: string }>> = {
  pass: { fill: 'FFC6EFCE', font: 'FF006100' },
  review: { fill: 'FFFFEB9C', font: 'FF9C5700' },
  fail: { fill: 'FFFFC7CE', font: 'FF9C0006' },
  error: { fill: 'FFFFC7CE', font: 'FF9C0006' },
  missing: { fill: 'FFD9D9D9', font: 'FF404040' },
  pending: { fill: 'FFDDEBF7', font: 'FF1F4E78' },
  late: { fill: 'FFF8CBAD', font: 'FF843C0C' },
};

/**
 * The xlsx bytes: sheet 总览 / Overview (a row per unit, a column per activity: 合格 / 不合格 / 待复核 / 未提交 /
 * 检查中, with （逾期） when submitted after the deadline; then the unit's photo counts) and sheet 照片明细 / Photos
 * (a row per photo: verdict, people, each rule's status, reasons, how to fix). Works for `check` and service reports.
 */
export async function reportWorkbook(report: Report, opts: WorkbookOptions): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'photocheck';
  wb.title = report.campaign.title[opts.lang];
  wb.created = new Date(report.generatedAt);
  wb.modified = wb.created;
  addSheet(wb, overviewTable(report, opts.lang), 1);
  addSheet(wb, photosTable(report, opts.lang), 3);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function addSheet(wb: ExcelJS.Workbook, table: Table, frozenColumns: number): void {
  const ws = wb.addWorksheet(table.name, { views: [{ state: 'frozen', xSplit: frozenColumns, ySplit: 1 }] });
  ws.columns = table.columns.map((c) => ({ header: c.header, width: c.width }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  for (const row of table.rows) {
    const r = ws.addRow(row.values);
    r.alignment = { vertical: 'top', wrapText: true };
    row.tones.forEach((tone, i) => {
      const style = tone && toneStyle[tone];
      if (!style) return;
      const cell = r.getCell(i + 1);
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: style.fill } };
      cell.font = { color: { argb: style.font }, bold: tone === 'late' };
    });
  }
  if (table.rows.length > 0) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
}
