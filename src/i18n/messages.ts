// Bilingual message data and the one formatter that fills {{placeholders}}.

export type Lang = 'zh' | 'en';

export interface Message {
  zh: string;
  en: string;
}

/**
 * Fill `{{name}}` placeholders from data; a missing value is left visible as `{{name}}`.
 * A value that is itself a Message ({ zh, en }) is shown in `lang`.
 */
export function format(template: string, data: Record<string, unknown> = {}, lang: Lang = 'zh'): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    const value = data[key];
    if (value === undefined || value === null) return whole;
    if (typeof value === 'number') return formatNumber(value);
    if (isMessage(value)) return value[lang];
    return String(value);
  });
}

function isMessage(v: unknown): v is Message {
  return typeof v === 'object' && v !== null && typeof (v as Message).zh === 'string' && typeof (v as Message).en === 'string';
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Math.round(n * 100) / 100);
}

/** Placeholder names used in a template, sorted; zh and en of one message must use the same set. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!))].sort();
}

/** A message with its placeholders filled, in both languages. */
export function fill(message: Message, data?: Record<string, unknown>): Message {
  return { zh: format(message.zh, data, 'zh'), en: format(message.en, data, 'en') };
}
