import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences.ts';
import { summarise } from './summarise.ts';

describe('sentence splitting with offsets', () => {
  it('splits prose into trimmed sentences whose offsets slice back to them', () => {
    const text = 'Dr. Okafor met the team at 10.0.0.1 today. It rained!\n\nA new paragraph starts here? Yes.';
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.text)).toEqual(['Dr. Okafor met the team at 10.0.0.1 today.', 'It rained!', 'A new paragraph starts here?', 'Yes.']);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it('keeps planted-style values whole: e-mail, decimals, grouped IBANs', () => {
    const text = 'Mail maria.lopez@example.org about 3.5 tonnes. Pay DE89 3704 0044 0532 0130 00 now.';
    expect(splitSentences(text).map((s) => s.text)).toEqual(['Mail maria.lopez@example.org about 3.5 tonnes.', 'Pay DE89 3704 0044 0532 0130 00 now.']);
  });

  it('ends a sentence after a number, which sentence-splitter alone reads as a list index', () => {
    const text = 'Nothing was logged after day 17. The desk closed the file. It cost 3.5 million.';
    expect(splitSentences(text).map((s) => s.text)).toEqual(['Nothing was logged after day 17.', 'The desk closed the file.', 'It cost 3.5 million.']);
    expect(splitSentences('Seen from 10.0.0.1. Then it stopped.').map((s) => s.text)).toEqual(['Seen from 10.0.0.1.', 'Then it stopped.']);
  });

  it('returns nothing for empty or blank text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\n\t ')).toEqual([]);
  });
});

// Sentences of random words, punctuation and whitespace, plus arbitrary strings: whatever the
// splitter makes of them, every summary sentence is the exact slice its offsets name.
const word = fc.stringMatching(/^[A-Za-zÀ-ÿ0-9@.'-]{1,12}$/);
const sentence = fc.tuple(fc.array(word, { minLength: 1, maxLength: 12 }), fc.constantFrom('.', '!', '?', '', '...', '."'), fc.constantFrom(' ', '  ', '\n', '\n\n', '\t'));
const prose = fc.array(sentence, { maxLength: 30 }).map((parts) => parts.map(([ws, end, gap]) => ws.join(' ') + end + gap).join(''));

describe('provenance (property)', () => {
  it('every summary sentence satisfies source.slice(start, end) === text', () => {
    fc.assert(
      fc.property(fc.oneof(prose, fc.string({ maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 200 })), fc.integer({ min: 1, max: 40 }), (body, k) => {
        const summary = summarise({ id: 'd', body }, { maxSentences: k });
        for (const s of summary) {
          if (body.slice(s.start, s.end) !== s.text) return false;
          if (s.text.length === 0 || s.text.trim() !== s.text) return false;
        }
        for (let i = 1; i < summary.length; i++) if (summary[i]!.start < summary[i - 1]!.end) return false;
        return summary.length <= k;
      }),
      { numRuns: 300 },
    );
  });
});
