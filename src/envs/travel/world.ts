import type { WorldDraft } from '../world-draft.js';
import type { InjectionVector } from '../domain.js';
import { EntityRegistry } from '../entity.js';
import type { Random } from '../random.js';
import { vectorAt } from '../world-draft-helpers.js';
import { addDays } from './dates.js';
import { addCarRental, addHotelBooking, addRestaurantReservation, openTableSlot } from './draft-helpers.js';
import { personalEmail, phoneNumber, streetAddress, uniqueFullName } from './names.js';
import { travelPools, type CityPool } from './pools.js';
import { seatingTimes } from './queries.js';
import type { Hotel, RentalCar, Restaurant, TravelContact, TravelState, TravelUser } from './state.js';
import { generateCar, generateHotel, generateRestaurant, type VenueContext } from './venues.js';

/** How many destination cities a world lists (the user's home city is never one of them). */
export const destinationCityCount = 4;

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function generateUser(random: Random, entities: EntityRegistry, home: CityPool, today: string, takenNames: Set<string>): TravelUser {
  const pools = travelPools();
  const name = entities.add('person', uniqueFullName(random, takenNames), 'user');
  const nationality = random.pick(pools.nationalities);
  const passportNumber = `${nationality.passportPrefix}${random.characters('0123456789', 8)}`;
  const user: TravelUser = {
    name,
    email: entities.add('email-address', personalEmail(random, name), 'user'),
    phone: entities.add('phone', phoneNumber(random, home), 'user'),
    dateOfBirth: entities.add('date', isoDate(random.between(1962, 2001), random.between(1, 12), random.between(1, 28)), 'user'),
    nationality: nationality.country,
    homeAddress: entities.add('place', streetAddress(random, home), 'user'),
    homeCity: entities.add('place', home.name, 'user'),
    passport: {
      number: entities.add('identifier', passportNumber, 'user'),
      issuingCountry: nationality.country,
      expiryDate: entities.add('date', addDays(today, random.between(200, 3400)), 'user'),
    },
    loyaltyProgram: {
      name: random.pick(pools.loyaltyPrograms),
      memberNumber: entities.add('identifier', random.characters('0123456789', 10), 'user'),
    },
    paymentCardLastDigits: entities.add('identifier', random.characters('0123456789', 4), 'user'),
    contacts: [],
  };
  const contactCount = random.between(4, 6);
  const relations = random.sample(pools.contactRelations, contactCount);
  for (let index = 0; index < contactCount; index += 1) {
    const contactName = entities.add('person', uniqueFullName(random, takenNames), 'contact');
    const contact: TravelContact = {
      name: contactName,
      email: entities.add('email-address', personalEmail(random, contactName), 'contact'),
      phone: entities.add('phone', phoneNumber(random, home), 'contact'),
      relation: relations[index] ?? 'friend',
    };
    user.contacts.push(contact);
  }
  return user;
}

function generateCity(context: VenueContext, city: CityPool): { hotels: Hotel[]; restaurants: Restaurant[]; cars: RentalCar[] } {
  const { random } = context;
  const pools = travelPools();
  context.entities.add('place', city.name);
  const hotels = Array.from({ length: random.between(5, 7) }, (_unused, index) => generateHotel(context, city, index));
  const cuisines = random.shuffle(Object.keys(pools.cuisines));
  const restaurantCount = random.between(6, 8);
  const restaurants = Array.from({ length: restaurantCount }, (_unused, index) =>
    generateRestaurant(context, city, cuisines[index % cuisines.length] ?? 'italian', index),
  );
  for (const restaurant of restaurants) {
    const times = seatingTimes(restaurant);
    restaurant.fullyBookedSlots = Array.from({ length: random.between(3, 8) }, () => ({
      date: addDays(context.today, random.between(0, 45)),
      time: random.pick(times),
    }));
  }
  const models = random.sample(pools.carModels, random.between(4, 6));
  const cars = models.map((model, index) => generateCar(context, city, model, index));
  return { hotels, restaurants, cars };
}

/** Upcoming, past and cancelled bookings that make the account look lived-in. */
function generateBookings(world: WorldDraft<TravelState>, random: Random): void {
  const { state } = world;
  const hotels = random.shuffle(state.hotels);
  const upcomingStays = random.between(2, 3);
  for (let index = 0; index < upcomingStays + 3; index += 1) {
    const hotel = hotels[index % hotels.length] as Hotel;
    const past = index >= upcomingStays && index < upcomingStays + 2;
    const checkIn = past ? addDays(state.today, -random.between(20, 320)) : addDays(state.today, random.between(6, 90));
    const checkOut = addDays(checkIn, random.between(1, 5));
    const companion = random.chance(0.15) ? state.user.contacts[0]?.name : undefined;
    addHotelBooking(world, random, {
      hotel,
      checkIn,
      checkOut,
      status: index === upcomingStays + 2 ? 'cancelled' : 'confirmed',
      ...(companion === undefined ? {} : { guestName: companion }),
    });
  }
  const restaurants = random.shuffle(state.restaurants);
  for (let index = 0; index < 4; index += 1) {
    const restaurant = restaurants[index] as Restaurant;
    const upcoming = index < 2;
    const slot = upcoming
      ? openTableSlot(restaurant, random, state.today, 2, 40)
      : { date: addDays(state.today, -random.between(5, 200)), time: random.pick(seatingTimes(restaurant)) };
    addRestaurantReservation(world, random, { restaurant, date: slot.date, time: slot.time, partySize: random.between(2, 5) });
  }
  const cars = random.shuffle(state.rentalCars);
  for (let index = 0; index < 2; index += 1) {
    const car = cars[index] as RentalCar;
    const pickupDate = index === 0 ? addDays(state.today, random.between(8, 70)) : addDays(state.today, -random.between(15, 250));
    addCarRental(world, random, { car, pickupDate, returnDate: addDays(pickupDate, random.between(2, 7)) });
  }
  state.bookings.sort((left, right) => (left.bookedOn < right.bookedOn ? -1 : left.bookedOn > right.bookedOn ? 1 : 0));
}

/** One injection slot per guest review: every review text a task can read is untrusted. */
export function reviewVectors(state: TravelState): InjectionVector[] {
  const vectors: InjectionVector[] = [];
  state.hotels.forEach((hotel, hotelIndex) => {
    hotel.reviews.forEach((review, reviewIndex) => {
      vectors.push(vectorAt(`hotel-review:${hotel.id}:${review.id}`, 'review', ['hotels', hotelIndex, 'reviews', reviewIndex, 'text']));
    });
  });
  state.restaurants.forEach((restaurant, restaurantIndex) => {
    restaurant.reviews.forEach((review, reviewIndex) => {
      vectors.push(vectorAt(`restaurant-review:${restaurant.id}:${review.id}`, 'review', ['restaurants', restaurantIndex, 'reviews', reviewIndex, 'text']));
    });
  });
  return vectors;
}

/**
 * A seeded travel world: the user (profile, passport, contacts), four destination cities with
 * 5-7 hotels, 6-8 restaurants and 4-6 rental cars each, 3-6 reviews per hotel and restaurant,
 * and a history of hotel, restaurant and car bookings. Every name, address, phone number, e-mail,
 * code, price and date is registered; every review text is an injection slot.
 */
export function createTravelWorld(random: Random): WorldDraft<TravelState> {
  const pools = travelPools();
  const entities = new EntityRegistry();
  const today = isoDate(random.between(2025, 2026), random.between(1, 12), random.between(1, 28));
  const [home, ...destinations] = random.sample(pools.cities, destinationCityCount + 1) as [CityPool, ...CityPool[]];
  const user = generateUser(random.fork('user'), entities, home, today, new Set<string>());
  const context: VenueContext = {
    random: random.fork('venues'),
    entities,
    today,
    usedNames: new Set<string>(),
    usedAddresses: new Set<string>([user.homeAddress]),
    reviewSequence: { next: random.between(1000, 9000) },
  };
  const state: TravelState = {
    today,
    user,
    hotels: [],
    restaurants: [],
    rentalCars: [],
    bookings: [],
    sentMessages: [],
    nextSequence: random.between(100_000, 400_000),
  };
  for (const city of destinations) {
    const listings = generateCity(context, city);
    state.hotels.push(...listings.hotels);
    state.restaurants.push(...listings.restaurants);
    state.rentalCars.push(...listings.cars);
  }
  const world: WorldDraft<TravelState> = { state, entities, vectors: [] };
  generateBookings(world, random.fork('bookings'));
  world.vectors = reviewVectors(state);
  return world;
}
