/** @jsxImportSource hono/jsx */
import { opNames, OpRef } from '../components/op-ref.tsx';
import type { AlertsResponse } from '@conductor/schema/contracts/alerts';
import { empty, ok, refused, type Tile } from './tile.tsx';

const SHOWN = 5;

/** Alerts firing now over every tenant the user may read; pending ones are counted. */
export const alertsTile: Tile = {
  id: 'alerts',
  title: 'Firing alerts',
  href: '/admin/reports?scope=all#alerts-heading',
  link: 'All alerts',
  async render(ctx) {
    const [res, names] = await Promise.all([ctx.api.get<AlertsResponse>('/v1/alerts'), opNames(ctx.api)]);
    if (!res.ok) return refused(res, 'alerts');
    const { evaluatedAt } = res.data;
    if (evaluatedAt === null) return empty('Not evaluated yet: the scheduler evaluates the alert rules every minute.');
    const firing = res.data.alerts.filter((a) => a.state === 'firing');
    const pending = res.data.alerts.length - firing.length;
    const pendingNote = pending > 0 ? `${pending} pending.` : 'None pending.';
    if (firing.length === 0) {
      return ok(
        <p class="tile-note">
          <span class="status-on">No alerts firing</span> (evaluated <time datetime={evaluatedAt}>{evaluatedAt}</time>). {pendingNote}
        </p>,
      );
    }
    return ok(
      <>
        <p class="figure status-off" data-metric="firing">
          {firing.length} firing
        </p>
        <ul class="tile-list">
          {firing.slice(0, SHOWN).map((a) => (
            <li>
              <strong>{a.alertname}</strong> ({a.severity}), tenant {a.labels.tenant}
              {a.labels.operation && (
                <>
                  , {a.labels.operation.startsWith('sha256:') ? <OpRef id={a.labels.operation} names={names} /> : a.labels.operation}
                </>
              )}
              : {a.summary}
            </li>
          ))}
        </ul>
        {firing.length > SHOWN && <p class="detail">and {firing.length - SHOWN} more.</p>}
        <p class="detail">{pendingNote}</p>
      </>,
    );
  },
};
