import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js/max';
import type { Finding } from './finding.ts';

/** National formats are read as these countries' numbers; international (+CC) ones are found anyway. */
export const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = ['US', 'GB', 'DE', 'FR', 'IN'];

// No numbering plan we read has a dialable number of fewer digits, and most prose has fewer:
// skipping it saves the parser's passes over text that cannot hold a phone number.
const MIN_DIGITS = 6;
// A national-format number without its trunk prefix is accepted from this many digits (a NANP
// number, an Indian mobile). Shorter ones must start with the trunk prefix 0, as people write them:
// libphonenumber accepts German and French numbers without it, and then dates, SSN shapes and
// decimals of 8–9 digits read as valid numbers.
const BARE_NATIONAL_DIGITS = 10;

/**
 * Phone numbers that libphonenumber (the "max" metadata, so every number is checked against its
 * country's numbering plan, not only its length) finds valid, read once per region.
 */
export function findPhones(text: string, regions: readonly CountryCode[] = DEFAULT_PHONE_REGIONS): Finding[] {
  let digits = 0;
  for (let i = 0; i < text.length && digits < MIN_DIGITS; i++) if (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) digits++;
  if (digits < MIN_DIGITS) return [];
  const seen = new Set<string>();
  const found: Finding[] = [];
  for (const defaultCountry of regions) {
    for (const match of findPhoneNumbersInText(text, { defaultCountry })) {
      if (!written(text.slice(match.startsAt, match.endsAt))) continue;
      const key = `${match.startsAt}:${match.endsAt}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ type: 'phone', start: match.startsAt, end: match.endsAt });
    }
  }
  return found;
}

function written(number: string): boolean {
  if (number.startsWith('+') || number.startsWith('0')) return true;
  return number.replace(/\D/g, '').length >= BARE_NATIONAL_DIGITS;
}
