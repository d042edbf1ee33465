import type { Page } from '../page.ts';
import { catalogOpPage, catalogPage } from './catalog.tsx';
import { controlsPage } from './controls.tsx';
import { exportsPage } from './exports.tsx';
import { invalidationMapPage } from './invalidation-map.tsx';
import { overviewPage } from './overview.tsx';
import { purgesPage } from './purges.tsx';
import { reportsPage } from './reports.tsx';
import { safelistEditPage, safelistPage } from './safelist.tsx';
import { ttlPage } from './ttl.tsx';
import { whatIfPage } from './what-if.tsx';

/**
 * Every admin page, in navigation order. To add one: write `pages/<name>.tsx` exporting a `Page`
 * (see ../page.ts) and list it here. The router serves it at `/admin${path}`, adds it to the
 * navigation when it has a `nav` label, and wires its form `actions` with CSRF checks.
 */
export const PAGES: Page[] = [
  overviewPage,
  catalogPage,
  catalogOpPage,
  whatIfPage,
  reportsPage,
  ttlPage,
  safelistPage,
  safelistEditPage,
  invalidationMapPage,
  purgesPage,
  exportsPage,
  controlsPage,
];
