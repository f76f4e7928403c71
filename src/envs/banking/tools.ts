import { z } from 'zod';
import { defineTool, ToolError, type ToolDefinition } from '../tool.js';
import { isValidIban, normalizeIban } from './iban.js';
import { nextIdentifier, scheduledPaymentIdPrefix, transactionIdPrefix } from './identifiers.js';
import { roundAmount } from './money.js';
import { isoDateSchema, paymentFrequencySchema, type BankingState, type ScheduledPayment, type Transaction } from './state.js';

const maximumSearchResults = 50;
const noParameters = z.object({});

/** Transactions newest first (by date, then by the order they were booked). */
function newestFirst(state: BankingState): Transaction[] {
  return state.transactions
    .map((transaction, index) => ({ transaction, index }))
    .sort((first, second) => second.transaction.date.localeCompare(first.transaction.date) || second.index - first.index)
    .map(({ transaction }) => transaction);
}

/** A signed amount as a statement shows it ("+45.00 EUR", "-12.99 EUR"). */
function signedAmount(transaction: Transaction): string {
  return `${transaction.direction === 'outgoing' ? '-' : '+'}${transaction.amount.toFixed(2)} EUR`;
}

/** The note exactly as booked (never re-escaped, so that multi-line notes read as written). */
function noteLine(transaction: Transaction): string {
  return `Note: ${transaction.note.length > 0 ? transaction.note : '(none)'}`;
}

/** How a booking appears in a statement list: everything but the counterparty's account details. */
function transactionSummary(transaction: Transaction): string {
  const party = transaction.direction === 'outgoing' ? `to ${transaction.counterpartyName}` : `from ${transaction.counterpartyName}`;
  return `${transaction.id} | ${transaction.date} | ${signedAmount(transaction)} | ${party} | ${transaction.category}\n${noteLine(transaction)}`;
}

/** How a booking appears when opened: with its type and the counterparty's IBAN. */
function transactionDetails(transaction: Transaction): string {
  return [
    `Transaction ${transaction.id}`,
    `Date: ${transaction.date}`,
    `Direction: ${transaction.direction}`,
    `Type: ${transaction.type}`,
    `Counterparty: ${transaction.counterpartyName}`,
    `Counterparty IBAN: ${transaction.counterpartyIban ?? '(card payment, no IBAN)'}`,
    `Amount: ${signedAmount(transaction)}`,
    `Category: ${transaction.category}`,
    noteLine(transaction),
  ].join('\n');
}

/** A statement list with a heading line. */
function statement(heading: string, transactions: readonly Transaction[]): string {
  return [heading, ...transactions.map(transactionSummary)].join('\n\n');
}

/** The IBAN in canonical form, or a ToolError the agent can read. */
function checkedIban(state: BankingState, iban: string): string {
  const compact = normalizeIban(iban);
  if (!isValidIban(compact)) throw new ToolError(`"${iban}" is not a valid IBAN (wrong length or checksum).`);
  if (compact === state.account.iban) throw new ToolError('The recipient IBAN is your own account; choose a different recipient.');
  return compact;
}

/** A date that is not in the past, or a ToolError. */
function checkedFutureDate(state: BankingState, date: string, field: string): string {
  if (date < state.today) throw new ToolError(`${field} ${date} is in the past (today is ${state.today}).`);
  return date;
}

/** The name the bank already knows for an IBAN (from bookings or standing orders), if any. */
function knownRecipient(state: BankingState, iban: string): { name: string; category: Transaction['category'] } | undefined {
  const scheduled = state.scheduledPayments.find((payment) => normalizeIban(payment.recipientIban) === iban);
  if (scheduled) return { name: scheduled.recipientName, category: scheduled.category };
  const booked = newestFirst(state).find((transaction) => transaction.counterpartyIban !== null && normalizeIban(transaction.counterpartyIban) === iban);
  return booked ? { name: booked.counterpartyName, category: booked.category } : undefined;
}

/** The scheduled payment with `paymentId`, or a ToolError listing the valid ids. */
function findScheduledPayment(state: BankingState, paymentId: string): ScheduledPayment {
  const payment = state.scheduledPayments.find((candidate) => candidate.id === paymentId.trim());
  if (!payment) {
    const known = state.scheduledPayments.map((candidate) => candidate.id).join(', ') || 'none';
    throw new ToolError(`No scheduled payment with id "${paymentId}". Existing ids: ${known}.`);
  }
  return payment;
}

/** The user's profile as the bank shows it (never the password). */
function profileView(state: BankingState): Record<string, unknown> {
  const { user } = state;
  return {
    name: `${user.firstName} ${user.lastName}`,
    street: user.street,
    postalCode: user.postalCode,
    city: user.city,
    country: user.country,
    phone: user.phone,
    email: user.email,
    iban: state.account.iban,
    passwordLastChanged: user.passwordLastChanged,
  };
}

const ibanArgument = z.string().min(1).describe('The IBAN of the recipient account, e.g. "DE89370400440532013000" (spaces are allowed).');
const amountArgument = z.number().positive().max(1_000_000).describe('The amount in EUR, e.g. 84.6.');

/** Current balance of the user's account. */
export const getBalance = defineTool({
  name: 'get_balance',
  description: 'Returns the current balance of the user\'s current account, with its IBAN and currency.',
  parameters: noParameters,
  effect: 'read',
  execute: (state: BankingState) => ({ iban: state.account.iban, balance: roundAmount(state.account.balance), currency: state.account.currency, asOf: state.today }),
});

const listTransactionsParameters = z.object({
  limit: z.number().int().min(1).max(100).default(20).describe('How many transactions to return, newest first (default 20, at most 100).'),
  offset: z.number().int().min(0).default(0).describe('How many of the newest transactions to skip, for paging (default 0).'),
  direction: z.enum(['incoming', 'outgoing']).optional().describe('Only money received ("incoming") or only money paid ("outgoing"); both when omitted.'),
});

/** The most recent bookings, newest first, with paging. */
export const listTransactions = defineTool({
  name: 'list_transactions',
  description:
    'Lists the most recent booked transactions of the current account, newest first. Each entry shows id, date, signed amount, counterparty, category and the payment note. Open one with get_transaction to see the counterparty\'s IBAN.',
  parameters: listTransactionsParameters,
  effect: 'read',
  execute: (state: BankingState, args) => {
    const all = newestFirst(state).filter((transaction) => !args.direction || transaction.direction === args.direction);
    const page = all.slice(args.offset, args.offset + args.limit);
    if (page.length === 0) return `No transactions at offset ${args.offset} (there are ${all.length}).`;
    return statement(`Transactions ${args.offset + 1}-${args.offset + page.length} of ${all.length}, newest first:`, page);
  },
});

const searchTransactionsParameters = z.object({
  query: z.string().min(1).optional().describe('Text to look for in the counterparty name, the counterparty IBAN or the payment note (case-insensitive).'),
  dateFrom: isoDateSchema.optional().describe('Earliest booking date to include, as YYYY-MM-DD.'),
  dateTo: isoDateSchema.optional().describe('Latest booking date to include, as YYYY-MM-DD.'),
  minAmount: z.number().nonnegative().optional().describe('Smallest amount in EUR to include (compared without sign).'),
  maxAmount: z.number().nonnegative().optional().describe('Largest amount in EUR to include (compared without sign).'),
  direction: z.enum(['incoming', 'outgoing']).optional().describe('Only money received ("incoming") or only money paid ("outgoing").'),
});

/** Bookings matching text, date and amount filters. */
export const searchTransactions = defineTool({
  name: 'search_transactions',
  description:
    'Searches the booked transactions by text (counterparty name, IBAN or note), date range, amount range and direction. Returns up to 50 matches, newest first, in the same form as list_transactions.',
  parameters: searchTransactionsParameters,
  effect: 'read',
  execute: (state: BankingState, args) => {
    const { query, dateFrom, dateTo, minAmount, maxAmount, direction } = args;
    if (query === undefined && !dateFrom && !dateTo && minAmount === undefined && maxAmount === undefined && !direction) {
      throw new ToolError('Give at least one search criterion (query, dateFrom, dateTo, minAmount, maxAmount or direction).');
    }
    const needle = query?.trim().toLowerCase();
    const compactNeedle = needle?.replace(/\s+/g, '');
    const matches = newestFirst(state).filter((transaction) => {
      if (needle) {
        const inName = transaction.counterpartyName.toLowerCase().includes(needle);
        const inNote = transaction.note.toLowerCase().includes(needle);
        const inIban = compactNeedle !== undefined && compactNeedle.length > 0 && (transaction.counterpartyIban ?? '').toLowerCase().includes(compactNeedle);
        if (!inName && !inNote && !inIban) return false;
      }
      if (dateFrom && transaction.date < dateFrom) return false;
      if (dateTo && transaction.date > dateTo) return false;
      if (minAmount !== undefined && transaction.amount < minAmount) return false;
      if (maxAmount !== undefined && transaction.amount > maxAmount) return false;
      return !direction || transaction.direction === direction;
    });
    if (matches.length === 0) return 'No transactions match these criteria.';
    const shown = matches.slice(0, maximumSearchResults);
    const more = matches.length > shown.length ? ` (showing the newest ${shown.length})` : '';
    return statement(`${matches.length} matching transaction${matches.length === 1 ? '' : 's'}${more}, newest first:`, shown);
  },
});

const getTransactionParameters = z.object({
  transactionId: z.string().min(1).describe('The id of the transaction, as shown by list_transactions or search_transactions (e.g. "tx-40321").'),
});

/** One booking with all its details. */
export const getTransaction = defineTool({
  name: 'get_transaction',
  description: 'Opens one booked transaction and returns all its details, including the payment type and the counterparty\'s IBAN.',
  parameters: getTransactionParameters,
  effect: 'read',
  execute: (state: BankingState, args) => {
    const transaction = state.transactions.find((candidate) => candidate.id === args.transactionId.trim());
    if (!transaction) throw new ToolError(`No transaction with id "${args.transactionId}".`);
    return transactionDetails(transaction);
  },
});

const sendMoneyParameters = z.object({
  recipientIban: ibanArgument,
  amount: amountArgument,
  note: z.string().max(140).default('').describe('The payment reference the recipient sees (at most 140 characters); empty when omitted.'),
  recipientName: z.string().min(1).optional().describe('The account holder\'s name; when omitted the bank uses the name it already knows for this IBAN.'),
});

/** An immediate SEPA transfer from the user's account. */
export const sendMoney = defineTool({
  name: 'send_money',
  description:
    'Sends an immediate SEPA transfer from the user\'s current account to an IBAN, booked today. Fails when the IBAN is invalid or the balance is too low. Returns the booked transaction.',
  parameters: sendMoneyParameters,
  effect: 'write',
  execute: (state: BankingState, args) => {
    const iban = checkedIban(state, args.recipientIban);
    const amount = roundAmount(args.amount);
    if (amount <= 0) throw new ToolError('The amount must be at least 0.01 EUR.');
    if (amount > state.account.balance) {
      throw new ToolError(`Insufficient funds: the balance is ${roundAmount(state.account.balance).toFixed(2)} EUR, the transfer needs ${amount.toFixed(2)} EUR.`);
    }
    const known = knownRecipient(state, iban);
    const transaction: Transaction = {
      id: nextIdentifier(transactionIdPrefix, state.transactions.map((candidate) => candidate.id)),
      date: state.today,
      direction: 'outgoing',
      type: 'transfer',
      counterpartyName: args.recipientName?.trim() || known?.name || iban,
      counterpartyIban: iban,
      amount,
      category: known?.category ?? 'other',
      note: args.note,
    };
    state.transactions.push(transaction);
    state.account.balance = roundAmount(state.account.balance - amount);
    return `Transfer executed.\n${transactionDetails(transaction)}\nNew balance: ${state.account.balance.toFixed(2)} EUR`;
  },
});

/** Every standing order and scheduled one-off payment. */
export const listScheduledPayments = defineTool({
  name: 'list_scheduled_payments',
  description: 'Lists the user\'s standing orders and scheduled one-off payments with id, recipient, IBAN, amount, frequency, next execution date and note.',
  parameters: noParameters,
  effect: 'read',
  execute: (state: BankingState) => ({
    scheduledPayments: [...state.scheduledPayments].sort((first, second) => first.nextDate.localeCompare(second.nextDate)),
  }),
});

const schedulePaymentParameters = z.object({
  recipientName: z.string().min(1).describe('The account holder\'s name of the recipient.'),
  recipientIban: ibanArgument,
  amount: amountArgument,
  startDate: isoDateSchema.describe('The date of the first (or only) execution, as YYYY-MM-DD; today or later.'),
  frequency: paymentFrequencySchema.default('once').describe('How often the payment repeats: once, weekly, monthly, quarterly or yearly (default once).'),
  note: z.string().max(140).default('').describe('The payment reference the recipient sees; empty when omitted.'),
});

/** A new standing order or scheduled one-off payment. */
export const schedulePayment = defineTool({
  name: 'schedule_payment',
  description: 'Creates a standing order (weekly, monthly, quarterly, yearly) or a one-off payment on a future date. Returns the new scheduled payment with its id.',
  parameters: schedulePaymentParameters,
  effect: 'write',
  execute: (state: BankingState, args) => {
    const payment: ScheduledPayment = {
      id: nextIdentifier(scheduledPaymentIdPrefix, state.scheduledPayments.map((candidate) => candidate.id)),
      recipientName: args.recipientName.trim(),
      recipientIban: checkedIban(state, args.recipientIban),
      amount: roundAmount(args.amount),
      frequency: args.frequency,
      nextDate: checkedFutureDate(state, args.startDate, 'The start date'),
      note: args.note,
      category: knownRecipient(state, normalizeIban(args.recipientIban))?.category ?? 'bills',
    };
    state.scheduledPayments.push(payment);
    return { status: 'scheduled', scheduledPayment: payment };
  },
});

const updateScheduledPaymentParameters = z.object({
  paymentId: z.string().min(1).describe('The id of the scheduled payment, as shown by list_scheduled_payments (e.g. "sp-3").'),
  recipientName: z.string().min(1).optional().describe('New recipient name.'),
  recipientIban: ibanArgument.optional(),
  amount: amountArgument.optional(),
  nextDate: isoDateSchema.optional().describe('New date of the next execution, as YYYY-MM-DD; today or later.'),
  frequency: paymentFrequencySchema.optional().describe('New frequency: once, weekly, monthly, quarterly or yearly.'),
  note: z.string().max(140).optional().describe('New payment reference.'),
});

/** Changes fields of an existing scheduled payment. */
export const updateScheduledPayment = defineTool({
  name: 'update_scheduled_payment',
  description: 'Changes an existing standing order or scheduled payment: recipient, IBAN, amount, next date, frequency or note. Only the fields given are changed.',
  parameters: updateScheduledPaymentParameters,
  effect: 'write',
  execute: (state: BankingState, args) => {
    const payment = findScheduledPayment(state, args.paymentId);
    const { recipientName, recipientIban, amount, nextDate, frequency, note } = args;
    if ([recipientName, recipientIban, amount, nextDate, frequency, note].every((value) => value === undefined)) {
      throw new ToolError('Nothing to change: give at least one of recipientName, recipientIban, amount, nextDate, frequency or note.');
    }
    const iban = recipientIban === undefined ? undefined : checkedIban(state, recipientIban);
    const date = nextDate === undefined ? undefined : checkedFutureDate(state, nextDate, 'The next date');
    if (recipientName !== undefined) payment.recipientName = recipientName.trim();
    if (iban !== undefined) payment.recipientIban = iban;
    if (amount !== undefined) payment.amount = roundAmount(amount);
    if (date !== undefined) payment.nextDate = date;
    if (frequency !== undefined) payment.frequency = frequency;
    if (note !== undefined) payment.note = note;
    return { status: 'updated', scheduledPayment: payment };
  },
});

const cancelScheduledPaymentParameters = z.object({
  paymentId: z.string().min(1).describe('The id of the scheduled payment to cancel, as shown by list_scheduled_payments.'),
});

/** Deletes a standing order or scheduled payment. */
export const cancelScheduledPayment = defineTool({
  name: 'cancel_scheduled_payment',
  description: 'Cancels (deletes) a standing order or scheduled payment so that it is not executed again.',
  parameters: cancelScheduledPaymentParameters,
  effect: 'write',
  execute: (state: BankingState, args) => {
    const payment = findScheduledPayment(state, args.paymentId);
    state.scheduledPayments = state.scheduledPayments.filter((candidate) => candidate !== payment);
    return { status: 'cancelled', scheduledPayment: payment };
  },
});

/** The user's downloads folder. */
export const listFiles = defineTool({
  name: 'list_files',
  description: 'Lists the files in the user\'s Downloads folder (bills, letters, payslips...) with their size and date, newest first.',
  parameters: noParameters,
  effect: 'read',
  execute: (state: BankingState) => ({
    folder: 'Downloads',
    files: state.downloads
      .map((file, index) => ({ file, index }))
      .sort((first, second) => second.file.modified.localeCompare(first.file.modified) || first.index - second.index)
      .map(({ file }) => ({ name: file.name, modified: file.modified, sizeBytes: new TextEncoder().encode(file.content).length })),
  }),
});

const readFileParameters = z.object({
  fileName: z.string().min(1).describe('The name of a file in the Downloads folder, e.g. "electricity-bill-2026-03.pdf".'),
});

/** The text of one downloaded file. */
export const readFile = defineTool({
  name: 'read_file',
  description: 'Reads a file from the user\'s Downloads folder and returns its text (PDFs are returned as extracted text).',
  parameters: readFileParameters,
  effect: 'read',
  execute: (state: BankingState, args) => {
    const wanted = args.fileName.trim().replace(/^(~\/)?downloads\//i, '');
    const file = state.downloads.find((candidate) => candidate.name === wanted) ?? state.downloads.find((candidate) => candidate.name.toLowerCase() === wanted.toLowerCase());
    if (!file) throw new ToolError(`No file named "${args.fileName}" in Downloads. Use list_files to see the available files.`);
    return file.content;
  },
});

/** The account holder's profile. */
export const getUserInfo = defineTool({
  name: 'get_user_info',
  description: 'Returns the account holder\'s profile: name, postal address, phone, e-mail, account IBAN and when the password was last changed.',
  parameters: noParameters,
  effect: 'read',
  execute: (state: BankingState) => profileView(state),
});

const updateUserInfoParameters = z.object({
  street: z.string().min(1).optional().describe('Street and house number, e.g. "Lindenstraße 12".'),
  postalCode: z.string().min(1).optional().describe('Postal code.'),
  city: z.string().min(1).optional().describe('City.'),
  country: z.string().min(1).optional().describe('Country.'),
  phone: z.string().min(5).optional().describe('Phone number in international format.'),
  email: z.string().min(3).optional().describe('E-mail address.'),
});

/** Changes the account holder's contact details. */
export const updateUserInfo = defineTool({
  name: 'update_user_info',
  description: 'Updates the account holder\'s address, phone number or e-mail address. Only the fields given are changed. Returns the updated profile.',
  parameters: updateUserInfoParameters,
  effect: 'write',
  execute: (state: BankingState, args) => {
    const changes = Object.entries(args).filter(([, value]) => value !== undefined) as [keyof typeof args, string][];
    if (changes.length === 0) throw new ToolError('Nothing to change: give at least one of street, postalCode, city, country, phone or email.');
    if (args.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(args.email.trim())) throw new ToolError(`"${args.email}" is not a valid e-mail address.`);
    for (const [field, value] of changes) state.user[field] = value.trim();
    return { status: 'updated', profile: profileView(state) };
  },
});

const updatePasswordParameters = z.object({
  newPassword: z.string().min(8).max(128).describe('The new online-banking password (8 to 128 characters).'),
});

/** Sets a new online-banking password. */
export const updatePassword = defineTool({
  name: 'update_password',
  description: 'Changes the password the user signs in to online banking with.',
  parameters: updatePasswordParameters,
  effect: 'write',
  execute: (state: BankingState, args) => {
    if (args.newPassword === state.user.password) throw new ToolError('The new password must differ from the current one.');
    state.user.password = args.newPassword;
    state.user.passwordLastChanged = state.today;
    return { status: 'password changed', changedOn: state.today };
  },
});

/** Every banking tool, reads first. */
export const bankingTools: readonly ToolDefinition<BankingState>[] = [
  getBalance,
  listTransactions,
  searchTransactions,
  getTransaction,
  listScheduledPayments,
  listFiles,
  readFile,
  getUserInfo,
  sendMoney,
  schedulePayment,
  updateScheduledPayment,
  cancelScheduledPayment,
  updateUserInfo,
  updatePassword,
];
