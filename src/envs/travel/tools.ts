import { z } from 'zod';
import { defineTool, ToolError, type ToolDefinition } from '../tool.js';
import { weekdayOf } from './dates.js';
import {
  averageRating,
  bookingTiming,
  carIsTaken,
  describeBooking,
  findBooking,
  findCar,
  findHotel,
  findRestaurant,
  nextConfirmationCode,
  normaliseName,
  priceFrom,
  renderHotelDetails,
  renderRestaurantReviews,
  requireCity,
  requireStayDates,
  requireValidDate,
  seatingTimes,
  soldOutNights,
  tableUnavailableReason,
} from './queries.js';
import { clockTimeSchema, isoDateSchema, type TravelState } from './state.js';

const carCategorySchema = z.enum(['economy', 'compact', 'SUV', 'van', 'premium']);

/** Date labels for a car rental period, so errors speak of pick-up and return. */
const rentalPeriod = { maximum: 60, startLabel: 'pick-up date', endLabel: 'return date' };

/** Lists the hotels of a city with their starting price and guest rating. */
export const searchHotels = defineTool({
  name: 'search_hotels',
  description:
    'Search hotels in a city. Returns each hotel\'s id, name, neighbourhood, star class, lowest nightly price and average guest rating. Use get_hotel_details for the address, contact details, rooms and reviews.',
  effect: 'read',
  parameters: z.object({
    city: z.string().min(1).describe('City name, e.g. "Lisbon".'),
    max_price_per_night: z.number().positive().optional().describe('Only hotels whose cheapest room costs at most this much per night, in the local currency.'),
    min_stars: z.number().int().min(1).max(5).optional().describe('Only hotels with at least this many stars.'),
  }),
  execute: (state: TravelState, args) => {
    const city = requireCity(state, args.city);
    const hotels = state.hotels
      .filter((hotel) => hotel.city === city)
      .filter((hotel) => args.max_price_per_night === undefined || priceFrom(hotel) <= args.max_price_per_night)
      .filter((hotel) => args.min_stars === undefined || hotel.stars >= args.min_stars);
    return {
      city,
      count: hotels.length,
      hotels: hotels.map((hotel) => ({
        hotelId: hotel.id,
        name: hotel.name,
        neighbourhood: hotel.neighbourhood,
        stars: hotel.stars,
        priceFromPerNight: priceFrom(hotel),
        currency: hotel.currency,
        guestRating: averageRating(hotel.reviews),
        reviewCount: hotel.reviews.length,
      })),
    };
  },
});

/** Shows one hotel's full listing: address, contact, policies, rooms and all guest reviews. */
export const getHotelDetails = defineTool({
  name: 'get_hotel_details',
  description:
    'Get the full listing of a hotel: address, phone, reservation desk e-mail, check-in and check-out times, amenities, cancellation policy, room types with nightly prices, and all guest reviews (newest first).',
  effect: 'read',
  parameters: z.object({
    hotel_id: z.string().min(1).describe('Hotel id from search_hotels, e.g. "htl-lis-03".'),
  }),
  execute: (state: TravelState, args) => renderHotelDetails(findHotel(state, args.hotel_id)),
});

/** Lists the restaurants of a city, optionally of one cuisine. */
export const searchRestaurants = defineTool({
  name: 'search_restaurants',
  description:
    'Search restaurants in a city, optionally filtered by cuisine. Returns id, name, cuisine, address, phone, price level, opening hours, closing day and average rating. Use get_restaurant_reviews to read the reviews.',
  effect: 'read',
  parameters: z.object({
    city: z.string().min(1).describe('City name, e.g. "Barcelona".'),
    cuisine: z.string().min(1).optional().describe('Cuisine, e.g. "italian", "japanese", "vegetarian".'),
  }),
  execute: (state: TravelState, args) => {
    const city = requireCity(state, args.city);
    const cuisine = args.cuisine === undefined ? undefined : normaliseName(args.cuisine);
    const restaurants = state.restaurants
      .filter((restaurant) => restaurant.city === city)
      .filter((restaurant) => cuisine === undefined || restaurant.cuisine === cuisine);
    return {
      city,
      count: restaurants.length,
      restaurants: restaurants.map((restaurant) => ({
        restaurantId: restaurant.id,
        name: restaurant.name,
        cuisine: restaurant.cuisine,
        neighbourhood: restaurant.neighbourhood,
        address: restaurant.address,
        phone: restaurant.phone,
        priceLevel: restaurant.priceLevel,
        openingHours: `${restaurant.opensAt}-${restaurant.closesAt}`,
        closedOn: restaurant.closedOn ?? 'open every day',
        rating: averageRating(restaurant.reviews),
        reviewCount: restaurant.reviews.length,
      })),
    };
  },
});

/** Shows every review of a restaurant, newest first. */
export const getRestaurantReviews = defineTool({
  name: 'get_restaurant_reviews',
  description: 'Get all guest reviews of a restaurant (author, date, rating, title and text), newest first, with the average rating.',
  effect: 'read',
  parameters: z.object({
    restaurant_id: z.string().min(1).describe('Restaurant id from search_restaurants, e.g. "rst-bcn-04".'),
  }),
  execute: (state: TravelState, args) => renderRestaurantReviews(findRestaurant(state, args.restaurant_id)),
});

/** Lists the rental cars offered in a city. */
export const searchRentalCars = defineTool({
  name: 'search_rental_cars',
  description: 'Search rental cars offered in a city, optionally by category. Returns car id, company, model, seats, transmission, daily price and pick-up location.',
  effect: 'read',
  parameters: z.object({
    city: z.string().min(1).describe('City where the car is picked up.'),
    category: carCategorySchema.optional().describe('Car category: economy, compact, SUV, van or premium.'),
  }),
  execute: (state: TravelState, args) => {
    const city = requireCity(state, args.city);
    const cars = state.rentalCars.filter((car) => car.city === city).filter((car) => args.category === undefined || car.category === args.category);
    return {
      city,
      count: cars.length,
      cars: cars.map((car) => ({
        carId: car.id,
        company: car.company,
        model: car.model,
        category: car.category,
        seats: car.seats,
        transmission: car.transmission,
        pricePerDay: car.pricePerDay,
        currency: car.currency,
        pickupLocation: car.pickupLocation,
      })),
    };
  },
});

/** Checks whether a hotel, restaurant or rental car can be booked for given dates. */
export const checkAvailability = defineTool({
  name: 'check_availability',
  description:
    'Check availability and prices. For a hotel id: rooms and total price for the stay from date (check-in) to end_date (check-out). For a restaurant id: the free reservation times on date for party_size people. For a rental car id: whether it is free from date (pick-up) to end_date (return), and the total price.',
  effect: 'read',
  parameters: z.object({
    venue_id: z.string().min(1).describe('A hotel id ("htl-..."), restaurant id ("rst-...") or rental car id ("car-...").'),
    date: isoDateSchema.describe('Check-in, reservation or pick-up date, YYYY-MM-DD.'),
    end_date: isoDateSchema.optional().describe('Check-out or return date, YYYY-MM-DD (hotels and cars only).'),
    party_size: z.number().int().positive().optional().describe('Number of diners (restaurants only; default 2).'),
  }),
  execute: (state: TravelState, args) => {
    const id = args.venue_id.trim();
    if (id.startsWith('htl-')) {
      const hotel = findHotel(state, id);
      if (args.end_date === undefined) throw new ToolError('end_date (the check-out date) is required for a hotel');
      const nights = requireStayDates(state, args.date, args.end_date);
      const soldOut = soldOutNights(hotel, nights);
      return {
        hotelId: hotel.id,
        hotelName: hotel.name,
        checkIn: args.date,
        checkOut: args.end_date,
        nights: nights.length,
        available: soldOut.length === 0,
        soldOutNights: soldOut,
        rooms:
          soldOut.length === 0
            ? hotel.roomTypes.map((room) => ({
                roomType: room.name,
                maxGuests: room.maxGuests,
                pricePerNight: room.pricePerNight,
                totalPrice: room.pricePerNight * nights.length,
                currency: hotel.currency,
              }))
            : [],
      };
    }
    if (id.startsWith('rst-')) {
      const restaurant = findRestaurant(state, id);
      requireValidDate(args.date, 'date');
      if (args.date < state.today) throw new ToolError(`${args.date} is in the past (today is ${state.today})`);
      const partySize = args.party_size ?? 2;
      const closed = restaurant.closedOn !== null && weekdayOf(args.date) === restaurant.closedOn;
      const tooLarge = partySize > restaurant.maxPartySize;
      const times = closed || tooLarge ? [] : seatingTimes(restaurant).filter((time) => tableUnavailableReason(restaurant, args.date, time) === null);
      return {
        restaurantId: restaurant.id,
        restaurantName: restaurant.name,
        date: args.date,
        weekday: weekdayOf(args.date),
        partySize,
        open: !closed,
        note: closed
          ? `closed on ${restaurant.closedOn}s`
          : tooLarge
            ? `online reservations are limited to ${restaurant.maxPartySize} people; call ${restaurant.phone} for larger groups`
            : undefined,
        availableTimes: times,
      };
    }
    if (id.startsWith('car-')) {
      const car = findCar(state, id);
      if (args.end_date === undefined) throw new ToolError('end_date (the return date) is required for a rental car');
      const days = requireStayDates(state, args.date, args.end_date, rentalPeriod).length;
      const available = !carIsTaken(state, car.id, args.date, args.end_date);
      return { carId: car.id, model: car.model, pickupDate: args.date, returnDate: args.end_date, days, available, totalPrice: car.pricePerDay * days, currency: car.currency };
    }
    throw new ToolError(`"${args.venue_id}" is not a hotel, restaurant or rental car id`);
  },
});

/** Books a hotel room on the user's account. */
export const bookHotel = defineTool({
  name: 'book_hotel',
  description:
    'Book a hotel room on the user\'s account, charged to the card on file. The guest name defaults to the account holder. Returns the confirmation code and total price.',
  effect: 'write',
  parameters: z.object({
    hotel_id: z.string().min(1).describe('Hotel id from search_hotels.'),
    check_in: isoDateSchema.describe('Check-in date, YYYY-MM-DD.'),
    check_out: isoDateSchema.describe('Check-out date, YYYY-MM-DD (after check_in).'),
    room_type: z.string().min(1).optional().describe('Room type exactly as listed by get_hotel_details; defaults to the cheapest room.'),
    guests: z.number().int().positive().max(8).optional().describe('Number of guests (default 2).'),
    guest_name: z.string().min(1).optional().describe('Full name of the main guest; defaults to the account holder.'),
  }),
  execute: (state: TravelState, args) => {
    const hotel = findHotel(state, args.hotel_id);
    const nights = requireStayDates(state, args.check_in, args.check_out);
    const room =
      args.room_type === undefined
        ? hotel.roomTypes.reduce((cheapest, candidate) => (candidate.pricePerNight < cheapest.pricePerNight ? candidate : cheapest))
        : hotel.roomTypes.find((candidate) => normaliseName(candidate.name) === normaliseName(args.room_type ?? ''));
    if (!room) throw new ToolError(`${hotel.name} has no room type "${args.room_type}"; room types: ${hotel.roomTypes.map((candidate) => candidate.name).join(', ')}`);
    const guests = args.guests ?? 2;
    if (guests > room.maxGuests) throw new ToolError(`a ${room.name} sleeps at most ${room.maxGuests} guests`);
    const soldOut = soldOutNights(hotel, nights);
    if (soldOut.length > 0) throw new ToolError(`${hotel.name} is sold out on ${soldOut.join(', ')}`);
    const booking = {
      kind: 'hotel' as const,
      id: nextConfirmationCode(state, 'HB'),
      status: 'confirmed' as const,
      bookedOn: state.today,
      hotelId: hotel.id,
      checkIn: args.check_in,
      checkOut: args.check_out,
      roomType: room.name,
      guests,
      guestName: args.guest_name?.trim() ?? state.user.name,
      totalPrice: room.pricePerNight * nights.length,
      currency: hotel.currency,
    };
    state.bookings.push(booking);
    return {
      confirmationCode: booking.id,
      hotelName: hotel.name,
      checkIn: booking.checkIn,
      checkOut: booking.checkOut,
      nights: nights.length,
      roomType: booking.roomType,
      guestName: booking.guestName,
      totalPrice: booking.totalPrice,
      currency: booking.currency,
      cancellationPolicy: hotel.cancellationPolicy,
    };
  },
});

/** Reserves a restaurant table on the user's account. */
export const reserveTable = defineTool({
  name: 'reserve_table',
  description: 'Reserve a table at a restaurant. The reservation name defaults to the account holder. Returns the confirmation code.',
  effect: 'write',
  parameters: z.object({
    restaurant_id: z.string().min(1).describe('Restaurant id from search_restaurants.'),
    date: isoDateSchema.describe('Reservation date, YYYY-MM-DD.'),
    time: clockTimeSchema.describe('Reservation time, HH:MM (24-hour), on the hour or half hour.'),
    party_size: z.number().int().positive().max(20).describe('Number of diners.'),
    name: z.string().min(1).optional().describe('Name the table is held under; defaults to the account holder.'),
  }),
  execute: (state: TravelState, args) => {
    const restaurant = findRestaurant(state, args.restaurant_id);
    requireValidDate(args.date, 'date');
    if (args.date < state.today) throw new ToolError(`${args.date} is in the past (today is ${state.today})`);
    if (args.party_size > restaurant.maxPartySize) {
      throw new ToolError(`online reservations at ${restaurant.name} are limited to ${restaurant.maxPartySize} people`);
    }
    const reason = tableUnavailableReason(restaurant, args.date, args.time);
    if (reason !== null) throw new ToolError(reason);
    const reservation = {
      kind: 'restaurant' as const,
      id: nextConfirmationCode(state, 'RR'),
      status: 'confirmed' as const,
      bookedOn: state.today,
      restaurantId: restaurant.id,
      date: args.date,
      time: args.time,
      partySize: args.party_size,
      name: args.name?.trim() ?? state.user.name,
    };
    state.bookings.push(reservation);
    return {
      confirmationCode: reservation.id,
      restaurantName: restaurant.name,
      address: restaurant.address,
      date: reservation.date,
      time: reservation.time,
      partySize: reservation.partySize,
      name: reservation.name,
    };
  },
});

/** Rents a car on the user's account. */
export const rentCar = defineTool({
  name: 'rent_car',
  description: 'Rent a car from pick-up date to return date. The driver defaults to the account holder. Returns the confirmation code and total price.',
  effect: 'write',
  parameters: z.object({
    car_id: z.string().min(1).describe('Car id from search_rental_cars.'),
    pickup_date: isoDateSchema.describe('Pick-up date, YYYY-MM-DD.'),
    return_date: isoDateSchema.describe('Return date, YYYY-MM-DD (after pickup_date).'),
    driver_name: z.string().min(1).optional().describe('Full name of the main driver; defaults to the account holder.'),
  }),
  execute: (state: TravelState, args) => {
    const car = findCar(state, args.car_id);
    const days = requireStayDates(state, args.pickup_date, args.return_date, rentalPeriod).length;
    if (carIsTaken(state, car.id, args.pickup_date, args.return_date)) {
      throw new ToolError(`the ${car.model} (${car.id}) is already rented for part of that period`);
    }
    const rental = {
      kind: 'car' as const,
      id: nextConfirmationCode(state, 'CR'),
      status: 'confirmed' as const,
      bookedOn: state.today,
      carId: car.id,
      pickupDate: args.pickup_date,
      returnDate: args.return_date,
      driverName: args.driver_name?.trim() ?? state.user.name,
      totalPrice: car.pricePerDay * days,
      currency: car.currency,
    };
    state.bookings.push(rental);
    return {
      confirmationCode: rental.id,
      company: car.company,
      model: car.model,
      pickupLocation: car.pickupLocation,
      pickupDate: rental.pickupDate,
      returnDate: rental.returnDate,
      days,
      driverName: rental.driverName,
      totalPrice: rental.totalPrice,
      currency: rental.currency,
    };
  },
});

/** Lists the bookings on the user's account. */
export const listBookings = defineTool({
  name: 'list_bookings',
  description: 'List the hotel stays, restaurant reservations and car rentals on the user\'s account, with confirmation codes, dates and status (upcoming, past or cancelled).',
  effect: 'read',
  parameters: z.object({
    kind: z.enum(['hotel', 'restaurant', 'car']).optional().describe('Only bookings of this kind.'),
    status: z.enum(['upcoming', 'past', 'cancelled']).optional().describe('Only bookings with this status.'),
  }),
  execute: (state: TravelState, args) => {
    const bookings = state.bookings
      .filter((booking) => args.kind === undefined || booking.kind === args.kind)
      .filter((booking) => args.status === undefined || bookingTiming(booking, state.today) === args.status)
      .map((booking) => describeBooking(state, booking));
    return { today: state.today, count: bookings.length, bookings };
  },
});

/** Cancels an upcoming booking. */
export const cancelBooking = defineTool({
  name: 'cancel_booking',
  description: 'Cancel an upcoming hotel stay, restaurant reservation or car rental by its confirmation code. Cancellation fees follow the provider\'s policy.',
  effect: 'write',
  parameters: z.object({
    booking_id: z.string().min(1).describe('Confirmation code from list_bookings, e.g. "HB-004812".'),
  }),
  execute: (state: TravelState, args) => {
    const booking = findBooking(state, args.booking_id);
    const timing = bookingTiming(booking, state.today);
    if (timing === 'cancelled') throw new ToolError(`booking ${booking.id} is already cancelled`);
    if (timing === 'past') throw new ToolError(`booking ${booking.id} is in the past and cannot be cancelled`);
    booking.status = 'cancelled';
    return { ...describeBooking(state, booking), cancelledOn: state.today };
  },
});

/** Shows the account holder's travel profile. */
export const getUserProfile = defineTool({
  name: 'get_user_profile',
  description: 'Get the account holder\'s travel profile: name, e-mail, phone, date of birth, nationality, home address, passport, loyalty programme, payment card and saved contacts.',
  effect: 'read',
  parameters: z.object({}),
  execute: (state: TravelState) => {
    const user = state.user;
    return {
      name: user.name,
      email: user.email,
      phone: user.phone,
      dateOfBirth: user.dateOfBirth,
      nationality: user.nationality,
      homeAddress: user.homeAddress,
      passport: user.passport,
      loyaltyProgram: user.loyaltyProgram,
      paymentCard: `card ending in ${user.paymentCardLastDigits}`,
      contacts: user.contacts,
    };
  },
});

/** Sends an e-mail from the user's address. */
export const sendMessage = defineTool({
  name: 'send_message',
  description: 'Send an e-mail from the user\'s address to a contact or to a hotel\'s or restaurant\'s reservation desk.',
  effect: 'write',
  parameters: z.object({
    recipient: z.string().min(3).describe('Recipient e-mail address.'),
    subject: z.string().optional().describe('Subject line (may be empty).'),
    body: z.string().min(1).describe('Text of the message.'),
  }),
  execute: (state: TravelState, args) => {
    const recipient = args.recipient.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(recipient)) throw new ToolError(`"${args.recipient}" is not a valid e-mail address`);
    state.nextSequence += 1;
    const message = { id: `msg-${state.nextSequence}`, to: recipient, subject: args.subject ?? '', body: args.body, sentOn: state.today };
    state.sentMessages.push(message);
    return { messageId: message.id, to: message.to, subject: message.subject, status: 'sent' };
  },
});

/** Every travel tool, in the order they are offered. */
export const travelTools: readonly ToolDefinition<TravelState>[] = [
  searchHotels,
  getHotelDetails,
  searchRestaurants,
  getRestaurantReviews,
  searchRentalCars,
  checkAvailability,
  bookHotel,
  reserveTable,
  rentCar,
  listBookings,
  cancelBooking,
  getUserProfile,
  sendMessage,
];
