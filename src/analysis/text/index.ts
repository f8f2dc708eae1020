// Picks a text reader by name (PP-OCRv4 or tesseract.js) for the theme-banner clause; eval and bench use the same names.
import type { TextReader } from '../types.ts';
import { PpOcrReader, type PpOcrOptions } from './ppocr.ts';
import { TesseractReader, type TesseractOptions } from './tesseract.ts';

export { PpOcrReader, ppOcrDefaults, type PpOcrOptions } from './ppocr.ts';
export { TesseractReader, tesseractDefaults, type TesseractOptions } from './tesseract.ts';

/** Options of each reader, by name. */
export interface TextReaderOptions {
  ppocr: PpOcrOptions;
  tesseract: TesseractOptions;
}

export type TextReaderName = keyof TextReaderOptions;

export const textReaderNames: readonly TextReaderName[] = ['ppocr', 'tesseract'];

/** A new text reader; its models load on the first `read`. Throws a TypeError for an unknown name or a bad option. */
export function createTextReader<N extends TextReaderName>(name: N, options?: TextReaderOptions[N]): TextReader {
  switch (name) {
    case 'ppocr':
      return new PpOcrReader(options as PpOcrOptions | undefined);
    case 'tesseract':
      return new TesseractReader(options as TesseractOptions | undefined);
    default:
      throw new TypeError(`Expected one of ${textReaderNames.join(', ')} for name but received ${String(name)}`);
  }
}
