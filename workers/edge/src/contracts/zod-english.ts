import en from 'zod/v4/locales/en.js';
import { config } from 'zod/mini';

// zod/mini ships no messages of its own (docs/adr/0012): English is loaded once, here, so a 400
// from the edge names what was wrong. Imported for this effect by every module that validates.
config(en());
