import cardValidator from 'card-validator';
import type { Finding } from './finding.ts';

// Runs of digits in groups joined by single spaces or hyphens, as cards are printed.
const CANDIDATE = /(?<![\d-])\d+(?:[ -]\d+)*(?![\d])/g;
const MIN_DIGITS = 12;
const MAX_DIGITS = 19;

/**
 * Card numbers: a run of digit groups (12–19 digits) that card-validator accepts: a known
 * network's IIN prefix, one of that network's lengths, and the Luhn check (UnionPay included).
 * Within a longer run (a card beside a date, say) the longest valid stretch of whole groups wins.
 */
export function findCards(text: string): Finding[] {
  const found: Finding[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const groups = [...match[0].matchAll(/\d+/g)].map((g) => ({ start: match.index + g.index, end: match.index + g.index + g[0].length, digits: g[0] }));
    let i = 0;
    while (i < groups.length) {
      const best = longestValidFrom(groups, i);
      if (best === null) {
        i++;
        continue;
      }
      found.push({ type: 'card', start: groups[i]!.start, end: groups[best]!.end });
      i = best + 1;
    }
  }
  return found;
}

function longestValidFrom(groups: { digits: string }[], from: number): number | null {
  let digits = '';
  let best: number | null = null;
  for (let j = from; j < groups.length; j++) {
    digits += groups[j]!.digits;
    if (digits.length > MAX_DIGITS) break;
    if (digits.length >= MIN_DIGITS && cardValidator.number(digits, { luhnValidateUnionPay: true }).isValid) best = j;
  }
  return best;
}
