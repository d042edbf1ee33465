import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { fnv1a } from '../graph/store.ts';
import { PII_TYPES, PLANTERS, type PiiType, type PlantedValue } from './pii.ts';

/**
 * Each tenant's investigation documents: generated, never stored. Document `i` of a tenant comes
 * from its own generator seeded with (corpus seed, tenant, i), so any page is built without the
 * documents before it and two processes always agree on every byte.
 */
export const CORPUS_VERSION = 'corpus-v1';
export const DEFAULT_CORPUS_SEED = 20_261_201;
export const DOCUMENTS_PER_TENANT = 3_000;

/**
 * Per drawn sentence (every sentence but a document's opening one), the probability that it
 * carries one planted value of that type; at most one per sentence. Tests hold the generated
 * corpus to these within a binomial tolerance.
 */
export const PLANT_RATES: Readonly<Record<PiiType, number>> = {
  email: 0.03,
  phone: 0.03,
  card: 0.015,
  iban: 0.015,
  ssn: 0.01,
  ipv4: 0.02,
  name: 0.04,
};

/** What `documents(after, first)` serves. */
export interface CorpusDocument {
  id: string;
  title: string;
  body: string;
  updatedAt: string;
}

/** A document plus what a test needs to check an export against it. */
export interface GeneratedDocument extends CorpusDocument {
  index: number;
  /** Sentences that drew for a planted value: all but the opening one, which names the tenant. */
  plantSlots: number;
  /** Every planted value with its offsets in `body`. */
  planted: PlantedValue[];
}

/** Names the corpus an export read: the manifest's `source` records it. */
export function corpusSnapshot(seed = DEFAULT_CORPUS_SEED): string {
  return `${CORPUS_VERSION}/seed-${seed}`;
}

export function documentId(index: number): string {
  return `doc-${String(index).padStart(5, '0')}`;
}

const SEED_EPOCH_MS = Date.UTC(2026, 0, 1);
const TOPICS = ['wire transfer', 'shipping manifest', 'port call', 'sensor outage', 'customs filing', 'supplier audit', 'vessel sighting', 'network intrusion', 'procurement bid', 'satellite pass'];
const ARTIFACTS = ['report', 'ledger', 'log', 'memo', 'timeline', 'briefing', 'transcript', 'summary'];
const TEAMS = ['analysis cell', 'field team', 'review board', 'duty desk', 'liaison office'];
const PLACES = ['Rotterdam', 'Singapore', 'Valparaiso', 'Gdansk', 'Mombasa', 'Busan', 'Antwerp', 'Halifax'];

interface Slots {
  tenant: string;
  topic: string;
  artifact: string;
  team: string;
  place: string;
  n: number;
}

const PLAIN: readonly ((s: Slots) => string)[] = [
  (s) => `The ${s.tenant} ${s.team} reviewed the ${s.topic} ${s.artifact} from ${s.place}.`,
  (s) => `Analysts at ${s.tenant} linked the ${s.topic} to an earlier ${s.artifact}.`,
  (s) => `The ${s.topic} ${s.artifact} shows activity near ${s.place} over ${s.n} days.`,
  (s) => `A second ${s.artifact} on the ${s.topic} came from the ${s.team}.`,
  (s) => `Investigators at ${s.tenant} marked the ${s.topic} for follow-up by the ${s.team}.`,
  (s) => `Records from ${s.place} do not match the ${s.topic} ${s.artifact}.`,
  (s) => `The ${s.team} asked ${s.tenant} for the original ${s.artifact}.`,
  (s) => `No further ${s.topic} activity was logged after day ${s.n}.`,
];

/** Each puts the value mid-sentence, away from a sentence boundary a splitter could cut it at. */
const CARRIERS: Record<PiiType, (s: Slots, value: string) => [before: string, after: string]> = {
  email: (s) => [`The ${s.team} wrote to `, ` about the ${s.topic}.`],
  phone: (s) => [`The ${s.tenant} contact line for the ${s.topic} was `, ` at the time.`],
  card: (s) => [`A payment card `, ` appears in the ${s.topic} ${s.artifact}.`],
  iban: (s) => [`Funds for the ${s.topic} moved through account `, ` that week.`],
  ssn: (s) => [`The ${s.artifact} lists the SSN `, ` for the ${s.topic} subject.`],
  ipv4: (s) => [`Traffic tied to the ${s.topic} came from `, ` on day ${s.n}.`],
  name: (s) => ['', ` signed the ${s.topic} ${s.artifact} for ${s.tenant}.`],
};

export function generateDocument(tenant: string, index: number, seed = DEFAULT_CORPUS_SEED): GeneratedDocument {
  const rng = xoroshiro128plus(fnv1a(`${seed}/${tenant}/${index}`));
  const int = (from: number, to: number) => uniformInt(rng, from, to);
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const topic = pick(TOPICS);
  const slots = (): Slots => ({
    tenant,
    // Most sentences share the document's topic, which gives TextRank a centre to find.
    topic: int(0, 9) < 7 ? topic : pick(TOPICS),
    artifact: pick(ARTIFACTS),
    team: pick(TEAMS),
    place: pick(PLACES),
    n: int(2, 30),
  });

  const planted: PlantedValue[] = [];
  const paragraphs: string[] = [];
  // Every document names its tenant verbatim at least once, whatever the draws.
  const opening = `This ${tenant} case file concerns a ${topic}.`;
  let length = 0;
  let plantSlots = 0;
  for (let p = int(3, 5); p > 0; p--) {
    const sentences: string[] = paragraphs.length === 0 ? [opening] : [];
    let at = length + (paragraphs.length > 0 ? 2 : 0) + (sentences.length > 0 ? opening.length : 0);
    for (let n = int(3, 6); n > 0; n--) {
      if (sentences.length > 0) at += 1;
      const type = drawPlant(rng);
      let sentence: string;
      if (type) {
        const s = slots();
        const value = PLANTERS[type](rng);
        const [before, after] = CARRIERS[type](s, value);
        planted.push({ type, value, start: at + before.length, end: at + before.length + value.length });
        sentence = `${before}${value}${after}`;
      } else {
        sentence = pick(PLAIN)(slots());
      }
      sentences.push(sentence);
      at += sentence.length;
      plantSlots++;
    }
    paragraphs.push(sentences.join(' '));
    length = at;
  }
  return {
    id: documentId(index),
    index,
    title: `${tenant} case ${index}: ${topic} ${pick(ARTIFACTS)}`,
    body: paragraphs.join('\n\n'),
    updatedAt: new Date(SEED_EPOCH_MS + index * 3_600_000).toISOString(),
    plantSlots,
    planted,
  };
}

function drawPlant(rng: RandomGenerator): PiiType | null {
  // A millionth is far finer than any rate above, so the rates are kept exactly as written.
  let u = uniformInt(rng, 0, 999_999) / 1_000_000;
  for (const type of PII_TYPES) {
    u -= PLANT_RATES[type];
    if (u < 0) return type;
  }
  return null;
}
