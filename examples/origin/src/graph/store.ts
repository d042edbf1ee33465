/**
 * The origin's data: an in-memory intelligence graph per tenant. Every tenant's graph is
 * generated deterministically on first use, so any verified tenant has data and two runs see
 * the same seed. Every entity name carries the tenant id, which is what lets tests spot a
 * response served to the wrong tenant.
 */
export interface Entity {
  id: string;
  name: string;
  kind: string;
  updatedAt: string;
}

export interface Relationship {
  id: string;
  from: string;
  to: string;
  kind: string;
}

export const ENTITY_COUNT = 100;
export const DEFAULT_ENTITIES_LIMIT = 20;
export const MAX_ENTITIES_LIMIT = 100;

const ENTITY_KINDS = ['Sensor', 'Person', 'Organization', 'Vessel', 'Location'] as const;
const RELATIONSHIP_KINDS = ['observes', 'owns', 'contacts', 'located-at'] as const;
const SEED_EPOCH_MS = Date.UTC(2026, 0, 1);

export class NotFoundError extends Error {}
export class InvalidInputError extends Error {}

/** Separator between the tenant id and the rest of a name, e.g. `acme · Sensor 7`. */
export const NAME_SEPARATOR = ' · ';

export class TenantGraph {
  readonly entities = new Map<string, Entity>();
  readonly relationships: Relationship[] = [];
  private nextRelationship: number;

  constructor(
    readonly tenant: string,
    private readonly now: () => Date,
  ) {
    for (let n = 1; n <= ENTITY_COUNT; n++) {
      const kind = ENTITY_KINDS[fnv1a(`${tenant}/entity/${n}`) % ENTITY_KINDS.length]!;
      this.entities.set(String(n), {
        id: String(n),
        name: `${tenant}${NAME_SEPARATOR}${kind} ${n}`,
        kind,
        updatedAt: new Date(SEED_EPOCH_MS + n * 60_000).toISOString(),
      });
    }
    // Each entity links to a neighbour and to one spread pseudo-randomly across the graph,
    // so relationships(entityId) returns a handful of rows for every id.
    for (let n = 1; n <= ENTITY_COUNT; n++) {
      const h = fnv1a(`${tenant}/rel/${n}`);
      // Offsets 2…99 from n: never n itself nor the neighbour.
      const far = ((n + 1 + (h % (ENTITY_COUNT - 2))) % ENTITY_COUNT) + 1;
      this.seedRelationship(n, (n % ENTITY_COUNT) + 1, RELATIONSHIP_KINDS[h % RELATIONSHIP_KINDS.length]!);
      this.seedRelationship(n, far, RELATIONSHIP_KINDS[(h >>> 8) % RELATIONSHIP_KINDS.length]!);
    }
    this.nextRelationship = this.relationships.length + 1;
  }

  entity(id: string): Entity | undefined {
    return this.entities.get(id);
  }

  list(limit = DEFAULT_ENTITIES_LIMIT): Entity[] {
    if (!Number.isInteger(limit) || limit < 0) throw new InvalidInputError('limit must be a non-negative integer');
    return [...this.entities.values()].slice(0, Math.min(limit, MAX_ENTITIES_LIMIT));
  }

  relationshipsOf(entityId: string): Relationship[] {
    return this.relationships.filter((r) => r.from === entityId || r.to === entityId);
  }

  /** Renames keep the tenant id in the name (prefixing it when missing) so leaks stay detectable. */
  updateEntity(id: string, name: string): Entity {
    const entity = this.require(id);
    const trimmed = name.trim();
    if (!trimmed) throw new InvalidInputError('name must not be empty');
    entity.name = trimmed.includes(this.tenant) ? trimmed : `${this.tenant}${NAME_SEPARATOR}${trimmed}`;
    entity.updatedAt = this.now().toISOString();
    return { ...entity };
  }

  link(from: string, to: string, kind: string): Relationship {
    this.require(from);
    this.require(to);
    if (!kind.trim()) throw new InvalidInputError('kind must not be empty');
    const relationship = { id: `rel-${this.nextRelationship++}`, from, to, kind: kind.trim() };
    this.relationships.push(relationship);
    return { ...relationship };
  }

  private require(id: string): Entity {
    const entity = this.entities.get(id);
    if (!entity) throw new NotFoundError(`entity ${id} does not exist`);
    return entity;
  }

  private seedRelationship(from: number, to: number, kind: string): void {
    this.relationships.push({ id: `rel-${this.relationships.length + 1}`, from: String(from), to: String(to), kind });
  }
}

export class GraphStore {
  private readonly tenants = new Map<string, TenantGraph>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  tenant(id: string): TenantGraph {
    let graph = this.tenants.get(id);
    if (!graph) {
      graph = new TenantGraph(id, this.now);
      this.tenants.set(id, graph);
    }
    return graph;
  }
}

/** FNV-1a, 32 bit: a tiny stable hash so the seed does not depend on Math.random. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
