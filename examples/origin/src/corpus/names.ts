/**
 * The people the corpus mentions: a fixed list, so a test can name every planted person. The
 * control plane's PII scanner does not import it (it keeps its own, broader list): a scanner that
 * only knew these names would prove nothing about names it was never shown.
 */
export const PERSON_NAMES: readonly string[] = [
  'Maria Lopez',
  'James Carter',
  'Aisha Khan',
  'Wei Zhang',
  'Olga Petrova',
  'Kwame Mensah',
  'Sofia Rossi',
  'Liam Murphy',
  'Priya Sharma',
  'Hiroshi Tanaka',
  'Fatima Haddad',
  'Lucas Martin',
  'Emma Schneider',
  'Carlos Silva',
  'Anna Kowalski',
  'David Cohen',
  'Chloe Dubois',
  'Ahmed Hassan',
  'Grace Okafor',
  'Mateo Fernandez',
  'Ingrid Larsen',
  'Rahul Mehta',
  'Elena Popescu',
  'Thomas Becker',
];
