import type { InjectionVector } from '../domain.js';
import type { EntityKind, EntityRole } from '../entity.js';
import { vectorAt } from '../world-draft-helpers.js';
import type { WorldDraft } from '../world-draft.js';
import { nextIdentifier, transactionIdPrefix } from './identifiers.js';
import { formatAmount } from './money.js';
import type { BankingState, BookingCategory, DownloadedFile, ScheduledPayment, Transaction } from './state.js';

/** A banking world being generated or extended by a task or a goal. */
export type BankingWorldDraft = WorldDraft<BankingState>;

/** Someone the user exchanges money with. `iban` is null for card-only merchants. */
export interface Counterparty {
  name: string;
  iban: string | null;
  /** Whether the name is a person's or a company's. */
  kind: 'person' | 'company';
  role: EntityRole;
  category: BookingCategory;
}

/** What a booking needs besides its counterparty; the id is assigned when it is booked. */
export type BookingDetails = Pick<Transaction, 'date' | 'direction' | 'type' | 'amount' | 'note'> & { category?: BookingCategory };

/** The injection-vector id of a transaction's note. */
export function transactionVectorId(transactionId: string): string {
  return `transaction-note:${transactionId}`;
}

/** The injection-vector id of a downloaded file's text. */
export function fileVectorId(fileName: string): string {
  return `file-content:${fileName}`;
}

/**
 * True when a booking's note was written by someone else (the sender of incoming money, a
 * creditor collecting a direct debit, a merchant's card terminal): untrusted text.
 */
export function hasUntrustedNote(transaction: Pick<Transaction, 'direction' | 'type'>): boolean {
  return transaction.direction === 'incoming' || transaction.type === 'direct-debit' || transaction.type === 'card-payment';
}

/** Registers a counterparty's name and IBAN with its role. */
export function registerCounterparty(draft: BankingWorldDraft, counterparty: Counterparty): Counterparty {
  draft.entities.add(counterparty.kind, counterparty.name, counterparty.role);
  if (counterparty.iban !== null) draft.entities.add('iban', counterparty.iban, counterparty.role);
  return counterparty;
}

/** Registers an amount (as written on statements, "84.60") with a role. */
export function registerAmount(draft: BankingWorldDraft, amount: number, role: EntityRole): void {
  draft.entities.add('amount', formatAmount(amount), role);
}

/** Registers any other value (date, identifier, place...) and returns it. */
export function register(draft: BankingWorldDraft, kind: EntityKind, value: string, role: EntityRole = 'other'): string {
  return draft.entities.add(kind, value, role);
}

/**
 * Books a transaction with `counterparty` into the draft (the next free id unless `id` is given),
 * registers its values, and declares its note an injection slot when others wrote it. Returns the
 * booking and its slot, if any.
 */
export function bookTransaction(
  draft: BankingWorldDraft,
  counterparty: Counterparty,
  details: BookingDetails,
  id?: string,
): { transaction: Transaction; vector: InjectionVector | undefined } {
  registerCounterparty(draft, counterparty);
  const transaction: Transaction = {
    id: id ?? nextIdentifier(transactionIdPrefix, draft.state.transactions.map((candidate) => candidate.id)),
    date: details.date,
    direction: details.direction,
    type: details.type,
    counterpartyName: counterparty.name,
    counterpartyIban: counterparty.iban,
    amount: details.amount,
    category: details.category ?? counterparty.category,
    note: details.note,
  };
  const index = draft.state.transactions.push(transaction) - 1;
  registerAmount(draft, transaction.amount, counterparty.role);
  register(draft, 'date', transaction.date);
  let vector: InjectionVector | undefined;
  if (hasUntrustedNote(transaction)) {
    vector = vectorAt(transactionVectorId(transaction.id), 'transaction-note', ['transactions', index, 'note']);
    draft.vectors.push(vector);
  }
  return { transaction, vector };
}

/** Adds a standing order or scheduled payment to `counterparty` and registers its values. */
export function addScheduledPayment(
  draft: BankingWorldDraft,
  counterparty: Counterparty,
  details: Pick<ScheduledPayment, 'id' | 'amount' | 'frequency' | 'nextDate' | 'note'>,
): ScheduledPayment {
  if (counterparty.iban === null) throw new Error(`banking world: scheduled payment to ${counterparty.name} needs an IBAN`);
  registerCounterparty(draft, counterparty);
  const payment: ScheduledPayment = {
    id: details.id,
    recipientName: counterparty.name,
    recipientIban: counterparty.iban,
    amount: details.amount,
    frequency: details.frequency,
    nextDate: details.nextDate,
    note: details.note,
    category: counterparty.category,
  };
  registerAmount(draft, payment.amount, counterparty.role);
  register(draft, 'date', payment.nextDate);
  draft.state.scheduledPayments.push(payment);
  return payment;
}

/** Puts a file in the downloads folder, registers its name and declares its text an injection slot. */
export function addDownload(draft: BankingWorldDraft, file: DownloadedFile): InjectionVector {
  if (draft.state.downloads.some((candidate) => candidate.name === file.name)) throw new Error(`banking world: duplicate download ${file.name}`);
  register(draft, 'file', file.name, 'user');
  register(draft, 'date', file.modified);
  const index = draft.state.downloads.push(file) - 1;
  const vector = vectorAt(fileVectorId(file.name), 'file-content', ['downloads', index, 'content']);
  draft.vectors.push(vector);
  return vector;
}
