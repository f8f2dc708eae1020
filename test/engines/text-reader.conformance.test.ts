// Runs the TextReader conformance suite against PP-OCRv4 and tesseract.js (real models, committed fixture images).
import { createTextReader } from '../../src/analysis/text/index.ts';
import { describeTextReader } from './text-reader.conformance.ts';

// PP-OCRv4 reads both fixtures exactly (scores 0.99+) and nothing in the photo without text.
describeTextReader('PpOcrReader', () => createTextReader('ppocr'), {
  reads: {
    'text-banner-red.jpg': { minAccuracy: 1, keyPhrases: ['雁江镇关爱一老一小志愿服务活动'] },
    'text-sign-black.jpg': { minAccuracy: 1, keyPhrases: ['新时代文明实践站', '雁江镇志愿服务队'] },
  },
  noTextMaxScore: 0.5,
});

// tesseract.js chi_sim, PSM 3, measured: banner "[用砍江镇关爱一老一小志愿服务活动" (0.80, score 0.61);
// sign "从新时代文明实践站" (0.875, 0.86) and "雁江镇志愿服务队" (1.00, 0.85); nothing in the photo without text.
describeTextReader('TesseractReader', () => createTextReader('tesseract'), {
  reads: {
    'text-banner-red.jpg': { minAccuracy: 0.75, keyPhrases: ['志愿服务活动'] },
    'text-sign-black.jpg': { minAccuracy: 0.85, keyPhrases: ['雁江镇志愿服务队'] },
  },
  noTextMaxScore: 0.5,
});
