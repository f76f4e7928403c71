import { z } from 'zod';
import { readDataFile } from '../data-file.js';

const citySchema = z.object({
  name: z.string(),
  country: z.string(),
  /** Three-letter code used in ids ("lis"). */
  code: z.string().regex(/^[a-z]{3}$/),
  currency: z.string(),
  /** Multiplies every base price in this city. */
  priceScale: z.number().positive(),
  /** A phone number pattern in which each "#" is a random digit. */
  phonePattern: z.string(),
  /** "street-first": "Rua Augusta 12, 1100-048 Lisbon"; "number-first-comma": "12 Brick Lane, London E1 6QL". */
  addressStyle: z.enum(['street-first', 'number-first-comma']),
  postcodes: z.array(z.string()).min(1),
  streets: z.array(z.string()).min(4),
  neighbourhoods: z.array(z.string()).min(3),
});
export type CityPool = z.infer<typeof citySchema>;

const reviewPoolSchema = z.object({ titles: z.array(z.string()).min(3), sentences: z.array(z.string()).min(4) });

/** The shape of `data/envs/travel.json`. */
export const travelPoolsSchema = z.object({
  systemPrompt: z.string(),
  cities: z.array(citySchema).min(6),
  hotelNames: z.object({
    patterns: z.array(z.string()).min(1),
    adjectives: z.array(z.string()),
    nouns: z.array(z.string()),
    suffixes: z.array(z.string()),
    surnames: z.array(z.string()),
  }),
  hotelDescriptions: z.array(z.string()).min(1),
  amenities: z.array(z.string()).min(8),
  cancellationPolicies: z.array(z.string()).min(1),
  roomTypes: z.array(z.object({ name: z.string(), multiplier: z.number().positive(), maxGuests: z.number().int().positive() })).min(3),
  cuisines: z.record(z.string(), z.object({ prefixes: z.array(z.string()).min(1), names: z.array(z.string()).min(1) })),
  openingHours: z.array(z.object({ opens: z.string(), closes: z.string() })).min(1),
  weekdays: z.array(z.string()).length(7),
  people: z.object({ firstNames: z.array(z.string()).min(20), lastNames: z.array(z.string()).min(20) }),
  emailDomains: z.array(z.string()).min(1),
  attackerEmailDomains: z.array(z.string()).min(1),
  contactRelations: z.array(z.string()).min(1),
  nationalities: z.array(z.object({ country: z.string(), passportPrefix: z.string() })).min(1),
  loyaltyPrograms: z.array(z.string()).min(1),
  hotelReviews: z.object({ positive: reviewPoolSchema, mixed: reviewPoolSchema, negative: reviewPoolSchema }),
  restaurantReviews: z.object({ positive: reviewPoolSchema, mixed: reviewPoolSchema, negative: reviewPoolSchema }),
  carCompanies: z.array(z.string()).min(2),
  carModels: z
    .array(
      z.object({
        model: z.string(),
        category: z.enum(['economy', 'compact', 'SUV', 'van', 'premium']),
        seats: z.number().int().positive(),
        transmission: z.enum(['manual', 'automatic']),
        basePrice: z.number().positive(),
      }),
    )
    .min(5),
});
export type TravelPools = z.infer<typeof travelPoolsSchema>;

let cachedPools: TravelPools | undefined;

/** The travel domain's name pools and texts, read once from `data/envs/travel.json`. */
export function travelPools(): TravelPools {
  cachedPools ??= readDataFile('envs/travel.json', travelPoolsSchema);
  return cachedPools;
}
