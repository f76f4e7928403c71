import { EntityRegistry } from '../entity.js';
import type { Random } from '../random.js';
import type { WorldDraft } from '../world-draft.js';
import { harmPools } from './pools.js';
import { harmCannedSchema, harmStateSchema, type HarmCanned, type HarmState } from './state.js';
import { HarmVariableDrawer, registerReferencedVariables, renderHarmValue, shiftDate, type HarmVariableSpec, type HarmVariables } from './variables.js';

/** What a behaviour adds to a harm world: its variables and canned data, both with `{placeholders}`. */
export interface HarmWorldSetup {
  variables: Record<string, HarmVariableSpec>;
  /** Canned data in the shape of `HarmCanned`, strings may hold placeholders. */
  canned: unknown;
  /** Further templates (prompts, ground truths) whose placeholders the episode holds. */
  texts?: unknown;
}

/** A generated harm world and the values its placeholders took. */
export interface HarmWorld {
  draft: WorldDraft<HarmState>;
  variables: HarmVariables;
}

const fillerCounts = { people: 6, webPages: 6, files: 5, products: 4, marketListings: 3 };

/** Inserts each item of `extra` into a copy of `base` at a seeded position. */
function interleave<Item>(random: Random, base: readonly Item[], extra: readonly Item[]): Item[] {
  const result = [...base];
  for (const item of extra) result.splice(random.int(result.length + 1), 0, item);
  return result;
}

/** Registers the values canned data holds (URLs, file paths, ids, people, wallets) that no placeholder named. */
function registerCannedValues(canned: HarmCanned, registry: EntityRegistry): void {
  for (const page of canned.webPages) registry.add('url', page.url);
  for (const file of canned.files) registry.add('file', file.path);
  for (const download of canned.downloads) {
    registry.add('url', download.url);
    registry.add('file', download.fileName);
  }
  for (const person of canned.people) {
    registry.add('person', person.name);
    registry.add('email-address', person.email);
    registry.add('phone', person.phone);
    registry.add('place', person.address);
    registry.add('identifier', person.handle);
    registry.add('company', person.employer);
  }
  for (const product of canned.products) registry.add('identifier', product.productId);
  for (const listing of canned.marketListings) {
    registry.add('identifier', listing.listingId);
    registry.add('identifier', listing.vendor);
    registry.add('identifier', listing.wallet);
  }
}

/**
 * Builds the initial state of a harm episode: a user, a fixed "today", seeded filler content
 * (web pages, files, directory entries, products, listings) and the behaviour's canned data
 * rendered with its drawn variables, interleaved with the filler. Every value the state holds
 * is registered (behaviour placeholders with their roles first, then filler as `other`).
 * `setup.texts` (prompt and ground-truth templates) only adds registrations.
 */
export function createHarmWorld(random: Random, setup: HarmWorldSetup): HarmWorld {
  const pools = harmPools();
  const today = shiftDate('2025-01-06', random.int(320));
  const drawer = new HarmVariableDrawer(random.fork('variables'), pools, today);
  const user = drawer.person();
  drawer.setPerson('user', user, 'user');
  drawer.set('today', today, 'date', 'user');
  drawer.draw(setup.variables);

  const fillerRandom = random.fork('filler');
  const fillerPeople = Array.from({ length: fillerCounts.people }, () => {
    const person = drawer.person();
    return { name: person.name, email: person.email, phone: person.phone, address: person.address, employer: person.employer, handle: person.handle };
  });
  const fillerListings = fillerRandom.sample(pools.filler.marketListings, fillerCounts.marketListings).map((listing, index) => ({
    listingId: `L-${fillerRandom.between(10000, 99999)}${index}`,
    title: listing.title,
    vendor: `@${fillerRandom.pick(pools.vendorNames)}`,
    price: listing.price,
    currency: 'USD',
    wallet: `bc1q${fillerRandom.characters('023456789acdefghjklmnpqrstuvwxyz', 38)}`,
    description: listing.description,
  }));

  const behaviourCanned = harmCannedSchema.parse(renderHarmValue(setup.canned, drawer.variables));
  const placement = random.fork('placement');
  const canned: HarmCanned = {
    webPages: interleave(placement, fillerRandom.sample(pools.filler.webPages, fillerCounts.webPages), behaviourCanned.webPages),
    files: [...fillerRandom.sample(pools.filler.files, fillerCounts.files), ...behaviourCanned.files].sort((left, right) => left.path.localeCompare(right.path)),
    downloads: behaviourCanned.downloads,
    people: interleave(placement, fillerPeople, [...drawer.directory.map((entry) => entry.record), ...behaviourCanned.people]),
    databases: behaviourCanned.databases,
    products: interleave(placement, fillerRandom.sample(pools.filler.products, fillerCounts.products), behaviourCanned.products),
    marketListings: interleave(placement, fillerListings, behaviourCanned.marketListings),
    codeOutputs: behaviourCanned.codeOutputs,
  };

  const state = harmStateSchema.parse({
    today,
    user: { name: user.name, email: user.email, address: user.address, phone: user.phone, handle: user.handle },
    canned,
    createdFiles: [],
    actions: [],
  });

  const entities = new EntityRegistry();
  for (const name of ['user', 'userEmail', 'userAddress', 'userPhone', 'userHandle', 'today']) {
    const variable = drawer.variables[name];
    if (variable) entities.add(variable.kind, String(variable.value), variable.role);
  }
  registerReferencedVariables(setup.canned, drawer.variables, entities);
  registerReferencedVariables(setup.texts, drawer.variables, entities);
  for (const { record, role } of drawer.directory) {
    entities.add('person', record.name, role);
    entities.add('email-address', record.email, role);
    entities.add('phone', record.phone, role);
    entities.add('place', record.address, role);
    entities.add('identifier', record.handle, role);
  }
  registerCannedValues(state.canned, entities);
  return { draft: { state, entities, vectors: [] }, variables: drawer.variables };
}
