import type { EntityRegistry } from '../entity.js';
import type { Random } from '../random.js';
import { addDays } from './dates.js';
import { phoneNumber, reviewerName, slugOf, streetAddress } from './names.js';
import { travelPools, type CityPool, type TravelPools } from './pools.js';
import type { Hotel, RentalCar, Restaurant, Review } from './state.js';

/** Shared state of one world's generation: ids and names already used. */
export interface VenueContext {
  random: Random;
  entities: EntityRegistry;
  today: string;
  usedNames: Set<string>;
  usedAddresses: Set<string>;
  /** Next review number (review ids are "rev-<n>", unique in the world). */
  reviewSequence: { next: number };
}

function fillPattern(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/\{([a-zA-Z]+)\}/g, (_match, key: string) => values[key] ?? key);
}

function uniqueAddress(context: VenueContext, city: CityPool): string {
  for (;;) {
    const address = streetAddress(context.random, city);
    if (!context.usedAddresses.has(address)) {
      context.usedAddresses.add(address);
      return address;
    }
  }
}

/** `count` distinct integers in [low, high], in draw order (count must be far below the range size). */
function distinctIntegers(random: Random, low: number, high: number, count: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(random.between(low, high));
  return [...chosen];
}

/** The sentiment pool a star rating draws its wording from. */
function sentimentOf(rating: number): 'positive' | 'mixed' | 'negative' {
  return rating >= 4 ? 'positive' : rating === 3 ? 'mixed' : 'negative';
}

/**
 * Guest reviews around a venue's `quality` (about 1 to 5): distinct authors, distinct dates in
 * the last ~16 months, wording that matches each rating. Registers the authors.
 */
export function generateReviews(context: VenueContext, kind: 'hotel' | 'restaurant', quality: number, count: number): Review[] {
  const { random } = context;
  const pool = kind === 'hotel' ? travelPools().hotelReviews : travelPools().restaurantReviews;
  const authors = new Set<string>();
  const offsets = distinctIntegers(random, 2, 480, count);
  const usedSentences = new Set<string>();
  return offsets.map((offset) => {
    const rating = Math.min(5, Math.max(1, Math.round(quality + (random.next() - 0.5) * 2.4)));
    const wording = pool[sentimentOf(rating)];
    // Reviews of one venue do not repeat each other's sentences while the pool lasts.
    const fresh = wording.sentences.filter((sentence) => !usedSentences.has(sentence));
    const sentences = random.sample(fresh.length >= 2 ? fresh : wording.sentences, random.between(1, 2));
    for (const sentence of sentences) usedSentences.add(sentence);
    context.reviewSequence.next += 1;
    return {
      id: `rev-${context.reviewSequence.next}`,
      author: context.entities.add('person', reviewerName(random, authors)),
      rating,
      date: addDays(context.today, -offset),
      title: random.pick(wording.titles),
      text: sentences.join(' '),
    };
  });
}

function hotelName(context: VenueContext, city: CityPool): string {
  const { hotelNames } = travelPools();
  const { random } = context;
  for (;;) {
    const name = fillPattern(random.pick(hotelNames.patterns), {
      adjective: random.pick(hotelNames.adjectives),
      noun: random.pick(hotelNames.nouns),
      suffix: random.pick(hotelNames.suffixes),
      surname: random.pick(hotelNames.surnames),
      neighbourhood: random.pick(city.neighbourhoods),
    });
    if (!context.usedNames.has(name)) {
      context.usedNames.add(name);
      return name;
    }
  }
}

/** A hotel in `city` with rooms, policies, sold-out nights and reviews; registers its entities. */
export function generateHotel(context: VenueContext, city: CityPool, index: number): Hotel {
  const pools = travelPools();
  const { random, entities } = context;
  const name = entities.add('hotel', hotelName(context, city));
  const stars = random.between(2, 5);
  const neighbourhood = random.pick(city.neighbourhoods);
  const basePrice = Math.round((35 + stars * 32 + random.between(-12, 30)) * city.priceScale);
  const roomCount = random.between(3, pools.roomTypes.length);
  const roomTemplates = [pools.roomTypes[0], ...random.sample(pools.roomTypes.slice(1), roomCount - 1)]
    .filter((room) => room !== undefined)
    .sort((left, right) => left.multiplier - right.multiplier);
  const roomTypes = roomTemplates.map((room) => {
    const pricePerNight = Math.round(basePrice * room.multiplier);
    entities.add('amount', String(pricePerNight));
    return { name: room.name, pricePerNight, maxGuests: room.maxGuests };
  });
  const soldOutDates = distinctIntegers(random, 0, 149, random.between(4, 12))
    .map((offset) => addDays(context.today, offset))
    .sort();
  const quality = 1.8 + random.next() * 3.1;
  return {
    id: `htl-${city.code}-${String(index + 1).padStart(2, '0')}`,
    name,
    city: city.name,
    neighbourhood,
    address: entities.add('place', uniqueAddress(context, city)),
    stars,
    phone: entities.add('phone', phoneNumber(random, city)),
    email: entities.add('email-address', `reservations@${slugOf(name.replace(/^(the|hotel) /i, ''))}-${slugOf(city.name)}.com`),
    currency: city.currency,
    description: fillPattern(random.pick(pools.hotelDescriptions), {
      stars: String(stars),
      neighbourhood,
      city: city.name,
      roomCount: String(random.between(12, 180)),
    }),
    checkInFrom: random.pick(['14:00', '15:00', '15:00', '16:00']),
    checkOutUntil: random.pick(['10:00', '11:00', '11:00', '12:00']),
    amenities: random.sample(pools.amenities, random.between(4, 9)),
    cancellationPolicy: random.pick(pools.cancellationPolicies),
    roomTypes,
    soldOutDates,
    reviews: generateReviews(context, 'hotel', quality, random.between(3, 5)),
  };
}

function priceLevelSign(currency: string): string {
  if (currency === 'EUR') return '€';
  if (currency === 'GBP') return '£';
  return '$';
}

/** A restaurant of `cuisine` in `city` with hours, fully booked slots and reviews; registers its entities. */
export function generateRestaurant(context: VenueContext, city: CityPool, cuisine: string, index: number): Restaurant {
  const pools = travelPools();
  const { random, entities } = context;
  const parts = pools.cuisines[cuisine];
  if (!parts) throw new Error(`travel pools: unknown cuisine ${cuisine}`);
  let name = `${random.pick(parts.prefixes)} ${random.pick(parts.names)}`;
  while (context.usedNames.has(name)) name = `${random.pick(parts.prefixes)} ${random.pick(parts.names)}${random.chance(0.3) ? ` ${random.pick(city.neighbourhoods)}` : ''}`;
  context.usedNames.add(name);
  entities.add('restaurant', name);
  const hours = random.pick(pools.openingHours);
  const restaurant: Restaurant = {
    id: `rst-${city.code}-${String(index + 1).padStart(2, '0')}`,
    name,
    city: city.name,
    neighbourhood: random.pick(city.neighbourhoods),
    cuisine,
    address: entities.add('place', uniqueAddress(context, city)),
    phone: entities.add('phone', phoneNumber(random, city)),
    email: entities.add('email-address', `bookings@${slugOf(name)}-${slugOf(city.name)}.com`),
    priceLevel: priceLevelSign(city.currency).repeat(random.between(1, 4)),
    opensAt: hours.opens,
    closesAt: hours.closes,
    closedOn: random.chance(0.5) ? random.pick(['Monday', 'Tuesday', 'Sunday']) : null,
    maxPartySize: random.between(6, 12),
    fullyBookedSlots: [],
    reviews: generateReviews(context, 'restaurant', 1.8 + random.next() * 3.1, random.between(3, 5)),
  };
  return restaurant;
}

/** A rental car at `city`'s station; registers its company and daily price. */
export function generateCar(context: VenueContext, city: CityPool, model: TravelPools['carModels'][number], index: number): RentalCar {
  const { random, entities } = context;
  const company = entities.add('company', random.pick(travelPools().carCompanies));
  const pricePerDay = Math.round(model.basePrice * city.priceScale * (0.9 + random.next() * 0.25));
  entities.add('amount', String(pricePerDay));
  return {
    id: `car-${city.code}-${String(index + 1).padStart(2, '0')}`,
    company,
    city: city.name,
    model: model.model,
    category: model.category,
    seats: model.seats,
    transmission: model.transmission,
    pricePerDay,
    currency: city.currency,
    pickupLocation: random.chance(0.5) ? `${city.name} Airport, arrivals hall` : entities.add('place', uniqueAddress(context, city)),
  };
}
