// Worker-thread entry: workers don't inherit the main thread's TypeScript loader, so register tsx here.
import { register } from 'tsx/esm/api';

register();
await import('./pool-worker.ts');
