import type { Finding } from './finding.ts';

// A pragmatic addr-spec (RFC 5322 dot-atom local part, LDH domain labels, alphabetic TLD): quoted
// local parts and IP-literal domains are left out, as they do not occur in prose.
const EMAIL = /(?<![\w.%+-])[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![\w-])/g;

export function findEmails(text: string): Finding[] {
  return [...text.matchAll(EMAIL)].map((m) => ({ type: 'email', start: m.index, end: m.index + m[0].length }));
}
