import * as z from 'zod/mini';
import { AUTOMATION_ACTOR_PREFIX } from '@conductor/schema/contracts/jwt';
import './zod-english.ts';

/**
 * The claims the edge reads from a verified token: `ClaimsSchema` of @conductor/schema/contracts/auth
 * in zod/mini (docs/adr/0012). parity.test.ts pins the two to the same JSON Schema.
 */
export const ClaimsSchema = z.object({
  sub: z.string().check(
    z.minLength(1),
    z.refine((sub) => !sub.startsWith(AUTOMATION_ACTOR_PREFIX), `subject must not start with "${AUTOMATION_ACTOR_PREFIX}"`),
  ),
  tenant: z.string().check(z.minLength(1)),
  tenants: z._default(z.array(z.string()), []),
  roles: z._default(z.array(z.string()), []),
  scopes: z._default(z.array(z.string()), []),
  clearance: z._default(z.int().check(z.minimum(0), z.maximum(5)), 0),
  purposes: z._default(z.array(z.string().check(z.minLength(1))), []),
});
