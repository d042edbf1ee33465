import { composeIBAN, friendlyFormatIBAN } from 'ibantools';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { PERSON_NAMES } from './names.ts';

/** The kinds of personal data the corpus plants (the scanner's finding types use the same words). */
export const PII_TYPES = ['email', 'phone', 'card', 'iban', 'ssn', 'ipv4', 'name'] as const;
export type PiiType = (typeof PII_TYPES)[number];

/** One value as it was written into the text: `body.slice(start, end) === value`. */
export interface PlantedValue {
  type: PiiType;
  value: string;
  start: number;
  end: number;
}

const int = (rng: RandomGenerator, from: number, to: number) => uniformInt(rng, from, to);
const pick = <T>(rng: RandomGenerator, items: readonly T[]): T => items[int(rng, 0, items.length - 1)]!;
const digits = (rng: RandomGenerator, n: number) => Array.from({ length: n }, () => String(int(rng, 0, 9))).join('');

// Domains reserved for documentation (RFC 2606), so no planted address is anyone's.
const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com'];

export function email(rng: RandomGenerator): string {
  const [given, family] = pick(rng, PERSON_NAMES).toLowerCase().split(' ') as [string, string];
  const local = pick(rng, [`${given}.${family}`, `${given[0]}${family}`, `${given}_${family}${int(rng, 1, 99)}`]);
  return `${local}@${pick(rng, EMAIL_DOMAINS)}`;
}

/**
 * National and international forms for five countries. Prefixes are ones the numbering plans
 * assign (geographic or mobile ranges, the UK's drama ranges), so a validating parser accepts them.
 */
const PHONE_FORMATS: readonly ((rng: RandomGenerator) => string)[] = [
  // US: NPA from a fixed set of real area codes, NXX 2–9 first digit, avoiding N11.
  (rng) => `(${pick(rng, ['201', '212', '303', '415', '617', '702'])}) ${int(rng, 2, 9)}${int(rng, 2, 9)}${int(rng, 0, 9)}-${digits(rng, 4)}`,
  (rng) => `+1 ${pick(rng, ['202', '312', '512', '646', '718'])}-${int(rng, 2, 9)}${int(rng, 2, 9)}${int(rng, 0, 9)}-${digits(rng, 4)}`,
  // UK: Ofcom's drama range 020 7946 0xxx, and a mobile range in service (its drama mobiles,
  // 07700 900xxx, are not valid numbers for a validating parser).
  (rng) => `020 7946 0${digits(rng, 3)}`,
  (rng) => `+44 7400 ${digits(rng, 6)}`,
  // DE: Berlin landline, mobile 015x.
  (rng) => `+49 30 ${int(rng, 2, 9)}${digits(rng, 7)}`,
  (rng) => `0151 ${digits(rng, 4)} ${digits(rng, 4)}`,
  // FR: Paris landline, mobile 06.
  (rng) => `01 ${int(rng, 40, 49)} ${digits(rng, 2)} ${digits(rng, 2)} ${digits(rng, 2)}`,
  // (06 3x and 06 9x are only partly allocated, so the second digit avoids 3 and 9.)
  (rng) => `+33 6 ${pick(rng, ['0', '1', '2', '4', '5', '6', '7', '8'])}${int(rng, 0, 9)} ${digits(rng, 2)} ${digits(rng, 2)} ${digits(rng, 2)}`,
  // IN: mobile 98xxx xxxxx.
  (rng) => `+91 98${digits(rng, 3)} ${digits(rng, 5)}`,
  (rng) => `+91 ${pick(rng, ['11', '22'])} ${int(rng, 2, 6)}${digits(rng, 3)} ${digits(rng, 4)}`,
];

export function phone(rng: RandomGenerator): string {
  return pick(rng, PHONE_FORMATS)(rng);
}

/** The Luhn check digit that makes `payload + digit` pass (ISO/IEC 7812-1 Annex B). */
export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    // Doubling starts at the rightmost payload digit, which sits left of the check digit.
    let d = payload.charCodeAt(payload.length - 1 - i) - 48;
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

// Issuer prefixes (IIN ranges) and lengths of the common networks, with their usual groupings.
const CARD_SHAPES: readonly { prefix: () => string; length: number; groups: number[] }[] = [
  { prefix: () => '4', length: 16, groups: [4, 4, 4, 4] }, // Visa
  { prefix: () => '5', length: 16, groups: [4, 4, 4, 4] }, // Mastercard 51–55 (second digit below)
  { prefix: () => '37', length: 15, groups: [4, 6, 5] }, // American Express
  { prefix: () => '6011', length: 16, groups: [4, 4, 4, 4] }, // Discover
];

export function card(rng: RandomGenerator): string {
  const shape = pick(rng, CARD_SHAPES);
  let payload = shape.prefix();
  if (payload === '5') payload += String(int(rng, 1, 5));
  payload += digits(rng, shape.length - 1 - payload.length);
  const number = payload + String(luhnCheckDigit(payload));
  const separator = pick(rng, [' ', '-', '']);
  let at = 0;
  return shape.groups.map((n) => number.slice(at, (at += n))).join(separator);
}

// Countries whose BBAN ibantools composes without a national check digit of its own.
const IBAN_COUNTRIES: readonly { code: string; bban: (rng: RandomGenerator) => string }[] = [
  { code: 'DE', bban: (rng) => digits(rng, 18) },
  { code: 'GB', bban: (rng) => `${pick(rng, ['NWBK', 'BARC', 'HBUK', 'LOYD'])}${digits(rng, 14)}` },
  { code: 'AT', bban: (rng) => digits(rng, 16) },
  { code: 'CH', bban: (rng) => digits(rng, 17) },
  { code: 'IE', bban: (rng) => `${pick(rng, ['AIBK', 'BOFI'])}${digits(rng, 14)}` },
];

/** A valid IBAN (ISO 13616, mod-97 check digits from ibantools), printed grouped or electronic. */
export function iban(rng: RandomGenerator): string {
  const country = pick(rng, IBAN_COUNTRIES);
  const composed = composeIBAN({ countryCode: country.code, bban: country.bban(rng) });
  if (!composed) throw new Error(`ibantools refused a ${country.code} BBAN: the corpus shapes are out of date`);
  return int(rng, 0, 1) === 0 ? composed : friendlyFormatIBAN(composed)!;
}

/** `AAA-GG-SSSS` inside the SSA's issued shape: area not 000, 666 or 9xx; group not 00; serial not 0000. */
export function ssn(rng: RandomGenerator): string {
  let area = int(rng, 1, 899);
  if (area === 666) area = 665;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(area, 3)}-${pad(int(rng, 1, 99), 2)}-${pad(int(rng, 1, 9999), 4)}`;
}

export function ipv4(rng: RandomGenerator): string {
  return [int(rng, 1, 223), int(rng, 0, 255), int(rng, 0, 255), int(rng, 1, 254)].join('.');
}

export function personName(rng: RandomGenerator): string {
  return pick(rng, PERSON_NAMES);
}

export const PLANTERS: Record<PiiType, (rng: RandomGenerator) => string> = {
  email,
  phone,
  card,
  iban,
  ssn,
  ipv4,
  name: personName,
};
