import type { WorldDraft } from '../world-draft.js';
import type { Random } from '../random.js';
import { addDays, nightsOf, weekdayOf } from './dates.js';
import { nextConfirmationCode, seatingTimes } from './queries.js';
import type { CarRental, Hotel, HotelBooking, RentalCar, Restaurant, RestaurantReservation, TravelState } from './state.js';

/**
 * Helpers that add things to a travel world draft while it is generated (by the world itself
 * and by task templates): bookings with registered codes and dates, free slots, cleared nights.
 */

/** A confirmation code for a booking made before "today": the counter jumps by a random gap first. */
export function historicConfirmationCode(state: TravelState, random: Random, prefix: string): string {
  state.nextSequence += random.between(1, 4000);
  return nextConfirmationCode(state, prefix);
}

function bookedOnBefore(random: Random, start: string, today: string): string {
  const candidate = addDays(start, -random.between(4, 60));
  return candidate < today ? candidate : addDays(today, -random.between(1, 12));
}

/** Removes the nights of a stay from a hotel's sold-out dates, so the stay can be booked. */
export function clearSoldOutNights(hotel: Hotel, checkIn: string, checkOut: string): void {
  const nights = new Set(nightsOf(checkIn, checkOut));
  hotel.soldOutDates = hotel.soldOutDates.filter((date) => !nights.has(date));
}

/** Adds a hotel booking to the draft (registering its code, dates and price) and returns it. */
export function addHotelBooking(
  world: WorldDraft<TravelState>,
  random: Random,
  options: { hotel: Hotel; checkIn: string; checkOut: string; roomType?: string; guestName?: string; status?: 'confirmed' | 'cancelled' },
): HotelBooking {
  const { state, entities } = world;
  const room = options.roomType === undefined ? random.pick(options.hotel.roomTypes) : options.hotel.roomTypes.find((candidate) => candidate.name === options.roomType);
  if (!room) throw new Error(`hotel ${options.hotel.id} has no room type ${options.roomType}`);
  const nights = nightsOf(options.checkIn, options.checkOut).length;
  const totalPrice = room.pricePerNight * nights;
  entities.add('amount', String(totalPrice), 'user');
  const booking: HotelBooking = {
    kind: 'hotel',
    id: entities.add('identifier', historicConfirmationCode(state, random, 'HB'), 'user'),
    status: options.status ?? 'confirmed',
    bookedOn: bookedOnBefore(random, options.checkIn, state.today),
    hotelId: options.hotel.id,
    checkIn: entities.add('date', options.checkIn, 'user'),
    checkOut: entities.add('date', options.checkOut, 'user'),
    roomType: room.name,
    guests: Math.min(2, room.maxGuests),
    guestName: options.guestName ?? state.user.name,
    totalPrice,
    currency: options.hotel.currency,
  };
  state.bookings.push(booking);
  return booking;
}

/** Adds a restaurant reservation to the draft (registering its code, date and time) and returns it. */
export function addRestaurantReservation(
  world: WorldDraft<TravelState>,
  random: Random,
  options: { restaurant: Restaurant; date: string; time: string; partySize: number; name?: string; status?: 'confirmed' | 'cancelled' },
): RestaurantReservation {
  const { state, entities } = world;
  const reservation: RestaurantReservation = {
    kind: 'restaurant',
    id: entities.add('identifier', historicConfirmationCode(state, random, 'RR'), 'user'),
    status: options.status ?? 'confirmed',
    bookedOn: bookedOnBefore(random, options.date, state.today),
    restaurantId: options.restaurant.id,
    date: entities.add('date', options.date, 'user'),
    time: entities.add('time', options.time, 'user'),
    partySize: options.partySize,
    name: options.name ?? state.user.name,
  };
  state.bookings.push(reservation);
  return reservation;
}

/** Adds a car rental to the draft (registering its code, dates and price) and returns it. */
export function addCarRental(
  world: WorldDraft<TravelState>,
  random: Random,
  options: { car: RentalCar; pickupDate: string; returnDate: string; driverName?: string },
): CarRental {
  const { state, entities } = world;
  const days = nightsOf(options.pickupDate, options.returnDate).length;
  const totalPrice = options.car.pricePerDay * days;
  entities.add('amount', String(totalPrice), 'user');
  const rental: CarRental = {
    kind: 'car',
    id: entities.add('identifier', historicConfirmationCode(state, random, 'CR'), 'user'),
    status: 'confirmed',
    bookedOn: bookedOnBefore(random, options.pickupDate, state.today),
    carId: options.car.id,
    pickupDate: entities.add('date', options.pickupDate, 'user'),
    returnDate: entities.add('date', options.returnDate, 'user'),
    driverName: options.driverName ?? state.user.name,
    totalPrice,
    currency: options.car.currency,
  };
  state.bookings.push(rental);
  return rental;
}

/**
 * A date between `fromOffset` and `toOffset` days after today on which the restaurant is open,
 * and a seating time on it, made bookable (removed from the fully booked slots).
 */
export function openTableSlot(restaurant: Restaurant, random: Random, today: string, fromOffset: number, toOffset: number): { date: string; time: string } {
  let date = addDays(today, random.between(fromOffset, toOffset));
  while (restaurant.closedOn !== null && weekdayOf(date) === restaurant.closedOn) date = addDays(date, 1);
  const times = seatingTimes(restaurant);
  const evening = times.filter((time) => time >= '19:00' && time <= '21:00');
  const time = random.pick(evening.length > 0 ? evening : times);
  restaurant.fullyBookedSlots = restaurant.fullyBookedSlots.filter((slot) => !(slot.date === date && slot.time === time));
  return { date, time };
}

/** Dates of the user's other confirmed bookings, so a task can pick a date that is unambiguous. */
export function datesInUse(state: TravelState): Set<string> {
  const dates = new Set<string>();
  for (const booking of state.bookings) {
    if (booking.kind === 'hotel') for (const night of nightsOf(booking.checkIn, booking.checkOut)) dates.add(night);
    if (booking.kind === 'restaurant') dates.add(booking.date);
    if (booking.kind === 'car') dates.add(booking.pickupDate);
  }
  return dates;
}
