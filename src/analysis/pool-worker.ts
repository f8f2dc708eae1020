// Worker-thread side of ThreadPoolAnalyser: loads the engines once and analyses the photos (or the part of one) it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { PhotocheckError } from '../errors/catalogue.ts';
import { LocalAnalyser, type AnalyserOptions } from './analyse.ts';
import type { Part } from './pool.ts';

const analyser = new LocalAnalyser(workerData as AnalyserOptions);

parentPort!.on('message', async ({ id, bytes, part }: { id: number; bytes: Uint8Array; part: Part }) => {
  try {
    const photo = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (part === 'people') parentPort!.postMessage({ id, people: await analyser.findPeople(photo) });
    else parentPort!.postMessage({ id, analysis: await (part === 'all' ? analyser.analyse(photo) : analyser.analyseWithoutPeople(photo)) });
  } catch (err) {
    const e = err as Error;
    const error = err instanceof PhotocheckError ? { code: err.code, data: err.data, message: e.message } : { message: e.message, stack: e.stack };
    parentPort!.postMessage({ id, error });
  }
});
