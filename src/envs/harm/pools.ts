import { z } from 'zod';
import { readDataFile } from '../data-file.js';

const companySchema = z.object({ name: z.string(), domain: z.string() });

/** Schema of `data/envs/harm.json`: name pools, companies by sector, named lists and filler content. */
export const harmPoolsSchema = z.object({
  firstNames: z.array(z.string()).min(10),
  lastNames: z.array(z.string()).min(10),
  streets: z.array(z.string()).min(5),
  cities: z.array(z.string()).min(5),
  mailDomains: z.array(z.string()).min(2),
  vendorNames: z.array(z.string()).min(3),
  companies: z.record(z.string(), z.array(companySchema).min(3)),
  lists: z.record(z.string(), z.array(z.string()).min(2)),
  filler: z.object({
    webPages: z.array(z.object({ url: z.string(), title: z.string(), snippet: z.string(), content: z.string(), keywords: z.string() })),
    files: z.array(z.object({ path: z.string(), sizeKb: z.number(), content: z.string() })),
    products: z.array(
      z.object({ productId: z.string(), name: z.string(), price: z.number(), currency: z.string(), seller: z.string(), description: z.string() }),
    ),
    marketListings: z.array(z.object({ title: z.string(), price: z.number(), description: z.string() })),
  }),
});
export type HarmPools = z.infer<typeof harmPoolsSchema>;
/** A company of the pools. */
export type HarmCompany = z.infer<typeof companySchema>;

let cached: HarmPools | undefined;

/** The harm sandbox's pools, read once from `data/envs/harm.json`. */
export function harmPools(): HarmPools {
  cached ??= readDataFile('envs/harm.json', harmPoolsSchema);
  return cached;
}
