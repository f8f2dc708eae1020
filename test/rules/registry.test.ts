// Parity: every rule has a test file and matching zh/en messages; the campaign names only known rules.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { placeholders } from '../../src/i18n/messages.ts';
import { rules } from '../../src/rules/index.ts';
import { campaign } from '../helpers/analysis.ts';
import { errorCatalogue } from '../../src/errors/catalogue.ts';

describe('rule registry', () => {
  for (const [id, rule] of Object.entries(rules)) {
    describe(id, () => {
      it('is registered under its own id and has a test file', () => {
        expect(rule.meta.id).toBe(id);
        expect(existsSync(new URL(`./${id}.test.ts`, import.meta.url))).toBe(true);
      });
      it('has the same placeholders in zh and en for every message and fix', () => {
        for (const m of [...Object.values(rule.meta.messages), ...Object.values(rule.meta.fixes)]) {
          expect(placeholders(m.zh)).toEqual(placeholders(m.en));
        }
      });
      it('has fixes only for messages it can return', () => {
        for (const k of Object.keys(rule.meta.fixes)) expect(Object.keys(rule.meta.messages)).toContain(k);
      });
      it('parses an empty options block to complete defaults', () => {
        const o = rule.meta.options.parse({}) as Record<string, unknown>;
        expect(Object.values(o).every((v) => v !== undefined)).toBe(true);
      });
    });
  }

  it('the 2023 campaign applies every registered rule', () => {
    expect(Object.keys(campaign.rules).sort()).toEqual(Object.keys(rules).sort());
  });

  it('error catalogue messages have the same placeholders in zh and en', () => {
    for (const e of Object.values(errorCatalogue)) expect(placeholders(e.zh)).toEqual(placeholders(e.en));
  });
});
