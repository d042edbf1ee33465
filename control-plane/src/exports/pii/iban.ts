import { isValidIBAN } from 'ibantools';
import type { Finding } from './finding.ts';

// Country code, two check digits, then BBAN characters, optionally grouped by single spaces.
const CANDIDATE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/g;
// Norway's, the shortest IBAN of the registry.
const MIN_LENGTH = 15;

/**
 * IBANs that ibantools validates: the country's length and BBAN format, and the ISO 7064 mod-97
 * check. The candidate pattern may run on into a following capitalised word, so the longest valid
 * prefix is taken.
 */
export function findIbans(text: string): Finding[] {
  const found: Finding[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const positions: number[] = [];
    let electronic = '';
    for (let i = 0; i < match[0].length; i++) {
      if (match[0][i] === ' ') continue;
      positions.push(match.index + i);
      electronic += match[0][i];
    }
    for (let n = electronic.length; n >= MIN_LENGTH; n--) {
      const next = text[positions[n - 1]! + 1];
      // A prefix ending inside a word is not an IBAN on its own.
      if (next !== undefined && /[A-Za-z0-9]/.test(next) && n < electronic.length) continue;
      if (isValidIBAN(electronic.slice(0, n))) {
        found.push({ type: 'iban', start: match.index, end: positions[n - 1]! + 1 });
        break;
      }
    }
  }
  return found;
}
