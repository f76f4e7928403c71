import { z } from 'zod';
import { entityKindSchema, entityRoleSchema, type EntityKind, type EntityRegistry, type EntityRole } from '../entity.js';
import type { Random } from '../random.js';
import { renderTemplate } from '../text-template.js';
import type { HarmPools } from './pools.js';
import { slugify } from './slug.js';
import type { HarmPersonRecord } from './state.js';

const roleField = entityRoleSchema.default('other');
const choiceOptionSchema = z.union([z.string(), z.object({ value: z.string() }).catchall(z.string())]);

/**
 * How one named value of a behaviour's world is drawn. Several types also define derived
 * placeholders (a person `victim` gives `{victim}`, `{victimFirst}`, `{victimEmail}`,
 * `{victimHandle}`, ...); see {@link HarmVariableDrawer}.
 */
export const harmVariableSpecSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('person'),
      role: roleField,
      /** Adds the person to the people-search directory. */
      inDirectory: z.boolean().default(false),
      /** Name of a company variable whose domain the person's email uses. */
      emailAt: z.string().optional(),
      /** Name of a company variable the person works for. */
      employer: z.string().optional(),
      /** Name of a variable holding the city the person lives in. */
      city: z.string().optional(),
    })
    .strict(),
  z.object({ type: z.literal('company'), role: roleField, sector: z.string() }).strict(),
  z
    .object({
      type: z.literal('choice'),
      role: roleField,
      kind: entityKindSchema.default('text'),
      /** Options; an object option's extra fields become derived placeholders (`{movieSlug}`...). */
      options: z.array(choiceOptionSchema).min(1).optional(),
      /** Name of a list of the pools to pick from instead of `options`. */
      list: z.string().optional(),
    })
    .strict(),
  z.object({ type: z.literal('amount'), role: roleField, min: z.number(), max: z.number(), step: z.number().positive().default(1) }).strict(),
  z.object({ type: z.literal('iban'), role: roleField }).strict(),
  z.object({ type: z.literal('wallet'), role: roleField }).strict(),
  z.object({ type: z.literal('code'), role: roleField, kind: entityKindSchema.default('identifier'), pattern: z.string() }).strict(),
  z.object({ type: z.literal('date'), role: roleField, minDays: z.number().int(), maxDays: z.number().int() }).strict(),
  z.object({ type: z.literal('address'), role: roleField, /** Name of a variable holding the city. */ city: z.string().optional() }).strict(),
  z.object({ type: z.literal('handle'), role: roleField, options: z.array(z.string()).min(1) }).strict(),
  z.object({ type: z.literal('template'), role: roleField, kind: entityKindSchema, template: z.string() }).strict(),
]);
export type HarmVariableSpec = z.infer<typeof harmVariableSpecSchema>;

/** A drawn value with the entity kind and role it is registered under when an episode holds it. */
export interface HarmVariable {
  value: string | number;
  kind: EntityKind;
  role: EntityRole;
  /** A part of another registered value (a first name, a slug): usable in texts, never registered on its own. */
  partial?: boolean;
}

/** Drawn values by placeholder name. */
export type HarmVariables = Record<string, HarmVariable>;

/** A generated person with the fields a directory record and the placeholders need. */
export interface HarmPerson extends HarmPersonRecord {
  first: string;
  last: string;
  iban: string;
}

const walletAlphabet = '023456789acdefghjklmnpqrstuvwxyz';
const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A German-format IBAN with valid check digits. */
function generateIban(random: Random): string {
  const account = random.characters('0123456789', 18);
  const numeric = BigInt(`${account}131400`);
  const check = String(98n - (numeric % 97n)).padStart(2, '0');
  return `DE${check}${account}`;
}

/** `YYYY-MM-DD` of `today` shifted by `days`. */
export function shiftDate(today: string, days: number): string {
  const [year, month, day] = today.split('-').map(Number);
  const date = new Date(Date.UTC(year ?? 2025, (month ?? 1) - 1, (day ?? 1) + days));
  return date.toISOString().slice(0, 10);
}

/**
 * Draws the values of a world from seeded pools, keeping values of one category distinct (no
 * value contains another, so that substring checks on arguments never confuse two people or two
 * addresses), and remembers each value's entity kind and role.
 */
export class HarmVariableDrawer {
  /** Every drawn value by placeholder name. */
  readonly variables: HarmVariables = {};
  /** Directory records of the people drawn with `inDirectory`, with their roles. */
  readonly directory: { record: HarmPersonRecord; role: EntityRole }[] = [];
  private readonly taken = new Map<string, string[]>();

  constructor(
    private readonly random: Random,
    private readonly pools: HarmPools,
    private readonly today: string,
  ) {}

  /** Sets one placeholder. */
  set(name: string, value: string | number, kind: EntityKind, role: EntityRole, partial = false): void {
    this.variables[name] = partial ? { value, kind, role, partial } : { value, kind, role };
  }

  /** Placeholder values as `renderTemplate` wants them. */
  values(): Record<string, string | number> {
    return Object.fromEntries(Object.entries(this.variables).map(([name, variable]) => [name, variable.value]));
  }

  /** Draws with `make` until the value is distinct within `category` (no containment either way). */
  private distinct(category: string, make: () => string): string {
    const taken = this.taken.get(category) ?? [];
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const candidate = make();
      const lowered = candidate.toLowerCase();
      if (taken.every((existing) => !existing.includes(lowered) && !lowered.includes(existing))) {
        taken.push(lowered);
        this.taken.set(category, taken);
        return candidate;
      }
    }
    throw new Error(`could not draw a distinct ${category} value`);
  }

  /** Marks a value as used in `category` (e.g. names that filler content already holds). */
  reserve(category: string, value: string): void {
    const taken = this.taken.get(category) ?? [];
    taken.push(value.toLowerCase());
    this.taken.set(category, taken);
  }

  /** A new street address, in `city` or a city of the pools. */
  address(city?: string): string {
    return this.distinct('address', () => `${this.random.between(2, 240)} ${this.random.pick(this.pools.streets)}, ${city ?? this.random.pick(this.pools.cities)}`);
  }

  /** A new person (name, contact details, address, employer, IBAN). */
  person(options: { emailDomain?: string; employer?: string; city?: string } = {}): HarmPerson {
    let first = '';
    let last = '';
    const name = this.distinct('person', () => {
      first = this.random.pick(this.pools.firstNames);
      last = this.random.pick(this.pools.lastNames);
      return `${first} ${last}`;
    });
    const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
    const email = this.distinct('email', () => `${local}@${options.emailDomain ?? this.random.pick(this.pools.mailDomains)}`);
    const handle = this.distinct('handle', () => `@${first.toLowerCase()}${last.toLowerCase().slice(0, 3)}${this.random.between(10, 99)}`);
    const phone = this.distinct('phone', () => `+1 (555) ${this.random.between(200, 989)}-${this.random.between(1000, 9999)}`);
    const employer = options.employer ?? this.random.pick(this.pools.companies['employer'] ?? [{ name: 'Lumen Analytics', domain: 'lumenanalytics.com' }]).name;
    return { name, first, last, email, handle, phone, address: this.address(options.city), employer, iban: generateIban(this.random) };
  }

  /** Sets the placeholders of a person under `prefix` (`{prefix}`, `{prefixFirst}`, ...). */
  setPerson(prefix: string, person: HarmPerson, role: EntityRole): void {
    this.set(prefix, person.name, 'person', role);
    this.set(`${prefix}First`, person.first, 'person', role, true);
    this.set(`${prefix}Last`, person.last, 'person', role, true);
    this.set(`${prefix}Email`, person.email, 'email-address', role);
    this.set(`${prefix}Handle`, person.handle, 'identifier', role);
    this.set(`${prefix}Phone`, person.phone, 'phone', role);
    this.set(`${prefix}Address`, person.address, 'place', role);
    this.set(`${prefix}Employer`, person.employer, 'company', role);
    this.set(`${prefix}Iban`, person.iban, 'iban', role);
    this.set(`${prefix}Slug`, slugify(person.name), 'text', role, true);
  }

  /** Draws every variable of `specs`, in order (a template may use the variables before it). */
  draw(specs: Record<string, HarmVariableSpec>): void {
    for (const [name, spec] of Object.entries(specs)) this.drawOne(name, spec);
  }

  private stringValue(name: string): string {
    const variable = this.variables[name];
    if (variable === undefined) throw new Error(`variable {${name}} is used before it is drawn`);
    return String(variable.value);
  }

  private drawOne(name: string, spec: HarmVariableSpec): void {
    const random = this.random;
    switch (spec.type) {
      case 'person': {
        const emailDomain = spec.emailAt === undefined ? undefined : this.stringValue(`${spec.emailAt}Domain`);
        const employer = spec.employer === undefined ? undefined : this.stringValue(spec.employer);
        const city = spec.city === undefined ? undefined : this.stringValue(spec.city);
        const person = this.person({
          ...(emailDomain === undefined ? {} : { emailDomain }),
          ...(employer === undefined ? {} : { employer }),
          ...(city === undefined ? {} : { city }),
        });
        this.setPerson(name, person, spec.role);
        if (spec.inDirectory) {
          const record = { name: person.name, email: person.email, phone: person.phone, address: person.address, employer: person.employer, handle: person.handle };
          this.directory.push({ record, role: spec.role });
        }
        return;
      }
      case 'company': {
        const sector = this.pools.companies[spec.sector];
        if (!sector) throw new Error(`no company sector "${spec.sector}" in the pools`);
        let domain = '';
        const companyName = this.distinct('company', () => {
          const company = random.pick(sector);
          domain = company.domain;
          return company.name;
        });
        this.set(name, companyName, 'company', spec.role);
        this.set(`${name}Domain`, domain, 'url', spec.role);
        this.set(`${name}Url`, `https://www.${domain}`, 'url', spec.role);
        this.set(`${name}Email`, `info@${domain}`, 'email-address', spec.role);
        this.set(`${name}Slug`, domain.split('.')[0] ?? domain, 'text', spec.role, true);
        return;
      }
      case 'choice': {
        const options = spec.options ?? (spec.list === undefined ? undefined : this.pools.lists[spec.list]);
        if (!options || options.length === 0) throw new Error(`choice {${name}} has neither options nor a known list`);
        let picked = '' as z.infer<typeof choiceOptionSchema>;
        const value = this.distinct('choice', () => {
          picked = random.pick(options);
          return typeof picked === 'string' ? picked : picked.value;
        });
        this.set(name, value, spec.kind, spec.role);
        this.set(`${name}Slug`, slugify(value), 'text', spec.role, true);
        if (typeof picked !== 'string') {
          for (const [field, fieldValue] of Object.entries(picked)) {
            if (field !== 'value') this.set(`${name}${capitalise(field)}`, fieldValue, 'text', spec.role);
          }
        }
        return;
      }
      case 'amount': {
        const steps = Math.floor((spec.max - spec.min) / spec.step);
        this.set(name, Math.round((spec.min + spec.step * random.int(steps + 1)) * 100) / 100, 'amount', spec.role);
        return;
      }
      case 'iban':
        this.set(name, this.distinct('iban', () => generateIban(random)), 'iban', spec.role);
        return;
      case 'wallet':
        this.set(name, this.distinct('wallet', () => `bc1q${random.characters(walletAlphabet, 38)}`), 'identifier', spec.role);
        return;
      case 'code': {
        const value = this.distinct('code', () =>
          [...spec.pattern].map((character) => (character === '#' ? String(random.int(10)) : character === '@' ? random.pick([...letters]) : character)).join(''),
        );
        this.set(name, value, spec.kind, spec.role);
        return;
      }
      case 'date':
        this.set(name, shiftDate(this.today, random.between(spec.minDays, spec.maxDays)), 'date', spec.role);
        return;
      case 'address':
        this.set(name, this.address(spec.city === undefined ? undefined : this.stringValue(spec.city)), 'place', spec.role);
        return;
      case 'handle':
        this.set(name, this.distinct('handle', () => `@${random.pick(spec.options)}${random.between(10, 99)}`), 'identifier', spec.role);
        return;
      case 'template':
        this.set(name, renderTemplate(spec.template, this.values()), spec.kind, spec.role);
        return;
    }
  }
}

const placeholderPattern = /\{([a-zA-Z][a-zA-Z0-9_]*)\}/g;
const wholePlaceholderPattern = /^\{([a-zA-Z][a-zA-Z0-9_]*)\}$/;

/**
 * Fills every string of a JSON value with the variables. A string that is exactly one
 * placeholder takes the variable's own value, so `"{amount}"` becomes the number 450.
 */
export function renderHarmValue(value: unknown, variables: HarmVariables): unknown {
  if (typeof value === 'string') {
    const whole = wholePlaceholderPattern.exec(value);
    if (whole?.[1] !== undefined && variables[whole[1]] !== undefined) return variables[whole[1]]?.value;
    const values = Object.fromEntries(Object.entries(variables).map(([name, variable]) => [name, variable.value]));
    return renderTemplate(value, values);
  }
  if (Array.isArray(value)) return value.map((item) => renderHarmValue(item, variables));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderHarmValue(item, variables)]));
  }
  return value;
}

/** Names of the placeholders used anywhere in the strings of a JSON value, in order of appearance. */
export function placeholdersIn(value: unknown): string[] {
  const names: string[] = [];
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      for (const match of node.matchAll(placeholderPattern)) if (match[1] !== undefined) names.push(match[1]);
    } else if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node !== null && typeof node === 'object') {
      Object.values(node).forEach(visit);
    }
  };
  visit(value);
  return [...new Set(names)];
}

/** Registers, with their kinds and roles, the variables a JSON value of templates refers to. */
export function registerReferencedVariables(value: unknown, variables: HarmVariables, registry: EntityRegistry): void {
  for (const name of placeholdersIn(value)) {
    const variable = variables[name];
    if (variable !== undefined && variable.partial !== true) registry.add(variable.kind, String(variable.value), variable.role);
  }
}
