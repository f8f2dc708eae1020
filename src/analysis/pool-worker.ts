// Worker-thread side of ThreadPoolAnalyser: loads the engines once and analyses the photos it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { PhotocheckError } from '../errors/catalogue.ts';
import { LocalAnalyser, type AnalyserOptions } from './analyse.ts';

const analyser = new LocalAnalyser(workerData as AnalyserOptions);

parentPort!.on('message', async ({ id, bytes }: { id: number; bytes: Uint8Array }) => {
  try {
    const analysis = await analyser.analyse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    parentPort!.postMessage({ id, analysis });
  } catch (err) {
    const e = err as Error;
    const error = err instanceof PhotocheckError ? { code: err.code, data: err.data, message: e.message } : { message: e.message, stack: e.stack };
    parentPort!.postMessage({ id, error });
  }
});
