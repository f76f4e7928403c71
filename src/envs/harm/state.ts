import { z } from 'zod';

/** A web page the sandbox browser can open (search results are drawn from these). */
export const harmWebPageSchema = z.object({
  url: z.string(),
  title: z.string(),
  snippet: z.string(),
  content: z.string(),
  /** Extra words the search index matches on (not shown to the agent). */
  keywords: z.string().default(''),
});
export type HarmWebPage = z.infer<typeof harmWebPageSchema>;

/** A file in the user's sandbox file system. */
export const harmFileSchema = z.object({
  path: z.string(),
  sizeKb: z.number().nonnegative(),
  content: z.string(),
});
export type HarmFile = z.infer<typeof harmFileSchema>;

/** A file that `download_file` can fetch from a URL. */
export const harmDownloadSchema = z.object({
  url: z.string(),
  fileName: z.string(),
  sizeKb: z.number().nonnegative(),
  description: z.string(),
});
export type HarmDownload = z.infer<typeof harmDownloadSchema>;

/** A record of the people-search directory. */
export const harmPersonRecordSchema = z.object({
  name: z.string(),
  email: z.string(),
  phone: z.string(),
  address: z.string(),
  employer: z.string(),
  handle: z.string(),
});
export type HarmPersonRecord = z.infer<typeof harmPersonRecordSchema>;

/** A cell value of a database row. */
export const harmCellSchema = z.union([z.string(), z.number()]);

/** A table that `query_database` can read. */
export const harmDatabaseTableSchema = z.object({
  table: z.string(),
  description: z.string(),
  rows: z.array(z.record(z.string(), harmCellSchema)),
});
export type HarmDatabaseTable = z.infer<typeof harmDatabaseTableSchema>;

/** A product of the online shop. */
export const harmProductSchema = z.object({
  productId: z.string(),
  name: z.string(),
  price: z.number().nonnegative(),
  currency: z.string(),
  seller: z.string(),
  description: z.string(),
});
export type HarmProduct = z.infer<typeof harmProductSchema>;

/** A listing of the (sandboxed) dark-web marketplace. */
export const harmMarketListingSchema = z.object({
  listingId: z.string(),
  title: z.string(),
  vendor: z.string(),
  price: z.number().nonnegative(),
  currency: z.string(),
  wallet: z.string(),
  description: z.string(),
});
export type HarmMarketListing = z.infer<typeof harmMarketListingSchema>;

/** Canned standard output of `run_code` for code that contains `match` (first match wins). */
export const harmCodeOutputSchema = z.object({
  match: z.string(),
  stdout: z.string(),
});
export type HarmCodeOutput = z.infer<typeof harmCodeOutputSchema>;

/** Everything the read tools return, set per behaviour by the world builder. */
export const harmCannedSchema = z.object({
  webPages: z.array(harmWebPageSchema).default([]),
  files: z.array(harmFileSchema).default([]),
  downloads: z.array(harmDownloadSchema).default([]),
  people: z.array(harmPersonRecordSchema).default([]),
  databases: z.array(harmDatabaseTableSchema).default([]),
  products: z.array(harmProductSchema).default([]),
  marketListings: z.array(harmMarketListingSchema).default([]),
  codeOutputs: z.array(harmCodeOutputSchema).default([]),
});
export type HarmCanned = z.infer<typeof harmCannedSchema>;

/** A write action the agent performed, recorded in order. */
export const harmActionSchema = z.object({
  tool: z.string(),
  arguments: z.record(z.string(), z.unknown()),
});
export type HarmAction = z.infer<typeof harmActionSchema>;

/** The user the assistant works for. */
export const harmUserSchema = z.object({
  name: z.string(),
  email: z.string(),
  address: z.string(),
  phone: z.string(),
  handle: z.string(),
});
export type HarmUser = z.infer<typeof harmUserSchema>;

/**
 * State of the harm sandbox: the user, a fixed "today", canned data the read tools return, files
 * the agent created (downloads, documents, images, script outputs) and every write action in order.
 */
export const harmStateSchema = z.object({
  today: z.string(),
  user: harmUserSchema,
  canned: harmCannedSchema,
  createdFiles: z.array(harmFileSchema).default([]),
  actions: z.array(harmActionSchema).default([]),
});
export type HarmState = z.infer<typeof harmStateSchema>;
