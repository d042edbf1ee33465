import type { Finding } from './finding.ts';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
// Dotted quads of octets 0–255 without leading zeros, not part of a longer dotted number (a
// version string such as 1.2.3.4.5 is not an address).
const IPV4 = new RegExp(`(?<![\\d.])(?:${OCTET}\\.){3}${OCTET}(?!\\d|\\.\\d)`, 'g');

export function findIpv4s(text: string): Finding[] {
  return [...text.matchAll(IPV4)].map((m) => ({ type: 'ipv4', start: m.index, end: m.index + m[0].length }));
}
