import type { EdgeConfig } from '@conductor/schema/contracts/edge-config';
import type { Db } from '../../db/client.ts';
import { buildEdgeConfig } from './build.ts';
import { getEdgeConfigRows } from './queries.ts';

export async function getEdgeConfig(db: Db): Promise<EdgeConfig> {
  return buildEdgeConfig(await getEdgeConfigRows(db), new Date());
}
