// `photocheck worker`: one analysis worker process (workers/analysis-worker.ts) until SIGTERM.
import { runWorkerUntilSignalled, type AnalysisWorkerOptions } from '../../workers/analysis-worker.ts';

export async function workerCommand(o: AnalysisWorkerOptions): Promise<void> {
  await runWorkerUntilSignalled(o);
}
