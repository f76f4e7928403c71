import { z } from 'zod';

/** An ISO calendar date, "YYYY-MM-DD". */
export const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

/** A clock time, "HH:MM" (24-hour). */
export const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time as HH:MM');

/** The user's passport, as stored in their travel profile. */
export const passportSchema = z.object({
  number: z.string(),
  issuingCountry: z.string(),
  expiryDate: isoDateSchema,
});
export type Passport = z.infer<typeof passportSchema>;

/** Someone in the user's address book (travel companions, colleagues, family). */
export const travelContactSchema = z.object({
  name: z.string(),
  email: z.string(),
  phone: z.string(),
  relation: z.string(),
});
export type TravelContact = z.infer<typeof travelContactSchema>;

/** The account holder: the person the assistant books for by default. */
export const travelUserSchema = z.object({
  name: z.string(),
  email: z.string(),
  phone: z.string(),
  dateOfBirth: isoDateSchema,
  nationality: z.string(),
  homeAddress: z.string(),
  homeCity: z.string(),
  passport: passportSchema,
  loyaltyProgram: z.object({ name: z.string(), memberNumber: z.string() }),
  /** Last four digits of the card bookings are charged to. */
  paymentCardLastDigits: z.string(),
  contacts: z.array(travelContactSchema),
});
export type TravelUser = z.infer<typeof travelUserSchema>;

/** A guest review of a hotel or restaurant. Its `text` is untrusted third-party content. */
export const reviewSchema = z.object({
  id: z.string(),
  author: z.string(),
  /** 1 to 5 stars. */
  rating: z.number().int().min(1).max(5),
  date: isoDateSchema,
  title: z.string(),
  text: z.string(),
});
export type Review = z.infer<typeof reviewSchema>;

/** A bookable room category of a hotel. */
export const roomTypeSchema = z.object({
  name: z.string(),
  pricePerNight: z.number().int().positive(),
  maxGuests: z.number().int().positive(),
});
export type RoomType = z.infer<typeof roomTypeSchema>;

/** A hotel. `soldOutDates` are nights (check-in dates of one night) with no room left. */
export const hotelSchema = z.object({
  id: z.string(),
  name: z.string(),
  city: z.string(),
  neighbourhood: z.string(),
  address: z.string(),
  stars: z.number().int().min(1).max(5),
  phone: z.string(),
  /** The reservation desk's e-mail address. */
  email: z.string(),
  currency: z.string(),
  description: z.string(),
  checkInFrom: clockTimeSchema,
  checkOutUntil: clockTimeSchema,
  amenities: z.array(z.string()),
  cancellationPolicy: z.string(),
  roomTypes: z.array(roomTypeSchema).min(1),
  soldOutDates: z.array(isoDateSchema),
  reviews: z.array(reviewSchema),
});
export type Hotel = z.infer<typeof hotelSchema>;

/** A restaurant. `fullyBookedSlots` are date/time slots with no table left. */
export const restaurantSchema = z.object({
  id: z.string(),
  name: z.string(),
  city: z.string(),
  neighbourhood: z.string(),
  cuisine: z.string(),
  address: z.string(),
  phone: z.string(),
  /** The reservation desk's e-mail address. */
  email: z.string(),
  /** "€" to "€€€€" (or the local currency sign). */
  priceLevel: z.string(),
  opensAt: clockTimeSchema,
  closesAt: clockTimeSchema,
  /** Weekday name on which the restaurant is closed ("Monday"), or null when open every day. */
  closedOn: z.string().nullable(),
  maxPartySize: z.number().int().positive(),
  fullyBookedSlots: z.array(z.object({ date: isoDateSchema, time: clockTimeSchema })),
  reviews: z.array(reviewSchema),
});
export type Restaurant = z.infer<typeof restaurantSchema>;

/** A rental car offered at a city's pick-up station. */
export const rentalCarSchema = z.object({
  id: z.string(),
  company: z.string(),
  city: z.string(),
  model: z.string(),
  category: z.enum(['economy', 'compact', 'SUV', 'van', 'premium']),
  seats: z.number().int().positive(),
  transmission: z.enum(['manual', 'automatic']),
  pricePerDay: z.number().int().positive(),
  currency: z.string(),
  pickupLocation: z.string(),
});
export type RentalCar = z.infer<typeof rentalCarSchema>;

const bookingBaseSchema = z.object({
  /** Confirmation code ("HB-482913"). */
  id: z.string(),
  status: z.enum(['confirmed', 'cancelled']),
  /** Date the booking was made. */
  bookedOn: isoDateSchema,
});

/** A hotel stay booked on the user's account. */
export const hotelBookingSchema = bookingBaseSchema.extend({
  kind: z.literal('hotel'),
  hotelId: z.string(),
  checkIn: isoDateSchema,
  checkOut: isoDateSchema,
  roomType: z.string(),
  guests: z.number().int().positive(),
  guestName: z.string(),
  totalPrice: z.number().int().nonnegative(),
  currency: z.string(),
});
export type HotelBooking = z.infer<typeof hotelBookingSchema>;

/** A restaurant table reserved on the user's account. */
export const restaurantReservationSchema = bookingBaseSchema.extend({
  kind: z.literal('restaurant'),
  restaurantId: z.string(),
  date: isoDateSchema,
  time: clockTimeSchema,
  partySize: z.number().int().positive(),
  /** The name the table is held under. */
  name: z.string(),
});
export type RestaurantReservation = z.infer<typeof restaurantReservationSchema>;

/** A car rental booked on the user's account. */
export const carRentalSchema = bookingBaseSchema.extend({
  kind: z.literal('car'),
  carId: z.string(),
  pickupDate: isoDateSchema,
  returnDate: isoDateSchema,
  driverName: z.string(),
  totalPrice: z.number().int().nonnegative(),
  currency: z.string(),
});
export type CarRental = z.infer<typeof carRentalSchema>;

/** Any booking on the user's account. */
export const bookingSchema = z.discriminatedUnion('kind', [hotelBookingSchema, restaurantReservationSchema, carRentalSchema]);
export type Booking = z.infer<typeof bookingSchema>;

/** An e-mail the assistant sent on the user's behalf. */
export const sentMessageSchema = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  body: z.string(),
  sentOn: isoDateSchema,
});
export type SentMessage = z.infer<typeof sentMessageSchema>;

/** The whole travel world: the user, the places they can book, their bookings and sent mail. */
export const travelStateSchema = z.object({
  /** The simulated current date; tools never read the real clock. */
  today: isoDateSchema,
  user: travelUserSchema,
  hotels: z.array(hotelSchema),
  restaurants: z.array(restaurantSchema),
  rentalCars: z.array(rentalCarSchema),
  bookings: z.array(bookingSchema),
  sentMessages: z.array(sentMessageSchema),
  /** Counter for new confirmation codes and message ids, so new ids are deterministic. */
  nextSequence: z.number().int().nonnegative(),
});
export type TravelState = z.infer<typeof travelStateSchema>;
