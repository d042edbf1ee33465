/** What the scanner looks for. The order is the tie-break when two findings of equal length overlap. */
export const PII_TYPES = ['card', 'iban', 'ssn', 'email', 'ipv4', 'phone', 'name'] as const;
export type PiiType = (typeof PII_TYPES)[number];

/** A span of personal data: `text.slice(start, end)` is the value found. */
export interface Finding {
  type: PiiType;
  start: number;
  end: number;
}

/** What replaces a finding when an export redacts instead of dropping. */
export const REDACTION_TOKENS: Readonly<Record<PiiType, string>> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  card: '[CARD]',
  iban: '[IBAN]',
  ssn: '[SSN]',
  ipv4: '[IPV4]',
  name: '[NAME]',
};

export type Detector = (text: string) => Finding[];
