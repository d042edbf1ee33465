import type { Finding } from './finding.ts';
import { DEFAULT_GIVEN_NAMES, DEFAULT_SURNAMES, TITLES } from './name-list.ts';

export interface NameLists {
  givenNames?: readonly string[];
  surnames?: readonly string[];
}

// A capitalised word, letters (any script) with inner apostrophes or hyphens: O'Brien, Min-jun.
const WORD = /(?<![\p{L}\p{M}\p{N}])\p{Lu}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*(?![\p{L}\p{M}\p{N}])/gu;
// Capitalised function words that open sentences; never the first half of "Firstname Surname".
const NOT_A_NAME = new Set(['The', 'A', 'An', 'This', 'That', 'These', 'Those', 'In', 'On', 'At', 'For', 'From', 'By', 'With', 'And', 'But', 'Or', 'If', 'When', 'While', 'After', 'Before', 'During', 'Our', 'Their', 'His', 'Her', 'Its', 'No', 'Not', 'All', 'Any', 'Each', 'Every', 'Some', 'To', 'Of', 'As']);
const MAX_NAME_WORDS = 3;

/**
 * Person names: a known given name followed by capitalised words ("Aisha Khan", "Ingrid Marie
 * Berg"), an honorific and a capitalised word ("Dr. Okafor"), or a capitalised word before a known
 * surname ("Xiu Zhang"). A lone first or last name is not reported: without context it is as often
 * a place, a product or a word at the start of a sentence.
 */
export function createNameFinder(lists: NameLists = {}): (text: string) => Finding[] {
  const given = new Set(lists.givenNames ?? DEFAULT_GIVEN_NAMES);
  const surnames = new Set(lists.surnames ?? DEFAULT_SURNAMES);
  const titles = new Set(TITLES);
  return (text) => {
    const words = [...text.matchAll(WORD)].map((m) => ({ word: m[0], start: m.index, end: m.index + m[0].length }));
    const joined = (i: number, allowDot: boolean) => {
      const gap = i + 1 < words.length ? text.slice(words[i]!.end, words[i + 1]!.start) : null;
      return gap === ' ' || (allowDot && gap === '. ');
    };
    const found: Finding[] = [];
    let i = 0;
    while (i < words.length) {
      const word = words[i]!.word;
      let last = -1;
      if (titles.has(word) && joined(i, true)) {
        last = i + 1;
      } else if (given.has(word) && joined(i, false)) {
        last = i + 1;
        while (last - i + 1 < MAX_NAME_WORDS && joined(last, false) && (given.has(words[last + 1]!.word) || surnames.has(words[last + 1]!.word))) last++;
      } else if (!NOT_A_NAME.has(word) && joined(i, false) && surnames.has(words[i + 1]!.word)) {
        last = i + 1;
      }
      if (last < 0) {
        i++;
        continue;
      }
      found.push({ type: 'name', start: words[i]!.start, end: words[last]!.end });
      i = last + 1;
    }
    return found;
  };
}
