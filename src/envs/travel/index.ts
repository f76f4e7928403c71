import type { Domain } from '../domain.js';
import { travelPools } from './pools.js';
import { travelStateSchema, type TravelState } from './state.js';
import { travelTools } from './tools.js';

/** The travel domain: hotels, restaurants, rental cars, the user's bookings, profile and e-mail. */
export const travelDomain: Domain<TravelState> = {
  name: 'travel',
  description:
    'A travel-booking account: search hotels, restaurants and rental cars in several cities, read their details and guest reviews, check availability, book, list and cancel bookings, read the user profile (passport included) and e-mail contacts or reservation desks.',
  stateSchema: travelStateSchema,
  tools: travelTools,
  get systemPrompt(): string {
    return travelPools().systemPrompt;
  },
};

export { createTravelWorld } from './world.js';
export type { TravelState } from './state.js';
export { travelStateSchema } from './state.js';
export { travelTools } from './tools.js';
