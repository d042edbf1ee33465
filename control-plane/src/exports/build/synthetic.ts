import { mulberry32 } from '@conductor/example-origin/prng';
import type { LineSource } from './pack.ts';

// Words in several scripts, so lines carry 1- to 4-byte UTF-8 characters and chunk cuts fall inside them.
const WORDS = ['export', 'chunk', 'merkle', 'tenant', 'résumé', 'naïve', 'Größe', 'Ελλάδα', 'данные', '東京', '数据', '검증', '🔒', '📦', 'ok', 'a'];

/**
 * A seeded, restartable source of `lines` JSONL lines for tests and benchmarks: line `i` depends
 * only on (seed, i), so a build killed anywhere re-reads exactly the same bytes from its cursor
 * (the index of the next line). Lines average about `meanLineBytes` bytes (default 1 KiB).
 */
export function syntheticLines(opts: { seed: number; lines: number; meanLineBytes?: number }): LineSource<number> {
  const meanWords = Math.max(1, Math.round((opts.meanLineBytes ?? 1024) / 7));
  return (cursor) =>
    (async function* () {
      for (let i = cursor ?? 0; i < opts.lines; i++) {
        const rand = mulberry32((opts.seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
        const count = 1 + Math.floor(rand() * 2 * meanWords);
        const words: string[] = [];
        for (let w = 0; w < count; w++) words.push(WORDS[Math.floor(rand() * WORDS.length)]!);
        yield { line: JSON.stringify({ i, text: words.join(' ') }), cursorAfter: i + 1 };
      }
    })();
}
