/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { ApiProblem } from '../api.ts';
import type { PageContext } from '../page.ts';

/**
 * One tile of the overview: a headline figure or short list from one API read, linking to the
 * page with the details. Add a tile by writing one file that exports a Tile and listing it in
 * tiles/index.ts. A tile never makes data up: when its endpoint refuses, is missing or has
 * nothing yet, it says so (`refused`, `empty`).
 */
export interface Tile {
  /** Stable id: the section's `id` is `tile-${id}`, and tests find it by `data-tile`. */
  id: string;
  title: string | ((ctx: PageContext) => string);
  /** The page with the details, and the link's text (unique on the overview). */
  href: string;
  link: string;
  render(ctx: PageContext): Promise<TileContent>;
}

export type TileState = 'ok' | 'empty' | 'forbidden' | 'unavailable' | 'error';

export interface TileContent {
  state: TileState;
  body: Child;
}

export const ok = (body: Child): TileContent => ({ state: 'ok', body });

/** The endpoint answered, with nothing to show yet. */
export const empty = (text: string): TileContent => ({ state: 'empty', body: <p class="tile-note">{text}</p> });

/** The API's refusal as a tile: `what` completes "… to see …", e.g. "the caching switches". */
export function refused(problem: ApiProblem, what: string): TileContent {
  if (problem.unavailable) return { state: 'unavailable', body: <p class="tile-note">Not available: this control plane does not serve {what}.</p> };
  if (problem.status === 403) {
    return {
      state: 'forbidden',
      body: (
        <p class="tile-note">
          Not available to you: your access does not include {what}. <span class="detail">({problem.message})</span>
        </p>
      ),
    };
  }
  return {
    state: 'error',
    body: (
      <p class="tile-note">
        Could not load {what} ({problem.status} {problem.code}). <span class="detail">{problem.message}</span>
      </p>
    ),
  };
}
