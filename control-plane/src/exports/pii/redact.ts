import { REDACTION_TOKENS, type Finding } from './finding.ts';

/** `text` with each finding (sorted, disjoint, as the scanner returns them) replaced by its type's token. */
export function redact(text: string, findings: readonly Finding[]): string {
  let out = '';
  let at = 0;
  for (const f of findings) {
    out += text.slice(at, f.start) + REDACTION_TOKENS[f.type];
    at = f.end;
  }
  return out + text.slice(at);
}
