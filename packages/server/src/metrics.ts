/** Minimal Prometheus text exposition (format 0.0.4): counters, gauges, histograms. */

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return '{' + entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',') + '}';
}

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(value: number, labels: Labels = {}): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((le, i) => lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: String(le) })} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${s.sum}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

export interface MetricSample {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  values: Array<{ labels?: Labels; value: number }>;
}

export function renderMetrics(samples: MetricSample[], histograms: Histogram[]): string {
  const parts: string[] = [];
  for (const s of samples) {
    parts.push(`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} ${s.type}`);
    for (const v of s.values) parts.push(`${s.name}${labelText(v.labels ?? {})} ${v.value}`);
  }
  for (const h of histograms) parts.push(h.render());
  return parts.join('\n') + '\n';
}

/** Events per second over a sliding window of whole seconds. */
export class RateMeter {
  private readonly window: number[];
  private lastSecond = 0;
  constructor(private readonly seconds = 10, private readonly now: () => number = Date.now) {
    this.window = new Array<number>(seconds).fill(0);
  }
  mark(n = 1): void {
    this.advance();
    this.window[this.lastSecond % this.seconds]! += n;
  }
  perSecond(): number {
    this.advance();
    return this.window.reduce((a, b) => a + b, 0) / this.seconds;
  }
  private advance(): void {
    const second = Math.floor(this.now() / 1000);
    if (this.lastSecond === 0) this.lastSecond = second;
    while (this.lastSecond < second) {
      this.lastSecond++;
      this.window[this.lastSecond % this.seconds] = 0;
      if (second - this.lastSecond > this.seconds) this.lastSecond = second - this.seconds;
    }
  }
}
