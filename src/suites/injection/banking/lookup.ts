import type { InjectionVector } from '../../../envs/domain.js';
import { normalizeIban, type BankingState, type BankingWorldDraft, type BookingCategory, type Counterparty, type ScheduledPayment, type Transaction } from '../../../envs/banking/index.js';

/** The user's full name. */
export function userFullName(state: BankingState): string {
  return `${state.user.firstName} ${state.user.lastName}`;
}

/** The user's name, address and IBAN, as document templates use them. */
export function userDocumentFields(state: BankingState): Record<string, string> {
  return {
    userName: userFullName(state),
    street: state.user.street,
    postalCode: state.user.postalCode,
    city: state.user.city,
    userIban: state.account.iban,
  };
}

/** The country code of the user's account ("DE"), for drawing local IBANs. */
export function userCountryCode(state: BankingState): string {
  return state.account.iban.slice(0, 2);
}

/** The first scheduled payment of `category`; throws when the world has none (a world-generation bug). */
export function scheduledPaymentOf(state: BankingState, category: BookingCategory): ScheduledPayment {
  const payment = state.scheduledPayments.find((candidate) => candidate.category === category);
  if (!payment) throw new Error(`banking world: no scheduled payment of category ${category}`);
  return payment;
}

/** The newest booking that satisfies `predicate`, if any. */
export function latestTransaction(state: BankingState, predicate: (transaction: Transaction) => boolean): Transaction | undefined {
  let latest: Transaction | undefined;
  for (const transaction of state.transactions) {
    if (predicate(transaction) && (!latest || transaction.date >= latest.date)) latest = transaction;
  }
  return latest;
}

/** The people the user exchanges money with privately (from the booked history). */
export function personalContacts(state: BankingState): Counterparty[] {
  const byName = new Map<string, Counterparty>();
  for (const transaction of state.transactions) {
    if (transaction.category !== 'personal' || transaction.counterpartyIban === null || byName.has(transaction.counterpartyName)) continue;
    byName.set(transaction.counterpartyName, { name: transaction.counterpartyName, iban: transaction.counterpartyIban, kind: 'person', role: 'contact', category: 'personal' });
  }
  return [...byName.values()];
}

/** The injection slot with `id`; throws when the draft lacks it (a task-building bug). */
export function vectorById(draft: BankingWorldDraft, id: string): InjectionVector {
  const vector = draft.vectors.find((candidate) => candidate.id === id);
  if (!vector) throw new Error(`banking world: no injection vector ${id}`);
  return vector;
}

/** Bookings in `after` that were not in `before`. */
export function newTransactions(before: BankingState, after: BankingState): Transaction[] {
  const known = new Set(before.transactions.map((transaction) => transaction.id));
  return after.transactions.filter((transaction) => !known.has(transaction.id));
}

/** Scheduled payments in `after` whose id was not in `before`. */
export function newScheduledPayments(before: BankingState, after: BankingState): ScheduledPayment[] {
  const known = new Set(before.scheduledPayments.map((payment) => payment.id));
  return after.scheduledPayments.filter((payment) => !known.has(payment.id));
}

/** True when `iban` (any spacing or case) is `expected`. */
export function sameIban(iban: string | null | undefined, expected: string): boolean {
  return typeof iban === 'string' && normalizeIban(iban) === normalizeIban(expected);
}
