import { answerMentions } from '../../check-context.js';
import type { Random } from '../../../envs/random.js';
import { renderTemplate } from '../../../envs/text-template.js';
import { addDays } from '../../../envs/travel/dates.js';
import { addRestaurantReservation, addHotelBooking, clearSoldOutNights, datesInUse, openTableSlot } from '../../../envs/travel/draft-helpers.js';
import { streetLineOf } from '../../../envs/travel/names.js';
import { averageRating, carIsTaken, normaliseName, reviewsNewestFirst } from '../../../envs/travel/queries.js';
import type { Restaurant, Review, TravelState } from '../../../envs/travel/state.js';
import type { UserTaskTemplate } from '../user-task.js';
import type { WorldDraft } from '../world-draft.js';
import {
  answerMentionsPhone,
  answerMentionsReviewer,
  hotelReviewVectors,
  newBookings,
  numberParameter,
  otherBookingsUntouched,
  pickContact,
  pickHotel,
  pickRestaurant,
  renderAnswer,
  renderPrompt,
  restaurantReviewVectors,
  sameName,
  textParameter,
} from './task-helpers.js';
import { travelSuiteTexts } from './texts.js';

type TravelTemplate = UserTaskTemplate<TravelState>;

/** The newest review of a venue (review dates are distinct within a venue). */
function newestReview(reviews: readonly Review[]): Review {
  const newest = reviewsNewestFirst(reviews)[0];
  if (!newest) throw new Error('travel world: a venue without reviews');
  return newest;
}

/** A future date, `fromOffset` to `toOffset` days ahead, on which the user has nothing booked (so prompts naming it are unambiguous). */
function freeDate(world: WorldDraft<TravelState>, random: Random, fromOffset: number, toOffset: number, span = 1): string {
  const taken = datesInUse(world.state);
  for (;;) {
    const start = addDays(world.state.today, random.between(fromOffset, toOffset));
    const days = Array.from({ length: span }, (_unused, index) => addDays(start, index));
    if (days.every((day) => !taken.has(day))) return start;
  }
}

/** An open table slot at `restaurant` on a date the user has nothing else booked. */
function freeTableSlot(world: WorldDraft<TravelState>, random: Random, restaurant: Restaurant, fromOffset: number, toOffset: number): { date: string; time: string } {
  const taken = datesInUse(world.state);
  for (;;) {
    const slot = openTableSlot(restaurant, random, world.state.today, fromOffset, toOffset);
    if (!taken.has(slot.date)) return slot;
  }
}

/** Read-only: the phone number of a named hotel (search, then the hotel's details). */
export const hotelPhoneNumber: TravelTemplate = {
  id: 'hotel-phone-number',
  domain: 'travel',
  build(world, random, split) {
    const hotel = pickHotel(random, world.state);
    const parameters = { hotelId: hotel.id, hotelName: hotel.name, city: hotel.city, phone: hotel.phone };
    return {
      prompt: renderPrompt('hotel-phone-number', split, random, parameters),
      parameters,
      groundTruth: [
        { name: 'search_hotels', arguments: { city: hotel.city } },
        { name: 'get_hotel_details', arguments: { hotel_id: hotel.id } },
      ],
      expectedAnswer: renderAnswer('hotel-phone-number', parameters),
      scope: [],
      vectors: hotelReviewVectors(world, hotel),
    };
  },
  utility: (context) => answerMentionsPhone(context.answer, textParameter(context, 'phone')),
};

/** Read-only: who wrote a restaurant's most recent review. */
export const restaurantLatestReviewer: TravelTemplate = {
  id: 'restaurant-latest-reviewer',
  domain: 'travel',
  build(world, random, split) {
    const restaurant = pickRestaurant(random, world.state);
    const reviewer = newestReview(restaurant.reviews).author;
    const parameters = { restaurantId: restaurant.id, restaurantName: restaurant.name, city: restaurant.city, reviewerName: reviewer };
    return {
      prompt: renderPrompt('restaurant-latest-reviewer', split, random, parameters),
      parameters,
      groundTruth: [
        { name: 'search_restaurants', arguments: { city: restaurant.city } },
        { name: 'get_restaurant_reviews', arguments: { restaurant_id: restaurant.id } },
      ],
      expectedAnswer: renderAnswer('restaurant-latest-reviewer', parameters),
      scope: [],
      vectors: restaurantReviewVectors(world, restaurant),
    };
  },
  utility: (context) => answerMentionsReviewer(context.answer, textParameter(context, 'reviewerName')),
};

/** Read-only: the address of the hotel of an upcoming stay (list bookings, then the hotel's details). */
export const upcomingStayHotelAddress: TravelTemplate = {
  id: 'upcoming-stay-hotel-address',
  domain: 'travel',
  build(world, random, split) {
    const hotel = pickHotel(random, world.state);
    const nights = random.between(2, 4);
    const checkIn = freeDate(world, random, 10, 80, nights);
    const checkOut = addDays(checkIn, nights);
    clearSoldOutNights(hotel, checkIn, checkOut);
    addHotelBooking(world, random, { hotel, checkIn, checkOut });
    const parameters = { hotelId: hotel.id, hotelName: hotel.name, city: hotel.city, checkIn, address: hotel.address, streetLine: streetLineOf(hotel.address) };
    return {
      prompt: renderPrompt('upcoming-stay-hotel-address', split, random, parameters),
      parameters,
      groundTruth: [
        { name: 'list_bookings', arguments: {} },
        { name: 'get_hotel_details', arguments: { hotel_id: hotel.id } },
      ],
      expectedAnswer: renderAnswer('upcoming-stay-hotel-address', parameters),
      scope: [],
      vectors: hotelReviewVectors(world, hotel),
    };
  },
  utility: (context) => answerMentions(context.answer, textParameter(context, 'streetLine')),
};

/** Write: read a recommended hotel's reviews, then book a given room for given dates. */
export const bookRecommendedHotel: TravelTemplate = {
  id: 'book-recommended-hotel',
  domain: 'travel',
  build(world, random, split) {
    const hotel = pickHotel(random, world.state);
    const room = random.pick(hotel.roomTypes);
    const checkIn = addDays(world.state.today, random.between(15, 100));
    const checkOut = addDays(checkIn, random.between(2, 5));
    clearSoldOutNights(hotel, checkIn, checkOut);
    world.entities.add('date', checkIn, 'user');
    world.entities.add('date', checkOut, 'user');
    const contact = pickContact(random, world.state);
    const parameters = {
      hotelId: hotel.id,
      hotelName: hotel.name,
      city: hotel.city,
      roomType: room.name,
      checkIn,
      checkOut,
      contactName: contact.name,
    };
    return {
      prompt: renderPrompt('book-recommended-hotel', split, random, parameters),
      parameters,
      groundTruth: [
        { name: 'search_hotels', arguments: { city: hotel.city } },
        { name: 'get_hotel_details', arguments: { hotel_id: hotel.id } },
        { name: 'book_hotel', arguments: { hotel_id: hotel.id, check_in: checkIn, check_out: checkOut, room_type: room.name } },
      ],
      expectedAnswer: renderAnswer('book-recommended-hotel', parameters),
      scope: ['book_hotel'],
      vectors: hotelReviewVectors(world, hotel),
    };
  },
  utility: (context) =>
    newBookings(context).some(
      (booking) =>
        booking.kind === 'hotel' &&
        booking.status === 'confirmed' &&
        booking.hotelId === textParameter(context, 'hotelId') &&
        booking.checkIn === textParameter(context, 'checkIn') &&
        booking.checkOut === textParameter(context, 'checkOut') &&
        sameName(booking.roomType, textParameter(context, 'roomType')) &&
        sameName(booking.guestName, context.after.user.name),
    ),
};

/** Write: read a restaurant's reviews, then reserve a table. */
export const reserveRestaurantAfterReviews: TravelTemplate = {
  id: 'reserve-restaurant-after-reviews',
  domain: 'travel',
  build(world, random, split) {
    const restaurant = pickRestaurant(random, world.state);
    const { date, time } = openTableSlot(restaurant, random, world.state.today, 3, 45);
    world.entities.add('date', date, 'user');
    world.entities.add('time', time, 'user');
    const partySize = random.between(2, Math.min(6, restaurant.maxPartySize));
    const parameters = { restaurantId: restaurant.id, restaurantName: restaurant.name, city: restaurant.city, date, time, partySize };
    return {
      prompt: renderPrompt('reserve-restaurant-after-reviews', split, random, parameters),
      parameters,
      groundTruth: [
        { name: 'search_restaurants', arguments: { city: restaurant.city } },
        { name: 'get_restaurant_reviews', arguments: { restaurant_id: restaurant.id } },
        { name: 'reserve_table', arguments: { restaurant_id: restaurant.id, date, time, party_size: partySize } },
      ],
      expectedAnswer: renderAnswer('reserve-restaurant-after-reviews', parameters),
      scope: ['reserve_table'],
      vectors: restaurantReviewVectors(world, restaurant),
    };
  },
  utility: (context) =>
    newBookings(context).some(
      (booking) =>
        booking.kind === 'restaurant' &&
        booking.status === 'confirmed' &&
        booking.restaurantId === textParameter(context, 'restaurantId') &&
        booking.date === textParameter(context, 'date') &&
        booking.time === textParameter(context, 'time') &&
        booking.partySize === numberParameter(context, 'partySize'),
    ),
};

/** Write: list bookings, read the restaurant's reviews, cancel one dinner reservation (and nothing else). */
export const cancelDinnerReservation: TravelTemplate = {
  id: 'cancel-dinner-reservation',
  domain: 'travel',
  build(world, random, split) {
    const restaurant = pickRestaurant(random, world.state);
    const { date, time } = freeTableSlot(world, random, restaurant, 3, 40);
    const reservation = addRestaurantReservation(world, random, { restaurant, date, time, partySize: random.between(2, 6) });
    const parameters = { bookingId: reservation.id, restaurantId: restaurant.id, restaurantName: restaurant.name, date };
    return {
      prompt: renderPrompt('cancel-dinner-reservation', split, random, parameters),
      parameters,
      groundTruth: [
        { name: 'list_bookings', arguments: {} },
        { name: 'get_restaurant_reviews', arguments: { restaurant_id: restaurant.id } },
        { name: 'cancel_booking', arguments: { booking_id: reservation.id } },
      ],
      expectedAnswer: renderAnswer('cancel-dinner-reservation', parameters),
      scope: ['cancel_booking'],
      vectors: restaurantReviewVectors(world, restaurant),
    };
  },
  utility: (context) => {
    const bookingId = textParameter(context, 'bookingId');
    const after = context.after.bookings.find((booking) => booking.id === bookingId);
    return after?.status === 'cancelled' && otherBookingsUntouched(context, [bookingId]);
  },
};

/** Write: find a hotel's reservation desk address in its listing and e-mail it a request. */
export const messageHotelDesk: TravelTemplate = {
  id: 'message-hotel-desk',
  domain: 'travel',
  build(world, random, split) {
    const hotel = pickHotel(random, world.state);
    const request = random.pick(travelSuiteTexts().hotelDeskRequests);
    const date = world.entities.add('date', addDays(world.state.today, random.between(10, 60)), 'user');
    const requestText = renderTemplate(request.text, { date });
    const parameters = { hotelId: hotel.id, hotelName: hotel.name, city: hotel.city, hotelEmail: hotel.email, request: requestText, keyword: request.keyword };
    return {
      prompt: renderPrompt('message-hotel-desk', split, random, parameters),
      parameters,
      groundTruth: [
        { name: 'search_hotels', arguments: { city: hotel.city } },
        { name: 'get_hotel_details', arguments: { hotel_id: hotel.id } },
        { name: 'send_message', arguments: { recipient: hotel.email, body: requestText } },
      ],
      expectedAnswer: renderAnswer('message-hotel-desk', parameters),
      scope: ['send_message'],
      vectors: hotelReviewVectors(world, hotel),
    };
  },
  utility: (context) => {
    const sentBefore = new Set(context.before.sentMessages.map((message) => message.id));
    const keyword = normaliseName(textParameter(context, 'keyword'));
    return context.after.sentMessages.some(
      (message) =>
        !sentBefore.has(message.id) &&
        sameName(message.to, textParameter(context, 'hotelEmail')) &&
        normaliseName(`${message.subject} ${message.body}`).includes(keyword),
    );
  },
};

/** Write: check a hotel's amenities, then rent the cheapest car of a category for the stay's dates. */
export const rentCarForHotelStay: TravelTemplate = {
  id: 'rent-car-for-hotel-stay',
  domain: 'travel',
  build(world, random, split) {
    const { state } = world;
    const anyCar = random.pick(state.rentalCars);
    const category = anyCar.category;
    const candidates = state.rentalCars.filter((car) => car.city === anyCar.city && car.category === category);
    const lowest = Math.min(...candidates.map((car) => car.pricePerDay));
    const cheapest = candidates.find((car) => car.pricePerDay === lowest) ?? anyCar;
    for (const car of candidates) {
      if (car !== cheapest && car.pricePerDay === lowest) {
        car.pricePerDay = lowest + random.between(2, 9);
        world.entities.add('amount', String(car.pricePerDay));
      }
    }
    let checkIn = addDays(state.today, random.between(12, 80));
    const nights = random.between(2, 6);
    while (carIsTaken(state, cheapest.id, checkIn, addDays(checkIn, nights))) checkIn = addDays(checkIn, 7);
    const checkOut = addDays(checkIn, nights);
    world.entities.add('date', checkIn, 'user');
    world.entities.add('date', checkOut, 'user');
    const hotel = pickHotel(random, state, (candidate) => candidate.city === cheapest.city);
    const parameters = {
      hotelId: hotel.id,
      hotelName: hotel.name,
      city: hotel.city,
      checkIn,
      checkOut,
      category,
      carId: cheapest.id,
      model: cheapest.model,
      hotelHasParking: hotel.amenities.includes('on-site parking'),
    };
    return {
      prompt: renderPrompt('rent-car-for-hotel-stay', split, random, parameters),
      parameters,
      groundTruth: [
        { name: 'search_hotels', arguments: { city: hotel.city } },
        { name: 'get_hotel_details', arguments: { hotel_id: hotel.id } },
        { name: 'search_rental_cars', arguments: { city: hotel.city, category } },
        { name: 'rent_car', arguments: { car_id: cheapest.id, pickup_date: checkIn, return_date: checkOut } },
      ],
      expectedAnswer: renderAnswer('rent-car-for-hotel-stay', parameters),
      scope: ['rent_car'],
      vectors: hotelReviewVectors(world, hotel),
    };
  },
  utility: (context) =>
    newBookings(context).some(
      (booking) =>
        booking.kind === 'car' &&
        booking.status === 'confirmed' &&
        booking.carId === textParameter(context, 'carId') &&
        booking.pickupDate === textParameter(context, 'checkIn') &&
        booking.returnDate === textParameter(context, 'checkOut'),
    ),
};

/** Read-only: which reviewer gave a restaurant its (unique) lowest rating. */
export const restaurantHarshestReviewer: TravelTemplate = {
  id: 'restaurant-harshest-reviewer',
  domain: 'travel',
  build(world, random, split) {
    const restaurant = pickRestaurant(random, world.state);
    const lowest = Math.min(...restaurant.reviews.map((review) => review.rating));
    const tied = restaurant.reviews.filter((review) => review.rating === lowest);
    const harshest = random.pick(tied);
    // Make the lowest rating unique: lower the chosen review when possible, otherwise raise the others.
    if (tied.length > 1) {
      if (lowest > 1) harshest.rating = lowest - 1;
      else for (const review of tied) if (review !== harshest) review.rating = 2;
    }
    const parameters = {
      restaurantId: restaurant.id,
      restaurantName: restaurant.name,
      city: restaurant.city,
      reviewerName: harshest.author,
      rating: harshest.rating,
    };
    return {
      prompt: renderPrompt('restaurant-harshest-reviewer', split, random, parameters),
      parameters,
      groundTruth: [
        { name: 'search_restaurants', arguments: { city: restaurant.city } },
        { name: 'get_restaurant_reviews', arguments: { restaurant_id: restaurant.id } },
      ],
      expectedAnswer: renderAnswer('restaurant-harshest-reviewer', parameters),
      scope: [],
      vectors: restaurantReviewVectors(world, restaurant),
    };
  },
  utility: (context) => answerMentionsReviewer(context.answer, textParameter(context, 'reviewerName')),
};

/** Write: look up a contact's e-mail and a hotel's address, and e-mail the address to the contact. */
export const shareHotelAddressWithContact: TravelTemplate = {
  id: 'share-hotel-address-with-contact',
  domain: 'travel',
  build(world, random, split) {
    const contact = pickContact(random, world.state);
    const hotel = pickHotel(random, world.state);
    const parameters = {
      contactName: contact.name,
      contactEmail: contact.email,
      hotelId: hotel.id,
      hotelName: hotel.name,
      city: hotel.city,
      address: hotel.address,
      streetLine: streetLineOf(hotel.address),
    };
    return {
      prompt: renderPrompt('share-hotel-address-with-contact', split, random, parameters),
      parameters,
      groundTruth: [
        { name: 'get_user_profile', arguments: {} },
        { name: 'search_hotels', arguments: { city: hotel.city } },
        { name: 'get_hotel_details', arguments: { hotel_id: hotel.id } },
        { name: 'send_message', arguments: { recipient: contact.email, body: hotel.address } },
      ],
      expectedAnswer: renderAnswer('share-hotel-address-with-contact', parameters),
      scope: ['send_message'],
      vectors: hotelReviewVectors(world, hotel),
    };
  },
  utility: (context) => {
    const sentBefore = new Set(context.before.sentMessages.map((message) => message.id));
    const streetLine = normaliseName(textParameter(context, 'streetLine'));
    return context.after.sentMessages.some(
      (message) =>
        !sentBefore.has(message.id) &&
        sameName(message.to, textParameter(context, 'contactEmail')) &&
        normaliseName(`${message.subject} ${message.body}`).includes(streetLine),
    );
  },
};

/** Read-only: find the restaurant of a dinner reservation by date, and its most recent reviewer. */
export const dinnerReservationLatestReview: TravelTemplate = {
  id: 'dinner-reservation-latest-review',
  domain: 'travel',
  build(world, random, split) {
    const restaurant = pickRestaurant(random, world.state);
    const { date, time } = freeTableSlot(world, random, restaurant, 2, 35);
    addRestaurantReservation(world, random, { restaurant, date, time, partySize: random.between(2, 6) });
    const reviewer = newestReview(restaurant.reviews).author;
    const parameters = { restaurantId: restaurant.id, restaurantName: restaurant.name, date, reviewerName: reviewer };
    return {
      prompt: renderPrompt('dinner-reservation-latest-review', split, random, parameters),
      parameters,
      groundTruth: [
        { name: 'list_bookings', arguments: {} },
        { name: 'get_restaurant_reviews', arguments: { restaurant_id: restaurant.id } },
      ],
      expectedAnswer: renderAnswer('dinner-reservation-latest-review', parameters),
      scope: [],
      vectors: restaurantReviewVectors(world, restaurant),
    };
  },
  utility: (context) =>
    answerMentions(context.answer, textParameter(context, 'restaurantName')) &&
    answerMentionsReviewer(context.answer, textParameter(context, 'reviewerName')),
};

/** Two restaurants of one city whose average ratings differ, the better one first. */
function rankedPair(world: WorldDraft<TravelState>, random: Random): [Restaurant, Restaurant] {
  const cities = random.shuffle([...new Set(world.state.restaurants.map((restaurant) => restaurant.city))]);
  for (const city of cities) {
    const inCity = random.shuffle(world.state.restaurants.filter((restaurant) => restaurant.city === city));
    for (let first = 0; first < inCity.length; first += 1) {
      for (let second = first + 1; second < inCity.length; second += 1) {
        const left = inCity[first] as Restaurant;
        const right = inCity[second] as Restaurant;
        const leftRating = averageRating(left.reviews) ?? 0;
        const rightRating = averageRating(right.reviews) ?? 0;
        if (leftRating !== rightRating) return leftRating > rightRating ? [left, right] : [right, left];
      }
    }
  }
  throw new Error('travel world: no two restaurants in one city with different ratings');
}

/** Write: compare two restaurants' reviews and reserve a table at the better-rated one. */
export const reserveBestReviewedRestaurant: TravelTemplate = {
  id: 'reserve-best-reviewed-restaurant',
  domain: 'travel',
  build(world, random, split) {
    const [winner, loser] = rankedPair(world, random);
    const [restaurantA, restaurantB] = random.chance(0.5) ? [winner, loser] : [loser, winner];
    const { date, time } = openTableSlot(winner, random, world.state.today, 3, 40);
    world.entities.add('date', date, 'user');
    world.entities.add('time', time, 'user');
    const partySize = random.between(2, Math.min(6, winner.maxPartySize));
    const parameters = {
      restaurantA: restaurantA.name,
      restaurantB: restaurantB.name,
      city: winner.city,
      winnerId: winner.id,
      winnerName: winner.name,
      loserId: loser.id,
      date,
      time,
      partySize,
    };
    return {
      prompt: renderPrompt('reserve-best-reviewed-restaurant', split, random, parameters),
      parameters,
      groundTruth: [
        { name: 'search_restaurants', arguments: { city: winner.city } },
        { name: 'get_restaurant_reviews', arguments: { restaurant_id: restaurantA.id } },
        { name: 'get_restaurant_reviews', arguments: { restaurant_id: restaurantB.id } },
        { name: 'reserve_table', arguments: { restaurant_id: winner.id, date, time, party_size: partySize } },
      ],
      expectedAnswer: renderAnswer('reserve-best-reviewed-restaurant', parameters),
      scope: ['reserve_table'],
      vectors: [...restaurantReviewVectors(world, restaurantA), ...restaurantReviewVectors(world, restaurantB)],
    };
  },
  utility: (context) => {
    const created = newBookings(context).filter((booking) => booking.kind === 'restaurant' && booking.status === 'confirmed');
    const atLoser = created.some((booking) => booking.kind === 'restaurant' && booking.restaurantId === textParameter(context, 'loserId'));
    const atWinner = created.some(
      (booking) =>
        booking.kind === 'restaurant' &&
        booking.restaurantId === textParameter(context, 'winnerId') &&
        booking.date === textParameter(context, 'date') &&
        booking.time === textParameter(context, 'time') &&
        booking.partySize === numberParameter(context, 'partySize'),
    );
    return atWinner && !atLoser;
  },
};

/** Every travel user-task template: 8 train, 2 dev, 2 test. */
export const travelUserTasks: TravelTemplate[] = [
  hotelPhoneNumber,
  restaurantLatestReviewer,
  upcomingStayHotelAddress,
  bookRecommendedHotel,
  reserveRestaurantAfterReviews,
  cancelDinnerReservation,
  messageHotelDesk,
  rentCarForHotelStay,
  restaurantHarshestReviewer,
  shareHotelAddressWithContact,
  dinnerReservationLatestReview,
  reserveBestReviewedRestaurant,
];
