// Real photocheck processes for integration tests: spawn, read their JSON log lines, wait for events, signal them.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const root = join(import.meta.dirname, '..', '..');
export const bin = join(root, 'bin', 'photocheck.js');

export interface LogEvent {
  event?: string;
  sha256?: string;
  worker?: string;
  [key: string]: unknown;
}

export class CliProcess {
  readonly child: ChildProcess;
  readonly events: LogEvent[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: { test: (e: LogEvent) => boolean; resolve: (e: LogEvent) => void }[] = [];

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.stdout += `${line}\n`;
      let e: LogEvent | undefined;
      try {
        e = JSON.parse(line) as LogEvent;
      } catch {
        return;
      }
      this.events.push(e);
      this.waiters = this.waiters.filter((w) => (w.test(e!) ? (w.resolve(e!), false) : true));
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The first event (already seen or to come) that passes `test`; rejects after `ms` or when the process exits. */
  waitFor(test: (e: LogEvent) => boolean, ms = 120_000, what = 'event'): Promise<LogEvent> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms; stderr:\n${this.stderr}\nstdout tail:\n${this.stdout.slice(-2000)}`)), ms);
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`process exited (${code ?? signal}) before ${what}; stderr:\n${this.stderr}`));
      });
      this.waiters.push({
        test,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  count(event: string, sha?: string): number {
    return this.events.filter((e) => e.event === event && (sha === undefined || e.sha256 === sha)).length;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}
