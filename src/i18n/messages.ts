// Bilingual message data and the one formatter that fills {{placeholders}}.

export type Lang = 'zh' | 'en';

export interface Message {
  zh: string;
  en: string;
}

/** Fill `{{name}}` placeholders from data; a missing value is left visible as `{{name}}`. */
export function format(template: string, data: Record<string, unknown> = {}): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    const value = data[key];
    if (value === undefined || value === null) return whole;
    return typeof value === 'number' ? formatNumber(value) : String(value);
  });
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Math.round(n * 100) / 100);
}

/** Placeholder names used in a template, sorted; zh and en of one message must use the same set. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!))].sort();
}

export function render(message: Message, lang: Lang, data?: Record<string, unknown>): string {
  return format(message[lang], data);
}
