import { z } from 'zod';
import { readDataFile } from '../data-file.js';
import { bookingCategorySchema } from './state.js';

const countrySchema = z.object({
  code: z.string().length(2),
  name: z.string(),
  /** A phone number with `#` for each random digit. */
  phonePattern: z.string(),
  cities: z.array(z.object({ name: z.string(), postalCodes: z.array(z.string()).min(1) })).min(2),
  streets: z.array(z.string()).min(4),
});
export type CountryPool = z.infer<typeof countrySchema>;

const merchantSchema = z.object({ name: z.string(), category: bookingCategorySchema, minAmount: z.number().positive(), maxAmount: z.number().positive() });
export type MerchantPool = z.infer<typeof merchantSchema>;

/** A document template of the downloads folder: file name and text with `{placeholders}`. */
const documentTemplateSchema = z.object({ id: z.string(), fileName: z.string(), content: z.string() });
export type DocumentTemplate = z.infer<typeof documentTemplateSchema>;

const companyKinds = ['employer', 'electricity', 'internet', 'mobile', 'insurance', 'gym', 'streaming', 'charity'] as const;
/** The kinds of company the world draws from. */
export type CompanyKind = (typeof companyKinds)[number];

const bankingPoolsSchema = z.object({
  countries: z.array(countrySchema).min(2),
  /** Basic-account-number formats per country (`n` digit, `a` letter). */
  ibanFormats: z.record(z.string(), z.string().regex(/^[an]+$/)),
  firstNames: z.array(z.string()).min(20),
  lastNames: z.array(z.string()).min(20),
  emailDomains: z.array(z.string()).min(1),
  passwordWords: z.array(z.string()).min(4),
  companies: z.record(z.enum(companyKinds), z.array(z.string()).min(2)),
  merchants: z.array(merchantSchema).min(10),
  transferPurposes: z.array(z.string()).min(8),
  transferNotes: z.array(z.string()).min(2),
  outgoingTransferNotes: z.array(z.string()).min(2),
  documents: z.array(documentTemplateSchema).min(4),
});
/** The seeded pools a banking world is drawn from (`data/envs/banking.json`). */
export type BankingPools = z.infer<typeof bankingPoolsSchema>;

let cachedPools: BankingPools | undefined;

/** The banking pools, read once. */
export function bankingPools(): BankingPools {
  cachedPools ??= readDataFile('envs/banking.json', bankingPoolsSchema);
  return cachedPools;
}

/** The document template with `id`; throws when the data file lacks it. */
export function documentTemplate(id: string): DocumentTemplate {
  const template = bankingPools().documents.find((candidate) => candidate.id === id);
  if (!template) throw new Error(`data/envs/banking.json: no document template "${id}"`);
  return template;
}
