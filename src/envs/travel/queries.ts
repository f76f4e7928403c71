import { ToolError } from '../tool.js';
import { clockTimeOf, isValidIsoDate, minutesOf, nightsOf, weekdayOf } from './dates.js';
import type { Booking, Hotel, RentalCar, Restaurant, Review, TravelState } from './state.js';

/** Lower-cases and trims, for lenient name matching (cities, room types, people). */
export function normaliseName(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** The hotel with `id`; a ToolError when there is none. */
export function findHotel(state: TravelState, id: string): Hotel {
  const hotel = state.hotels.find((candidate) => candidate.id === id.trim());
  if (!hotel) throw new ToolError(`no hotel with id "${id}"; use search_hotels to find hotel ids`);
  return hotel;
}

/** The restaurant with `id`; a ToolError when there is none. */
export function findRestaurant(state: TravelState, id: string): Restaurant {
  const restaurant = state.restaurants.find((candidate) => candidate.id === id.trim());
  if (!restaurant) throw new ToolError(`no restaurant with id "${id}"; use search_restaurants to find restaurant ids`);
  return restaurant;
}

/** The rental car with `id`; a ToolError when there is none. */
export function findCar(state: TravelState, id: string): RentalCar {
  const car = state.rentalCars.find((candidate) => candidate.id === id.trim());
  if (!car) throw new ToolError(`no rental car with id "${id}"; use search_rental_cars to find car ids`);
  return car;
}

/** The booking with confirmation code `id`; a ToolError when there is none. */
export function findBooking(state: TravelState, id: string): Booking {
  const wanted = id.trim().toUpperCase();
  const booking = state.bookings.find((candidate) => candidate.id.toUpperCase() === wanted);
  if (!booking) throw new ToolError(`no booking with confirmation code "${id}" on this account; use list_bookings`);
  return booking;
}

/** Cities that have at least one listing of any kind, for helpful error messages. */
export function listedCities(state: TravelState): string[] {
  return [...new Set([...state.hotels, ...state.restaurants, ...state.rentalCars].map((item) => item.city))].sort();
}

/** Throws a ToolError unless `city` has listings; returns the city's canonical spelling. */
export function requireCity(state: TravelState, city: string): string {
  const match = listedCities(state).find((candidate) => normaliseName(candidate) === normaliseName(city));
  if (!match) throw new ToolError(`no listings for city "${city}"; cities with listings: ${listedCities(state).join(', ')}`);
  return match;
}

/** Mean review rating rounded to one decimal, or null without reviews. */
export function averageRating(reviews: readonly Review[]): number | null {
  if (reviews.length === 0) return null;
  const sum = reviews.reduce((total, review) => total + review.rating, 0);
  return Math.round((sum / reviews.length) * 10) / 10;
}

/** Reviews sorted newest first (ties keep their order). */
export function reviewsNewestFirst(reviews: readonly Review[]): Review[] {
  return reviews.slice().sort((left, right) => (left.date < right.date ? 1 : left.date > right.date ? -1 : 0));
}

/** The cheapest nightly price of a hotel. */
export function priceFrom(hotel: Hotel): number {
  return Math.min(...hotel.roomTypes.map((room) => room.pricePerNight));
}

/** Throws a ToolError unless `date` is a real calendar date. */
export function requireValidDate(date: string, field: string): void {
  if (!isValidIsoDate(date)) throw new ToolError(`${field} "${date}" is not a valid calendar date`);
}

/** Checks a period's dates (a stay or a rental) against today and the calendar; returns its nights or days. */
export function requireStayDates(
  state: TravelState,
  start: string,
  end: string,
  options: { maximum?: number; startLabel?: string; endLabel?: string } = {},
): string[] {
  const { maximum = 30, startLabel = 'check-in date', endLabel = 'check-out date' } = options;
  requireValidDate(start, startLabel);
  requireValidDate(end, endLabel);
  if (start < state.today) throw new ToolError(`${startLabel} ${start} is in the past (today is ${state.today})`);
  if (end <= start) throw new ToolError(`the ${endLabel} must be after the ${startLabel}`);
  const nights = nightsOf(start, end);
  if (nights.length > maximum) throw new ToolError(`bookings are limited to ${maximum} nights or days`);
  return nights;
}

/** The nights of a stay on which the hotel is sold out. */
export function soldOutNights(hotel: Hotel, nights: readonly string[]): string[] {
  return nights.filter((night) => hotel.soldOutDates.includes(night));
}

/** Reservation start times a restaurant offers: every 30 minutes from opening until 90 minutes before closing. */
export function seatingTimes(restaurant: Restaurant): string[] {
  const times: string[] = [];
  for (let minutes = minutesOf(restaurant.opensAt); minutes <= minutesOf(restaurant.closesAt) - 90; minutes += 30) {
    times.push(clockTimeOf(minutes));
  }
  return times;
}

/** Why a table cannot be reserved at `date`/`time`, or null when it can. */
export function tableUnavailableReason(restaurant: Restaurant, date: string, time: string): string | null {
  if (restaurant.closedOn !== null && weekdayOf(date) === restaurant.closedOn) {
    return `${restaurant.name} is closed on ${restaurant.closedOn}s`;
  }
  if (!seatingTimes(restaurant).includes(time)) {
    return `${restaurant.name} takes reservations every 30 minutes from ${restaurant.opensAt} to ${clockTimeOf(minutesOf(restaurant.closesAt) - 90)}`;
  }
  if (restaurant.fullyBookedSlots.some((slot) => slot.date === date && slot.time === time)) {
    return `${restaurant.name} is fully booked on ${date} at ${time}`;
  }
  return null;
}

/** True when a confirmed rental of `carId` overlaps the period from `pickupDate` to `returnDate`. */
export function carIsTaken(state: TravelState, carId: string, pickupDate: string, returnDate: string): boolean {
  return state.bookings.some(
    (booking) =>
      booking.kind === 'car' &&
      booking.status === 'confirmed' &&
      booking.carId === carId &&
      booking.pickupDate < returnDate &&
      pickupDate < booking.returnDate,
  );
}

/** The date a booking starts on. */
export function bookingStartDate(booking: Booking): string {
  if (booking.kind === 'hotel') return booking.checkIn;
  if (booking.kind === 'restaurant') return booking.date;
  return booking.pickupDate;
}

/** "upcoming", "past" or "cancelled", relative to the state's today. */
export function bookingTiming(booking: Booking, today: string): 'upcoming' | 'past' | 'cancelled' {
  if (booking.status === 'cancelled') return 'cancelled';
  return bookingStartDate(booking) >= today ? 'upcoming' : 'past';
}

/** A new confirmation code with `prefix` ("HB", "RR", "CR"), unique in the state; advances the counter. */
export function nextConfirmationCode(state: TravelState, prefix: string): string {
  for (;;) {
    state.nextSequence += 1;
    const code = `${prefix}-${String(state.nextSequence).padStart(6, '0')}`;
    if (!state.bookings.some((booking) => booking.id === code)) return code;
  }
}

/** A booking as list_bookings shows it, with the hotel, restaurant or car it refers to. */
export function describeBooking(state: TravelState, booking: Booking): Record<string, unknown> {
  const common = { confirmationCode: booking.id, kind: booking.kind, status: bookingTiming(booking, state.today), bookedOn: booking.bookedOn };
  if (booking.kind === 'hotel') {
    const hotel = state.hotels.find((candidate) => candidate.id === booking.hotelId);
    return {
      ...common,
      hotelId: booking.hotelId,
      hotelName: hotel?.name ?? 'unknown hotel',
      city: hotel?.city ?? '',
      checkIn: booking.checkIn,
      checkOut: booking.checkOut,
      roomType: booking.roomType,
      guests: booking.guests,
      guestName: booking.guestName,
      totalPrice: booking.totalPrice,
      currency: booking.currency,
    };
  }
  if (booking.kind === 'restaurant') {
    const restaurant = state.restaurants.find((candidate) => candidate.id === booking.restaurantId);
    return {
      ...common,
      restaurantId: booking.restaurantId,
      restaurantName: restaurant?.name ?? 'unknown restaurant',
      city: restaurant?.city ?? '',
      date: booking.date,
      time: booking.time,
      partySize: booking.partySize,
      name: booking.name,
    };
  }
  const car = state.rentalCars.find((candidate) => candidate.id === booking.carId);
  return {
    ...common,
    carId: booking.carId,
    company: car?.company ?? '',
    model: car?.model ?? '',
    city: car?.city ?? '',
    pickupDate: booking.pickupDate,
    returnDate: booking.returnDate,
    driverName: booking.driverName,
    totalPrice: booking.totalPrice,
    currency: booking.currency,
  };
}

/** One review as text; the review's own text is kept verbatim (never re-indented or escaped). */
function renderReview(review: Review): string {
  return `[${review.id}] ${review.author}, ${review.date}, ${review.rating}/5, "${review.title}"\n${review.text}`;
}

/** get_hotel_details' text: the hotel's listing, rooms, policies and every guest review (newest first). */
export function renderHotelDetails(hotel: Hotel): string {
  const rating = averageRating(hotel.reviews);
  const lines = [
    `${hotel.name} (${hotel.id})`,
    `${hotel.stars}-star hotel in ${hotel.neighbourhood}, ${hotel.city}`,
    `Address: ${hotel.address}`,
    `Phone: ${hotel.phone}`,
    `Reservation desk e-mail: ${hotel.email}`,
    `Check-in from ${hotel.checkInFrom}, check-out until ${hotel.checkOutUntil}`,
    `About: ${hotel.description}`,
    `Amenities: ${hotel.amenities.join(', ')}`,
    `Cancellation policy: ${hotel.cancellationPolicy}`,
    'Rooms (price per night):',
    ...hotel.roomTypes.map((room) => `- ${room.name}: ${room.pricePerNight} ${hotel.currency}, up to ${room.maxGuests} guests`),
    `Guest reviews (${hotel.reviews.length}, average ${rating ?? 'n/a'}/5), newest first:`,
  ];
  return [lines.join('\n'), ...reviewsNewestFirst(hotel.reviews).map(renderReview)].join('\n\n');
}

/** get_restaurant_reviews' text: a short header and every review (newest first). */
export function renderRestaurantReviews(restaurant: Restaurant): string {
  const rating = averageRating(restaurant.reviews);
  const lines = [
    `Reviews of ${restaurant.name} (${restaurant.id}), ${restaurant.cuisine} restaurant in ${restaurant.neighbourhood}, ${restaurant.city}`,
    `${restaurant.reviews.length} reviews, average ${rating ?? 'n/a'}/5, newest first:`,
  ];
  return [lines.join('\n'), ...reviewsNewestFirst(restaurant.reviews).map(renderReview)].join('\n\n');
}
