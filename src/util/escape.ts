// Escaping text for HTML and SVG (XML): element content and quoted attribute values. `&#39;` is valid in both.
const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeMarkup(s: string): string {
  return s.replace(/[&<>"']/g, (c) => entities[c]!);
}
