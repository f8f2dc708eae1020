// Progress on stderr: a redrawn bar on a terminal, one line per photo otherwise; silent with --quiet.
import type { Lang } from '../i18n/messages.ts';

export class Progress {
  private done = 0;
  private readonly tty: boolean;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly lang: Lang,
    private readonly enabled = true,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  tick(label: string): void {
    this.done++;
    if (!this.enabled) return;
    const head = this.lang === 'zh' ? '检查' : 'Checked';
    const eta = this.eta();
    if (this.tty) {
      const width = 24;
      const filled = Math.round((this.done / this.total) * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const line = `${head} [${bar}] ${this.done}/${this.total} ${eta} ${label}`;
      this.stream.write(`\r\x1b[K${line.slice(0, (this.stream.columns ?? 100) - 1)}`);
      if (this.done === this.total) this.stream.write('\n');
    } else {
      this.stream.write(`${head} ${this.done}/${this.total} ${label}\n`);
    }
  }

  private eta(): string {
    if (this.done === 0 || this.done === this.total) return '';
    const perPhoto = (Date.now() - this.started) / this.done;
    const s = Math.round((perPhoto * (this.total - this.done)) / 1000);
    const t = s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
    return this.lang === 'zh' ? `剩余约 ${t}` : `~${t} left`;
  }
}
