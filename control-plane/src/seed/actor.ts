import { actorOf, automation } from '../auth/principal.ts';

/** Seeds write through the same audited services as admins do, as the automation named "seed". */
export const SEED_ACTOR = actorOf(automation('seed'));
