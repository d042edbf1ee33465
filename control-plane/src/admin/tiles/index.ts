import { alertsTile } from './alerts.tsx';
import { cachingTile } from './caching.tsx';
import { exportsTile } from './exports.tsx';
import { hitRatioTile } from './hit-ratio.tsx';
import { p95DeltaTile } from './p95-delta.tsx';
import { purgesTile } from './purges.tsx';
import type { Tile } from './tile.tsx';

/**
 * The overview's tiles, in reading order. To add one: write `tiles/<name>.tsx` exporting a `Tile`
 * (see ./tile.tsx) and list it here; the overview renders it, links it to its page and shows its
 * refusals and empty states the same way as the others.
 */
export const TILES: Tile[] = [hitRatioTile, p95DeltaTile, alertsTile, purgesTile, cachingTile, exportsTile];
