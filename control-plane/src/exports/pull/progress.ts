import cliProgress from 'cli-progress';
import prettyBytes from 'pretty-bytes';

/*
 * What a pull reports while it runs, and how it reads (pure: the clock is passed in). The CLI draws
 * it as a cli-progress bar on a terminal and as plain lines otherwise (cli/commands/export.ts);
 * both use these strings, so a log and a terminal say the same thing.
 */

export interface PullProgress {
  exportId: string;
  totalBytes: number;
  /** Bytes of the export accounted for: verified on disk, or received and written in this run. */
  doneBytes: number;
  /** Bytes received from the control plane in this run. */
  fetchedBytes: number;
  chunksTotal: number;
  /** Chunks verified and in place. */
  chunksDone: number;
}

/**
 * The pull's speed over the last `windowMs` of samples: recent enough to follow a change of
 * network, long enough not to jump with each buffer. It measures doneBytes, so a rerun that
 * re-hashes chunks on disk shows that work too, and the ETA covers both kinds of work.
 */
export class RateMeter {
  private readonly samples: Array<{ at: number; bytes: number }> = [];

  constructor(private readonly windowMs = 10_000) {}

  /**
   * `at`: a monotonic time in ms (performance.now()); `bytes`: a running total. Samples closer
   * than 100 ms to the last one update it in place, so a pull reporting every buffer keeps about a
   * hundred samples, not one per 64 KiB.
   */
  sample(at: number, bytes: number): void {
    const last = this.samples.at(-1);
    if (last && this.samples.length > 1 && at - this.samples.at(-2)!.at < 100) {
      last.at = at;
      last.bytes = bytes;
      return;
    }
    this.samples.push({ at, bytes });
    // Keep one sample at or before the window's start, so the span always covers the window.
    while (this.samples.length > 2 && this.samples[1]!.at <= at - this.windowMs) this.samples.shift();
  }

  /** Bytes per second, or undefined until the samples span a quarter of a second. */
  rate(): number | undefined {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at - first.at < 250) return undefined;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }
}

/** IEC units (KiB, MiB), three significant digits: "1.5 KiB", "10 MiB", "2.5 GiB". */
export function formatBytes(bytes: number): string {
  return prettyBytes(bytes, { binary: true });
}

export function formatRate(bytesPerSecond: number | undefined): string {
  return bytesPerSecond === undefined ? '-- B/s' : `${formatBytes(bytesPerSecond)}/s`;
}

/** Seconds left at this rate, or undefined when it cannot be told (no rate yet, or a stall). */
export function etaSeconds(progress: Pick<PullProgress, 'totalBytes' | 'doneBytes'>, bytesPerSecond: number | undefined): number | undefined {
  const left = Math.max(0, progress.totalBytes - progress.doneBytes);
  if (left === 0) return 0;
  if (bytesPerSecond === undefined || bytesPerSecond <= 0) return undefined;
  return left / bytesPerSecond;
}

/** "05s", "01m01s", "01h00m" (cli-progress's own format, so the bar and the lines agree); "--" when unknown. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--';
  // cli-progress pads whole numbers only: a fraction under ten seconds would print as ".5s".
  return cliProgress.Format.TimeFormat(Math.ceil(seconds), { autopaddingChar: '0' }, 1);
}

export function percent(progress: Pick<PullProgress, 'totalBytes' | 'doneBytes'>): number {
  return progress.totalBytes === 0 ? 100 : Math.floor((progress.doneBytes * 100) / progress.totalBytes);
}

/**
 * The values the bar's format string names. Not {total} or {eta}: cli-progress fills those itself
 * (a raw count and its own estimate) over any payload of the same name.
 */
export function progressFields(progress: PullProgress, bytesPerSecond: number | undefined) {
  return {
    done: formatBytes(progress.doneBytes),
    size: formatBytes(progress.totalBytes),
    rate: formatRate(bytesPerSecond),
    left: formatEta(etaSeconds(progress, bytesPerSecond)),
    chunks: `${progress.chunksDone}/${progress.chunksTotal}`,
  };
}

/** cli-progress format string over progressFields; {bar} and {percentage} are its own. */
export const PROGRESS_BAR_FORMAT = '{bar} {percentage}% | {done} / {size} | {rate} | ETA {left} | chunks {chunks}';

/** One line of progress for a log: what a terminal's bar shows, in words. */
export function progressLine(progress: PullProgress, bytesPerSecond: number | undefined): string {
  const f = progressFields(progress, bytesPerSecond);
  return `pull ${progress.exportId}: ${f.done} / ${f.size} (${percent(progress)}%), chunks ${f.chunks}, ${f.rate}, ETA ${f.left}`;
}
