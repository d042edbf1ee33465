import { describe, expect, it } from 'vitest';
import { summarise } from './summarise.ts';
import { similarity, textRank, topK, words } from './textrank.ts';

describe('TextRank (Mihalcea & Tarau 2004)', () => {
  // Four sentences, worked by hand with the paper's formulas:
  //   A = {red, blue, green}, B = {red, blue}, C = {green, yellow}, D = {purple}
  //   sim(A,B) = 2 / (ln 3 + ln 2), sim(A,C) = 1 / (ln 3 + ln 2); every other pair shares nothing.
  //   So A's edges split 2 : 1 between B and C, and B and C each have A alone:
  //   WS(B) = 0.15 + 0.85·(2/3)·WS(A), WS(C) = 0.15 + 0.85·(1/3)·WS(A), WS(A) = 0.15 + 0.85·(WS(B) + WS(C))
  //   ⇒ WS(A) = 0.405 / 0.2775 = 54/37, WS(B) = 723/740, WS(C) = 417/740, and the isolated D = 1 − d = 0.15.
  const doc = { id: 'doc-1', body: 'Red blue green. Red blue. Green yellow. Purple.' };

  it('scores a small fixed document at the closed-form fixed point', () => {
    const scores = textRank(['Red blue green.', 'Red blue.', 'Green yellow.', 'Purple.'].map(words));
    const expected = [54 / 37, 723 / 740, 417 / 740, 0.15];
    scores.forEach((s, i) => expect(s).toBeCloseTo(expected[i]!, 5));
  });

  it('uses the paper’s similarity, with no edge for one-word pairs', () => {
    expect(similarity(['red', 'blue', 'green'], ['red', 'blue'])).toBeCloseTo(2 / (Math.log(3) + Math.log(2)), 12);
    expect(similarity(['purple'], ['purple'])).toBe(0);
    expect(similarity([], ['a', 'b'])).toBe(0);
  });

  it('returns the top k in document order, verbatim with offsets', () => {
    expect(summarise(doc, { maxSentences: 2 })).toEqual([
      { docId: 'doc-1', start: 0, end: 15, text: 'Red blue green.' },
      { docId: 'doc-1', start: 16, end: 25, text: 'Red blue.' },
    ]);
    expect(summarise(doc, { maxSentences: 3 }).map((s) => s.text)).toEqual(['Red blue green.', 'Red blue.', 'Green yellow.']);
  });

  it('breaks ties toward the earlier sentence', () => {
    // Two identical sentences score the same; the first wins the single place.
    const scores = textRank(['Alpha beta gamma.', 'Alpha beta gamma.', 'Delta.'].map(words));
    expect(scores[0]).toBe(scores[1]);
    expect(topK(scores, 1)).toEqual([0]);
    expect(topK([0.5, 0.5 + 1e-13, 0.2], 1)).toEqual([0]);
  });
});
