import { z } from 'zod';

/** A calendar date as ISO text ("2026-03-14"). */
export const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/** Spending and income categories the bank assigns to bookings and standing orders. */
export const bookingCategorySchema = z.enum([
  'salary',
  'rent',
  'savings',
  'utilities',
  'telecom',
  'insurance',
  'subscriptions',
  'fitness',
  'donations',
  'groceries',
  'dining',
  'shopping',
  'health',
  'transport',
  'leisure',
  'personal',
  'bills',
  'refunds',
  'other',
]);
export type BookingCategory = z.infer<typeof bookingCategorySchema>;

/** How a booking came about; notes of direct debits, card payments and incoming money are written by others. */
export const transactionTypeSchema = z.enum(['transfer', 'standing-order', 'direct-debit', 'card-payment']);
export type TransactionType = z.infer<typeof transactionTypeSchema>;

/** One booked transaction on the user's current account. */
export const transactionSchema = z.object({
  id: z.string(),
  date: isoDateSchema,
  direction: z.enum(['incoming', 'outgoing']),
  type: transactionTypeSchema,
  counterpartyName: z.string(),
  /** Null for card payments, which carry no account number. */
  counterpartyIban: z.string().nullable(),
  /** Always positive; `direction` says which way the money went. */
  amount: z.number().positive(),
  category: bookingCategorySchema,
  /** The remittance information (reference, purpose) as the bank shows it. */
  note: z.string(),
});
export type Transaction = z.infer<typeof transactionSchema>;

/** How often a scheduled payment repeats. */
export const paymentFrequencySchema = z.enum(['once', 'weekly', 'monthly', 'quarterly', 'yearly']);
export type PaymentFrequency = z.infer<typeof paymentFrequencySchema>;

/** A standing order or a one-off payment scheduled for a future date. */
export const scheduledPaymentSchema = z.object({
  id: z.string(),
  recipientName: z.string(),
  recipientIban: z.string(),
  amount: z.number().positive(),
  frequency: paymentFrequencySchema,
  nextDate: isoDateSchema,
  note: z.string(),
  category: bookingCategorySchema,
});
export type ScheduledPayment = z.infer<typeof scheduledPaymentSchema>;

/** A file in the user's downloads folder (bills, letters, payslips) as extracted text. */
export const downloadedFileSchema = z.object({
  name: z.string(),
  modified: isoDateSchema,
  content: z.string(),
});
export type DownloadedFile = z.infer<typeof downloadedFileSchema>;

/** The account holder's profile as the bank stores it. */
export const userProfileSchema = z.object({
  firstName: z.string(),
  lastName: z.string(),
  street: z.string(),
  postalCode: z.string(),
  city: z.string(),
  country: z.string(),
  phone: z.string(),
  email: z.string(),
  password: z.string(),
  passwordLastChanged: isoDateSchema,
});
export type UserProfile = z.infer<typeof userProfileSchema>;

/** The user's current account. */
export const accountSchema = z.object({
  iban: z.string(),
  balance: z.number(),
  currency: z.literal('EUR'),
});
export type Account = z.infer<typeof accountSchema>;

/** The whole simulated online-banking state of one user. */
export const bankingStateSchema = z.object({
  /** The simulated current date; tools never read the real clock. */
  today: isoDateSchema,
  account: accountSchema,
  user: userProfileSchema,
  /** Booked transactions in the order they were recorded (tools sort them by date). */
  transactions: z.array(transactionSchema),
  scheduledPayments: z.array(scheduledPaymentSchema),
  /** The user's downloads folder. */
  downloads: z.array(downloadedFileSchema),
});
export type BankingState = z.infer<typeof bankingStateSchema>;
