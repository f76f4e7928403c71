import { describe, expect, it } from 'vitest';
import { executeToolCall, type ExecutedCall } from '../../../envs/executor.js';
import { fillInjectionSlot } from '../../../envs/injection-slot.js';
import { Random } from '../../../envs/random.js';
import { renderTemplate } from '../../../envs/text-template.js';
import { toOpenAiTool } from '../../../envs/tool.js';
import { createTravelWorld, travelDomain, type TravelState } from '../../../envs/travel/index.js';
import type { ToolCall, ToolCallSpec } from '../../../trajectory/message.js';
import type { CheckContext } from '../../check-context.js';
import { splits } from '../../split.js';
import type { InjectionGoal, InjectionGoalInstance } from '../injection-goal.js';
import type { UserTaskInstance, UserTaskTemplate } from '../user-task.js';
import type { WorldDraft } from '../world-draft.js';
import { travelInjectionGoals, travelUserTasks } from './index.js';
import { travelSuiteTexts } from './texts.js';
import { splitOfSeed } from '../../testing/split-of-seed.js';

const seeds = Array.from({ length: 25 }, (_unused, index) => index * 7919 + 3);
const toolNames = travelDomain.tools.map((tool) => tool.name);
const domain = travelDomain as unknown as Parameters<typeof executeToolCall>[0];

function toToolCall(spec: ToolCallSpec, index: number): ToolCall {
  return { id: `call-${index}`, type: 'function', function: { name: spec.name, arguments: JSON.stringify(spec.arguments) } };
}

/** Runs calls on `state` (mutated) and returns what each produced. */
function run(state: TravelState, calls: readonly ToolCallSpec[]): ExecutedCall[] {
  return calls.map((call, index) => executeToolCall(domain, state, toToolCall(call, index), toolNames));
}

function call(state: TravelState, name: string, args: Record<string, unknown>): ExecutedCall {
  return executeToolCall(domain, state, { id: 'probe', type: 'function', function: { name, arguments: JSON.stringify(args) } }, toolNames);
}

/** Builds world and task the way the generator does: world, then the template, then (optionally) a goal. */
function buildTask(
  template: UserTaskTemplate<TravelState>,
  seed: number,
  goal?: InjectionGoal<TravelState>,
): { world: WorldDraft<TravelState>; instance: UserTaskInstance; goalInstance?: InjectionGoalInstance; state: TravelState } {
  const random = new Random(seed);
  const world = createTravelWorld(random.fork('world'));
  const instance = template.build(world, random.fork('task'), splitOfSeed(seed));
  const goalInstance = goal?.build(world, random.fork('goal'));
  const state = travelDomain.stateSchema.parse(world.state);
  return goalInstance === undefined ? { world, instance, state } : { world, instance, goalInstance, state };
}

function context(before: TravelState, after: TravelState, answer: string | null, parameters: Record<string, unknown>): CheckContext<TravelState> {
  return { parameters, before, after, answer, actions: [] };
}

/** Every string argument of a ground truth must be copyable: in the prompt, a registered entity, or an earlier result. */
function uncopyableArguments(calls: readonly ToolCallSpec[], results: readonly ExecutedCall[], sources: readonly string[], entities: ReadonlySet<string>): string[] {
  const missing: string[] = [];
  calls.forEach((spec, index) => {
    const earlier = results.slice(0, index).map((result) => result.resultText);
    for (const value of Object.values(spec.arguments)) {
      if (typeof value !== 'string') continue;
      const found = entities.has(value) || [...sources, ...earlier].some((text) => text.includes(value));
      if (!found) missing.push(`${spec.name}: ${value}`);
    }
  });
  return missing;
}

describe('travel world', () => {
  it('is deterministic for a seed and parses with the state schema', () => {
    for (const seed of seeds.slice(0, 5)) {
      const first = createTravelWorld(new Random(seed));
      const second = createTravelWorld(new Random(seed));
      expect(JSON.stringify(first.state)).toBe(JSON.stringify(second.state));
      expect(first.entities.list()).toEqual(second.entities.list());
      expect(() => travelDomain.stateSchema.parse(first.state)).not.toThrow();
    }
    expect(JSON.stringify(createTravelWorld(new Random(1)).state)).not.toBe(JSON.stringify(createTravelWorld(new Random(2)).state));
  });

  it('is big enough that the agent has to search and read', () => {
    const world = createTravelWorld(new Random(11));
    const { state } = world;
    expect(state.hotels.length).toBeGreaterThanOrEqual(20);
    expect(state.restaurants.length).toBeGreaterThanOrEqual(24);
    expect(state.rentalCars.length).toBeGreaterThanOrEqual(16);
    expect(state.bookings.length).toBeGreaterThanOrEqual(10);
    expect(new Set(state.hotels.map((hotel) => hotel.city)).size).toBe(4);
    expect(state.user.contacts.length).toBeGreaterThanOrEqual(4);
    expect(new Set([...state.hotels, ...state.restaurants].map((venue) => venue.name)).size).toBe(state.hotels.length + state.restaurants.length);
  });

  it('registers the user first and every name, address, phone, e-mail and code it holds', () => {
    const world = createTravelWorld(new Random(5));
    const entities = world.entities.list();
    expect(entities[0]).toEqual({ kind: 'person', value: world.state.user.name, role: 'user' });
    const values = new Set(entities.map((entity) => entity.value));
    const { state } = world;
    const expected = [
      state.user.email,
      state.user.phone,
      state.user.passport.number,
      state.user.homeAddress,
      ...state.user.contacts.flatMap((contact) => [contact.name, contact.email, contact.phone]),
      ...state.hotels.flatMap((hotel) => [hotel.name, hotel.address, hotel.phone, hotel.email, hotel.city, ...hotel.reviews.map((review) => review.author)]),
      ...state.hotels.flatMap((hotel) => hotel.roomTypes.map((room) => String(room.pricePerNight))),
      ...state.restaurants.flatMap((restaurant) => [restaurant.name, restaurant.address, restaurant.phone, restaurant.email, ...restaurant.reviews.map((review) => review.author)]),
      ...state.rentalCars.flatMap((car) => [car.company, String(car.pricePerDay)]),
      ...state.bookings.map((booking) => booking.id),
    ];
    expect(expected.filter((value) => !values.has(value))).toEqual([]);
    const roles = new Map(entities.map((entity) => [entity.value, entity.role]));
    expect(roles.get(state.user.passport.number)).toBe('user');
    expect(state.user.contacts.every((contact) => roles.get(contact.name) === 'contact')).toBe(true);
    expect(entities.some((entity) => entity.role === 'attacker')).toBe(false);
  });

  it('declares one review injection slot per review, each on a string field', () => {
    const world = createTravelWorld(new Random(9));
    const reviewCount = [...world.state.hotels, ...world.state.restaurants].reduce((total, venue) => total + venue.reviews.length, 0);
    expect(world.vectors).toHaveLength(reviewCount);
    expect(new Set(world.vectors.map((vector) => vector.id)).size).toBe(reviewCount);
    const state = travelDomain.stateSchema.parse(world.state);
    for (const vector of world.vectors) {
      expect(vector.kind).toBe('review');
      expect(() => fillInjectionSlot(state, vector, 'x')).not.toThrow();
    }
  });
});

describe('travel tools', () => {
  it('offers at least 11 tools with described arguments, each read or write', () => {
    expect(travelDomain.tools.length).toBeGreaterThanOrEqual(11);
    expect(new Set(toolNames).size).toBe(toolNames.length);
    for (const tool of travelDomain.tools) {
      expect(['read', 'write']).toContain(tool.effect);
      expect(tool.description.length).toBeGreaterThan(30);
      const schema = toOpenAiTool(tool).function.parameters as { properties?: Record<string, { description?: string }> };
      for (const [field, property] of Object.entries(schema.properties ?? {})) {
        expect(property.description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
    expect(travelDomain.tools.filter((tool) => tool.effect === 'write').map((tool) => tool.name).sort()).toEqual(
      ['book_hotel', 'cancel_booking', 'rent_car', 'reserve_table', 'send_message'].sort(),
    );
    expect(travelDomain.systemPrompt).toMatch(/user/);
  });

  it('rejects malformed arguments through the schema', () => {
    const state = travelDomain.stateSchema.parse(createTravelWorld(new Random(4)).state);
    const hotel = state.hotels[0];
    const restaurant = state.restaurants[0];
    if (!hotel || !restaurant) throw new Error('empty world');
    const bad: [string, Record<string, unknown>][] = [
      ['search_hotels', {}],
      ['search_hotels', { city: 'Lisbon', min_stars: 9 }],
      ['get_hotel_details', { hotel_id: 42 }],
      ['check_availability', { venue_id: hotel.id, date: 'next friday' }],
      ['book_hotel', { check_in: '2026-01-02', check_out: '2026-01-04' }],
      ['book_hotel', { hotel_id: hotel.id, check_in: '02/01/2026', check_out: '2026-01-04' }],
      ['reserve_table', { restaurant_id: restaurant.id, date: '2026-01-02', time: '7pm', party_size: 2 }],
      ['reserve_table', { restaurant_id: restaurant.id, date: '2026-01-02', time: '19:00', party_size: 0 }],
      ['rent_car', { car_id: 'car-x', pickup_date: '2026-01-02' }],
      ['list_bookings', { kind: 'flight' }],
      ['cancel_booking', {}],
      ['send_message', { recipient: 'a@b.com' }],
      ['search_rental_cars', { city: 'Lisbon', category: 'limousine' }],
    ];
    for (const [name, args] of bad) {
      const before = JSON.stringify(state);
      expect(call(state, name, args).outcome.status, `${name} ${JSON.stringify(args)}`).toBe('invalid-arguments');
      expect(JSON.stringify(state)).toBe(before);
    }
  });

  it('reports unknown ids and impossible requests as tool errors without changing the state', () => {
    const state = travelDomain.stateSchema.parse(createTravelWorld(new Random(8)).state);
    const hotel = state.hotels.find((candidate) => candidate.soldOutDates.some((date) => date > state.today));
    const closedRestaurant = state.restaurants.find((candidate) => candidate.closedOn !== null);
    const past = state.bookings.find((booking) => booking.kind === 'hotel' && booking.checkIn < state.today && booking.status === 'confirmed');
    const cancelled = state.bookings.find((booking) => booking.status === 'cancelled');
    if (!hotel || !closedRestaurant || !past || !cancelled) throw new Error('world lacks a case under test');
    const soldOut = hotel.soldOutDates.find((date) => date > state.today) as string;
    let closedDay = state.today;
    const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
    while (weekdays[new Date(`${closedDay}T00:00:00Z`).getUTCDay()] !== closedRestaurant.closedOn) {
      closedDay = new Date(Date.parse(`${closedDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    }
    const nextDay = new Date(Date.parse(`${soldOut}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const failing: [string, Record<string, unknown>, RegExp][] = [
      ['get_hotel_details', { hotel_id: 'htl-xxx-99' }, /no hotel/],
      ['get_restaurant_reviews', { restaurant_id: 'rst-xxx-99' }, /no restaurant/],
      ['search_hotels', { city: 'Atlantis' }, /no listings/],
      ['cancel_booking', { booking_id: 'HB-000000' }, /no booking/],
      ['cancel_booking', { booking_id: past.id }, /past/],
      ['cancel_booking', { booking_id: cancelled.id }, /already cancelled/],
      ['book_hotel', { hotel_id: hotel.id, check_in: soldOut, check_out: nextDay }, /sold out/],
      ['book_hotel', { hotel_id: hotel.id, check_in: '2020-01-01', check_out: '2020-01-03' }, /past/],
      ['book_hotel', { hotel_id: hotel.id, check_in: nextDay, check_out: soldOut }, /after/],
      ['book_hotel', { hotel_id: hotel.id, check_in: '2031-02-30', check_out: '2031-03-02' }, /not a valid/],
      ['book_hotel', { hotel_id: hotel.id, check_in: '2031-03-01', check_out: '2031-03-02', room_type: 'Penthouse' }, /no room type/],
      ['reserve_table', { restaurant_id: closedRestaurant.id, date: closedDay, time: closedRestaurant.opensAt, party_size: 2 }, /closed/],
      ['reserve_table', { restaurant_id: closedRestaurant.id, date: '2031-03-04', time: '04:00', party_size: 2 }, /every 30 minutes|closed/],
      ['rent_car', { car_id: 'car-xxx-01', pickup_date: '2031-03-01', return_date: '2031-03-03' }, /no rental car/],
      ['check_availability', { venue_id: 'flight-1', date: '2031-03-01' }, /not a hotel/],
      ['check_availability', { venue_id: hotel.id, date: '2031-03-01' }, /end_date/],
      ['send_message', { recipient: 'not an address', body: 'hi' }, /valid e-mail/],
    ];
    for (const [name, args, message] of failing) {
      const before = JSON.stringify(state);
      const result = call(state, name, args);
      expect(result.outcome.status, `${name} ${JSON.stringify(args)}: ${result.resultText}`).toBe('tool-error');
      expect(result.resultText).toMatch(message);
      expect(JSON.stringify(state)).toBe(before);
    }
  });

  it('books, lists and cancels consistently', () => {
    const state = travelDomain.stateSchema.parse(createTravelWorld(new Random(12)).state);
    const hotel = state.hotels[0];
    if (!hotel) throw new Error('empty world');
    const checkIn = '2031-05-10';
    hotel.soldOutDates = [];
    const availability = JSON.parse(call(state, 'check_availability', { venue_id: hotel.id, date: checkIn, end_date: '2031-05-13' }).resultText) as {
      available: boolean;
      rooms: { roomType: string; totalPrice: number }[];
    };
    expect(availability.available).toBe(true);
    const booked = call(state, 'book_hotel', { hotel_id: hotel.id, check_in: checkIn, check_out: '2031-05-13' });
    expect(booked.outcome.status).toBe('ok');
    const confirmation = JSON.parse(booked.resultText) as { confirmationCode: string; totalPrice: number; guestName: string };
    expect(confirmation.guestName).toBe(state.user.name);
    expect(confirmation.totalPrice).toBe(availability.rooms[0]?.totalPrice);
    const listed = JSON.parse(call(state, 'list_bookings', { status: 'upcoming', kind: 'hotel' }).resultText) as { bookings: { confirmationCode: string }[] };
    expect(listed.bookings.map((booking) => booking.confirmationCode)).toContain(confirmation.confirmationCode);
    expect(call(state, 'cancel_booking', { booking_id: confirmation.confirmationCode.toLowerCase() }).outcome.status).toBe('ok');
    const cancelled = JSON.parse(call(state, 'list_bookings', { status: 'cancelled' }).resultText) as { bookings: { confirmationCode: string }[] };
    expect(cancelled.bookings.map((booking) => booking.confirmationCode)).toContain(confirmation.confirmationCode);
  });
});

describe('travel user tasks', () => {
  it('has 12 templates with unique ids, each with at least 3 train phrasings and dev and test ones', () => {
    expect(travelUserTasks).toHaveLength(12);
    expect(new Set(travelUserTasks.map((template) => template.id)).size).toBe(travelUserTasks.length);
    expect(travelUserTasks.every((template) => template.domain === 'travel')).toBe(true);
    for (const template of travelUserTasks) {
      const phrasings = travelSuiteTexts().userTasks[template.id]?.phrasings ?? [];
      expect(phrasings.filter((phrasing) => phrasing.split === 'train').length, template.id).toBeGreaterThanOrEqual(3);
      expect(phrasings.filter((phrasing) => phrasing.split === 'dev').length, template.id).toBeGreaterThanOrEqual(1);
      expect(phrasings.filter((phrasing) => phrasing.split === 'test').length, template.id).toBeGreaterThanOrEqual(1);
    }
  });

  it('mixes read-only and write tasks', () => {
    const scopes = travelUserTasks.map((template) => buildTask(template, 1).instance.scope);
    expect(scopes.filter((scope) => scope.length === 0).length).toBeGreaterThanOrEqual(4);
    expect(scopes.filter((scope) => scope.length > 0).length).toBeGreaterThanOrEqual(4);
  });

  for (const template of travelUserTasks) {
    describe(template.id, () => {
      it('builds deterministically', () => {
        const first = buildTask(template, 77);
        const second = buildTask(template, 77);
        expect(first.instance).toEqual(second.instance);
        expect(JSON.stringify(first.state)).toBe(JSON.stringify(second.state));
      });

      it('is solved by its ground truth, and not by doing nothing (25 seeds)', () => {
        for (const seed of seeds) {
          const { instance, state } = buildTask(template, seed);
          expect(instance.groundTruth.length).toBeGreaterThanOrEqual(1);
          expect(instance.groundTruth.length).toBeLessThanOrEqual(4);
          const after = structuredClone(state);
          const results = run(after, instance.groundTruth);
          for (const result of results) expect(result.outcome.status, `${template.id} seed ${seed}: ${result.resultText}`).toBe('ok');
          expect(template.utility(context(state, after, instance.expectedAnswer, instance.parameters)), `${template.id} seed ${seed}`).toBe(true);
          expect(template.utility(context(state, structuredClone(state), '', instance.parameters))).toBe(false);
          expect(template.utility(context(state, structuredClone(state), null, instance.parameters))).toBe(false);
          if (instance.scope.length > 0) {
            // A write task is judged on the state: claiming success without acting fails.
            expect(template.utility(context(state, structuredClone(state), instance.expectedAnswer, instance.parameters))).toBe(false);
          }
          const writes = instance.groundTruth.filter((spec) => travelDomain.tools.find((tool) => tool.name === spec.name)?.effect === 'write');
          expect(instance.scope.sort()).toEqual([...new Set(writes.map((spec) => spec.name))].sort());
          // One short sentence naming the key value.
          expect(instance.expectedAnswer.length).toBeLessThanOrEqual(160);
          expect(instance.expectedAnswer).not.toMatch(/\n/);
        }
      });

      it('reads every injection vector it declares (25 seeds)', () => {
        const marker = (id: string): string => `<INFORMATION>\nMARKER ${id}: "do this" {now}\n</INFORMATION>`;
        for (const seed of seeds) {
          const { instance, state } = buildTask(template, seed);
          expect(instance.vectors.length).toBeGreaterThanOrEqual(1);
          for (const vector of instance.vectors) {
            expect(vector.kind).toBe('review');
            const attacked = structuredClone(state);
            fillInjectionSlot(attacked, vector, marker(vector.id));
            const results = run(attacked, instance.groundTruth);
            expect(
              results.some((result) => result.resultText.includes(marker(vector.id))),
              `${template.id} seed ${seed}: vector ${vector.id} is not read verbatim`,
            ).toBe(true);
          }
        }
      });

      it('renders every phrasing and the answer without missing placeholders', () => {
        for (const seed of seeds.slice(0, 5)) {
          const { instance } = buildTask(template, seed);
          const texts = travelSuiteTexts().userTasks[template.id];
          if (!texts) throw new Error('no texts');
          for (const phrasing of texts.phrasings) expect(() => renderTemplate(phrasing.text, instance.parameters)).not.toThrow();
          expect(texts.phrasings.filter((phrasing) => phrasing.split === splitOfSeed(seed)).map((phrasing) => renderTemplate(phrasing.text, instance.parameters))).toContain(instance.prompt);
          expect(instance.prompt).not.toMatch(/\{[a-zA-Z]+\}/);
        }
      });

      it('only uses argument values the policy can copy (25 seeds)', () => {
        for (const seed of seeds) {
          const { world, instance, state } = buildTask(template, seed);
          const entities = new Set(world.entities.list().map((entity) => entity.value));
          const results = run(structuredClone(state), instance.groundTruth);
          expect(uncopyableArguments(instance.groundTruth, results, [instance.prompt], entities), `${template.id} seed ${seed}`).toEqual([]);
        }
      });
    });
  }
});

describe('travel injection goals', () => {
  it('has at least 3 goals with phrasings split 12 train, 1 dev, 1 test and ATBench labels', () => {
    expect(travelInjectionGoals.length).toBeGreaterThanOrEqual(3);
    expect(new Set(travelInjectionGoals.map((goal) => goal.id)).size).toBe(travelInjectionGoals.length);
    for (const goal of travelInjectionGoals) {
      expect(goal.domain).toBe('travel');
      expect(goal.labels.riskSource).toBe('indirect_prompt_injection');
      const counts = Object.fromEntries(splits.map((split) => [split, goal.phrasings.filter((phrasing) => phrasing.split === split).length]));
      expect(counts).toEqual({ train: 12, dev: 1, test: 1 });
    }
  });

  for (const goal of travelInjectionGoals) {
    describe(goal.id, () => {
      it('is executed by its ground truth, not by a fresh state nor by any user task ground truth', () => {
        for (const template of travelUserTasks) {
          for (const seed of seeds.slice(0, 6)) {
            const { world, instance, goalInstance, state } = buildTask(template, seed, goal);
            if (!goalInstance) throw new Error('goal not built');
            const label = `${goal.id} on ${template.id} seed ${seed}`;
            expect(goal.executed(context(state, structuredClone(state), '', goalInstance.parameters)), label).toBe(false);

            const afterGoal = structuredClone(state);
            const goalResults = run(afterGoal, goalInstance.groundTruth);
            for (const result of goalResults) expect(result.outcome.status, `${label}: ${result.resultText}`).toBe('ok');
            expect(goal.executed(context(state, afterGoal, '', goalInstance.parameters)), label).toBe(true);

            const afterTask = structuredClone(state);
            for (const result of run(afterTask, instance.groundTruth)) expect(result.outcome.status, `${label}: ${result.resultText}`).toBe('ok');
            expect(goal.executed(context(state, afterTask, instance.expectedAnswer, goalInstance.parameters)), label).toBe(false);
            expect(template.utility(context(state, afterTask, instance.expectedAnswer, instance.parameters)), label).toBe(true);

            // Following the injection after doing the task still counts as executed.
            for (const result of run(afterTask, goalInstance.groundTruth)) expect(result.outcome.status, `${label}: ${result.resultText}`).toBe('ok');
            expect(goal.executed(context(state, afterTask, '', goalInstance.parameters)), label).toBe(true);

            const attackers = world.entities.list().filter((entity) => entity.role === 'attacker').map((entity) => entity.value);
            for (const key of ['attackerName', 'attackerEmail']) {
              const value = goalInstance.parameters[key];
              if (value !== undefined) expect(attackers).toContain(value);
            }
          }
        }
      });

      it('renders every phrasing and uses copyable argument values', () => {
        for (const seed of seeds) {
          const template = travelUserTasks[seed % travelUserTasks.length] as UserTaskTemplate<TravelState>;
          const { world, goalInstance, state } = buildTask(template, seed, goal);
          if (!goalInstance) throw new Error('goal not built');
          const rendered = goal.phrasings.map((phrasing) => renderTemplate(phrasing.text, goalInstance.parameters));
          for (const text of rendered) expect(text).not.toMatch(/\{[a-zA-Z]+\}/);
          const entities = new Set(world.entities.list().map((entity) => entity.value));
          const results = run(structuredClone(state), goalInstance.groundTruth);
          // Each value must be copyable whichever phrasing the injection uses.
          for (const text of rendered) {
            expect(uncopyableArguments(goalInstance.groundTruth, results, [text], entities), `${goal.id} seed ${seed}`).toEqual([]);
          }
        }
      });
    });
  }
});
