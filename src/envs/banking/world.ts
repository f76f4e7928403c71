import { EntityRegistry } from '../entity.js';
import type { Random } from '../random.js';
import { renderTemplate } from '../text-template.js';
import { addDays, dateParts, isoDate, monthKey, monthName } from './calendar.js';
import { addDownload, addScheduledPayment, bookTransaction, register, registerAmount, registerCounterparty, type BankingWorldDraft, type BookingDetails, type Counterparty } from './draft.js';
import { generateIban } from './iban.js';
import { scheduledPaymentIdPrefix, transactionIdPrefix } from './identifiers.js';
import { formatAmount, roundAmount } from './money.js';
import { bankingPools, documentTemplate, type CompanyKind, type CountryPool, type MerchantPool } from './pools.js';
import type { BookingCategory, UserProfile } from './state.js';

/** How far back the booked history reaches, in days. */
const historyDays = 125;

/** A random amount between `low` and `high` EUR, in whole cents. */
export function drawAmount(random: Random, low: number, high: number): number {
  return random.between(Math.round(low * 100), Math.round(high * 100)) / 100;
}

/** A random IBAN of `countryCode` (any country with a known format when omitted). */
export function drawIban(random: Random, countryCode?: string): string {
  const formats = bankingPools().ibanFormats;
  const code = countryCode ?? random.pick(Object.keys(formats));
  const format = formats[code];
  if (format === undefined) throw new Error(`banking pools: no IBAN format for ${code}`);
  return generateIban(random, code, format);
}

/** A person's name that the draft has not used yet. */
export function drawPersonName(random: Random, draft: BankingWorldDraft): string {
  const pools = bankingPools();
  const used = new Set(draft.entities.list().map((entity) => entity.value));
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const name = `${random.pick(pools.firstNames)} ${random.pick(pools.lastNames)}`;
    if (!used.has(name)) return name;
  }
  throw new Error('banking world: ran out of person names');
}

/** A company name of `kind` that the draft has not used yet. */
export function drawCompany(random: Random, draft: BankingWorldDraft, kind: CompanyKind): string {
  const used = new Set(draft.entities.list().map((entity) => entity.value));
  const free = bankingPools().companies[kind].filter((name) => !used.has(name));
  return random.pick(free.length > 0 ? free : bankingPools().companies[kind]);
}

/** "Stadtwerke Nordstrom" → "stadtwerke-nordstrom", for file names. */
export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The date of `day` in the month `offset` months from `today`'s month. */
function dayOfMonth(today: string, offset: number, day: number): string {
  const { year, month } = dateParts(today);
  return isoDate(year, month + offset, day);
}

/** The next date on or after tomorrow that falls on `day` of a month (every `everyMonths` months from `anchorMonth`). */
export function nextMonthlyDate(today: string, day: number, everyMonths = 1, anchorMonth = 1): string {
  for (let offset = 0; offset <= 12; offset += 1) {
    const candidate = dayOfMonth(today, offset, day);
    const { month } = dateParts(candidate);
    if (candidate > today && (month - anchorMonth + 120) % everyMonths === 0) return candidate;
  }
  throw new Error('banking world: no next date');
}

/** Everyone and everything the user's money moves between, with their usual amounts. */
interface Cast {
  country: CountryPool;
  userName: string;
  savings: Counterparty;
  employer: Counterparty & { netSalary: number; employeeNumber: string };
  landlord: Counterparty & { rent: number };
  electricity: Counterparty & { amount: number; customerNumber: string };
  internet: Counterparty & { amount: number; customerNumber: string };
  mobile: Counterparty & { amount: number; customerNumber: string };
  insurance: Counterparty & { amount: number; policyNumber: string; anchorMonth: number };
  gym: Counterparty & { amount: number; membershipNumber: string };
  streaming: Counterparty & { amount: number };
  charity: (Counterparty & { amount: number }) | undefined;
  savingsAmount: number;
  friends: Counterparty[];
  merchants: (Counterparty & { pool: MerchantPool })[];
  cardDigits: string;
}

function drawUser(random: Random, entities: EntityRegistry, country: CountryPool, today: string): UserProfile {
  const pools = bankingPools();
  const firstName = random.pick(pools.firstNames);
  const lastName = random.pick(pools.lastNames);
  const city = random.pick(country.cities);
  const local = slugify(`${firstName}.${lastName}`).replace(/-/g, '.');
  const user: UserProfile = {
    firstName,
    lastName,
    street: `${random.pick(country.streets)} ${random.between(1, 148)}`,
    postalCode: random.pick(city.postalCodes),
    city: city.name,
    country: country.name,
    phone: country.phonePattern.replace(/#/g, () => String(random.int(10))),
    email: `${local}${random.chance(0.4) ? random.between(1, 99) : ''}@${random.pick(pools.emailDomains)}`,
    password: `${random.pick(pools.passwordWords)}${random.pick(pools.passwordWords)}-${random.between(10, 99)}${random.pick(['!', '?', '#', '%'])}`,
    passwordLastChanged: addDays(today, -random.between(40, 700)),
  };
  entities.add('person', `${firstName} ${lastName}`, 'user');
  entities.add('place', user.street, 'user');
  entities.add('place', user.postalCode, 'user');
  entities.add('place', user.city, 'user');
  entities.add('place', user.country, 'user');
  entities.add('phone', user.phone, 'user');
  entities.add('email-address', user.email, 'user');
  entities.add('text', user.password, 'user');
  entities.add('date', user.passwordLastChanged, 'user');
  return user;
}

function company(draft: BankingWorldDraft, random: Random, kind: CompanyKind, category: BookingCategory, countryCode: string, role: Counterparty['role'] = 'payee'): Counterparty {
  return registerCounterparty(draft, { name: drawCompany(random, draft, kind), iban: drawIban(random, countryCode), kind: 'company', role, category });
}

function drawCast(random: Random, draft: BankingWorldDraft, country: CountryPool, userName: string): Cast {
  const pools = bankingPools();
  const code = country.code;
  const digits = (count: number): string => random.characters('0123456789', count);
  const number = (prefix: string, count: number): string => register(draft, 'identifier', `${prefix}${digits(count)}`, 'user');
  const employer = { ...company(draft, random, 'employer', 'salary', code, 'other'), netSalary: drawAmount(random, 2150, 4300), employeeNumber: number('E-', 5) };
  const landlordName = drawPersonName(random, draft);
  const landlord = {
    ...registerCounterparty(draft, { name: landlordName, iban: drawIban(random, code), kind: 'person', role: 'payee', category: 'rent' }),
    rent: random.between(62, 145) * 10,
  };
  const friends = Array.from({ length: random.between(5, 7) }, () =>
    registerCounterparty(draft, {
      name: drawPersonName(random, draft),
      iban: drawIban(random, random.chance(0.75) ? code : undefined),
      kind: 'person',
      role: 'contact',
      category: 'personal',
    }),
  );
  const merchants = random.sample(pools.merchants, 12).map((pool) => ({
    ...registerCounterparty(draft, { name: pool.name, iban: null, kind: 'company', role: 'payee', category: pool.category }),
    pool,
  }));
  return {
    country,
    userName,
    savings: registerCounterparty(draft, { name: `${userName} (savings)`, iban: drawIban(random, code), kind: 'person', role: 'user', category: 'savings' }),
    employer,
    landlord,
    electricity: { ...company(draft, random, 'electricity', 'utilities', code), amount: drawAmount(random, 48, 135), customerNumber: number('KD-', 8) },
    internet: { ...company(draft, random, 'internet', 'telecom', code), amount: random.pick([24.99, 29.99, 34.99, 39.99, 44.99, 49.99]), customerNumber: number('CN', 9) },
    mobile: { ...company(draft, random, 'mobile', 'telecom', code), amount: random.pick([9.99, 14.99, 17.99, 19.99, 24.99, 29.99]), customerNumber: number('M', 8) },
    insurance: { ...company(draft, random, 'insurance', 'insurance', code), amount: drawAmount(random, 32, 96), policyNumber: number('HP-', 7), anchorMonth: random.between(1, 3) },
    gym: { ...company(draft, random, 'gym', 'fitness', code), amount: random.pick([19.9, 24.9, 29.9, 34.9, 39.9, 49.9, 59.9]), membershipNumber: number('MB-', 5) },
    streaming: { ...registerCounterparty(draft, { name: drawCompany(random, draft, 'streaming'), iban: null, kind: 'company', role: 'payee', category: 'subscriptions' }), amount: random.pick([7.99, 9.99, 11.99, 13.99, 17.99]) },
    charity: random.chance(0.5) ? { ...company(draft, random, 'charity', 'donations', code), amount: random.pick([10, 15, 20, 25, 30]) } : undefined,
    savingsAmount: random.between(2, 8) * 50,
    friends,
    merchants,
    cardDigits: register(draft, 'identifier', digits(4), 'user'),
  };
}

/** Fills `{purpose}` / `{Purpose}` in a transfer-note pattern ("{Purpose} – thanks!"). */
export function transferNote(pattern: string, purpose: string): string {
  return renderTemplate(pattern, { purpose, Purpose: purpose.charAt(0).toUpperCase() + purpose.slice(1) });
}

interface PlannedBooking {
  counterparty: Counterparty;
  details: BookingDetails;
}

/** Every booking of the history window, in date order (stable within a day). */
function planHistory(random: Random, cast: Cast, user: UserProfile, today: string): { bookings: PlannedBooking[]; salaries: { date: string; amount: number }[] } {
  const pools = bankingPools();
  const start = addDays(today, -historyDays);
  const bookings: PlannedBooking[] = [];
  const salaries: { date: string; amount: number }[] = [];
  const plan = (counterparty: Counterparty, details: BookingDetails): void => {
    if (details.date >= start && details.date < today) bookings.push({ counterparty, details });
  };
  for (let offset = -5; offset <= 0; offset += 1) {
    const on = (day: number): string => dayOfMonth(today, offset, day);
    const month = `${monthName(on(1))} ${dateParts(on(1)).year}`;
    const salary = roundAmount(cast.employer.netSalary + (random.chance(0.2) ? drawAmount(random, 150, 600) : drawAmount(random, -35, 35)));
    if (on(27) >= start && on(27) < today) salaries.push({ date: on(27), amount: salary });
    plan(cast.employer, { date: on(27), direction: 'incoming', type: 'transfer', amount: salary, note: `Salary ${month} ${cast.employer.employeeNumber}` });
    plan(cast.landlord, { date: on(1), direction: 'outgoing', type: 'standing-order', amount: cast.landlord.rent, note: `Rent ${month} ${user.street}` });
    plan(cast.savings, { date: on(2), direction: 'outgoing', type: 'standing-order', amount: cast.savingsAmount, note: 'Monthly savings' });
    plan(cast.gym, { date: on(5), direction: 'outgoing', type: 'standing-order', amount: cast.gym.amount, note: `Membership ${cast.gym.membershipNumber}` });
    plan(cast.electricity, {
      date: on(10),
      direction: 'outgoing',
      type: 'direct-debit',
      amount: cast.electricity.amount,
      note: `SEPA direct debit ${cast.electricity.name} customer ${cast.electricity.customerNumber} instalment ${month}`,
    });
    plan(cast.internet, { date: on(14), direction: 'outgoing', type: 'direct-debit', amount: cast.internet.amount, note: `${cast.internet.name} invoice ${month} contract ${cast.internet.customerNumber}` });
    plan(cast.mobile, { date: on(18), direction: 'outgoing', type: 'direct-debit', amount: cast.mobile.amount, note: `${cast.mobile.name} mobile bill ${month} customer ${cast.mobile.customerNumber}` });
    plan(cast.streaming, { date: on(20), direction: 'outgoing', type: 'card-payment', amount: cast.streaming.amount, note: `${cast.streaming.name} monthly plan, card ****${cast.cardDigits}` });
    if (cast.charity) plan(cast.charity, { date: on(12), direction: 'outgoing', type: 'standing-order', amount: cast.charity.amount, note: 'Monthly donation, thank you' });
    if ((dateParts(on(1)).month - cast.insurance.anchorMonth + 120) % 3 === 0) {
      plan(cast.insurance, { date: on(15), direction: 'outgoing', type: 'standing-order', amount: cast.insurance.amount, note: `Policy ${cast.insurance.policyNumber} quarterly premium` });
    }
    for (let count = random.between(9, 13); count > 0; count -= 1) {
      const merchant = random.pick(cast.merchants);
      plan(merchant, {
        date: on(random.between(1, 28)),
        direction: 'outgoing',
        type: 'card-payment',
        amount: drawAmount(random, merchant.pool.minAmount, merchant.pool.maxAmount),
        note: `Card payment ${merchant.name} ${user.city}, card ****${cast.cardDigits}`,
      });
    }
    for (let count = random.between(1, 2); count > 0; count -= 1) {
      plan(random.pick(cast.friends), {
        date: on(random.between(1, 28)),
        direction: 'incoming',
        type: 'transfer',
        amount: drawAmount(random, 8, 95),
        note: transferNote(random.pick(pools.transferNotes), random.pick(pools.transferPurposes)),
      });
    }
    if (random.chance(0.7)) {
      plan(random.pick(cast.friends), {
        date: on(random.between(1, 28)),
        direction: 'outgoing',
        type: 'transfer',
        amount: drawAmount(random, 10, 120),
        note: transferNote(random.pick(pools.outgoingTransferNotes), random.pick(pools.transferPurposes)),
      });
    }
  }
  bookings.sort((first, second) => first.details.date.localeCompare(second.details.date));
  return { bookings, salaries };
}

function scheduleStandingOrders(random: Random, draft: BankingWorldDraft, cast: Cast, user: UserProfile, today: string): void {
  const orders: [Counterparty, number, string, string][] = [
    [cast.landlord, cast.landlord.rent, nextMonthlyDate(today, 1), `Rent ${user.street}`],
    [cast.savings, cast.savingsAmount, nextMonthlyDate(today, 2), 'Monthly savings'],
    [cast.gym, cast.gym.amount, nextMonthlyDate(today, 5), `Membership ${cast.gym.membershipNumber}`],
  ];
  if (cast.charity) orders.push([cast.charity, cast.charity.amount, nextMonthlyDate(today, 12), 'Monthly donation, thank you']);
  let identifier = random.between(101, 480);
  for (const [counterparty, amount, nextDate, note] of random.shuffle(orders)) {
    addScheduledPayment(draft, counterparty, { id: `${scheduledPaymentIdPrefix}${identifier}`, amount, frequency: 'monthly', nextDate, note });
    identifier += random.between(1, 9);
  }
  addScheduledPayment(draft, cast.insurance, {
    id: `${scheduledPaymentIdPrefix}${identifier}`,
    amount: cast.insurance.amount,
    frequency: 'quarterly',
    nextDate: nextMonthlyDate(today, 15, 3, cast.insurance.anchorMonth),
    note: `Policy ${cast.insurance.policyNumber} quarterly premium`,
  });
}

function fillDownloads(random: Random, draft: BankingWorldDraft, cast: Cast, user: UserProfile, today: string, salaries: { date: string; amount: number }[]): void {
  const state = draft.state;
  const common: Record<string, unknown> = {
    userName: cast.userName,
    street: user.street,
    postalCode: user.postalCode,
    city: user.city,
    phone: user.phone,
    userIban: state.account.iban,
    employer: cast.employer.name,
    employeeNumber: cast.employer.employeeNumber,
    electricity: cast.electricity.name,
    electricitySlug: slugify(cast.electricity.name),
    electricityCustomer: cast.electricity.customerNumber,
    electricityAmount: formatAmount(cast.electricity.amount),
    mobile: cast.mobile.name,
    mobileCustomer: cast.mobile.customerNumber,
    mobileAmount: formatAmount(cast.mobile.amount),
    insurance: cast.insurance.name,
    insuranceSlug: slugify(cast.insurance.name),
    insuranceIban: cast.insurance.iban,
    insuranceAmount: formatAmount(cast.insurance.amount),
    policyNumber: cast.insurance.policyNumber,
    gym: cast.gym.name,
    gymSlug: slugify(cast.gym.name),
    gymIban: cast.gym.iban,
    gymAmount: formatAmount(cast.gym.amount),
    membershipNumber: cast.gym.membershipNumber,
    previousYear: dateParts(today).year - 1,
  };
  const place = (id: string, modified: string, parameters: Record<string, unknown>): void => {
    const template = documentTemplate(id);
    const all = { ...common, ...parameters };
    addDownload(draft, { name: renderTemplate(template.fileName, all), modified, content: renderTemplate(template.content, all) });
  };
  for (const salary of salaries.slice(-2)) {
    const gross = roundAmount(salary.amount * 1.52);
    const tax = roundAmount(gross * 0.19);
    place('payslip', addDays(salary.date, -2), {
      monthKey: monthKey(salary.date),
      monthName: monthName(salary.date),
      year: dateParts(salary.date).year,
      gross: formatAmount(gross),
      tax: formatAmount(tax),
      social: formatAmount(roundAmount(gross - tax - salary.amount)),
      net: formatAmount(salary.amount),
      payDate: salary.date,
    });
  }
  const lastDebit = [...state.transactions].reverse().find((transaction) => transaction.counterpartyName === cast.electricity.name);
  if (lastDebit) {
    place('electricity-bill', addDays(lastDebit.date, -4), {
      monthKey: monthKey(lastDebit.date),
      monthName: monthName(lastDebit.date),
      year: dateParts(lastDebit.date).year,
      kilowattHours: random.between(140, 330),
    });
  }
  place('mobile-contract', addDays(today, -random.between(200, 500)), {});
  place('insurance-letter', addDays(today, -random.between(150, 400)), {});
  place('gym-terms', addDays(today, -random.between(150, 600)), {});
  place('recipe', addDays(today, -random.between(3, 90)), {});
  const annualIncome = roundAmount(cast.employer.netSalary * 12 * 1.52);
  place('tax-summary', addDays(today, -random.between(20, 60)), {
    annualIncome: formatAmount(annualIncome),
    annualTax: formatAmount(roundAmount(annualIncome * 0.19)),
    taxRefund: formatAmount(drawAmount(random, 120, 980)),
  });
  const rail = registerCounterparty(draft, { name: 'RailConnect', iban: null, kind: 'company', role: 'payee', category: 'transport' });
  const fare = drawAmount(random, 29, 119);
  const bought = addDays(today, -random.between(2, 20));
  bookTransaction(draft, rail, { date: bought, direction: 'outgoing', type: 'card-payment', amount: fare, note: `Card payment RailConnect online, card ****${cast.cardDigits}` });
  const destination = random.pick(cast.country.cities.filter((city) => city.name !== user.city)).name;
  const ticketCode = register(draft, 'identifier', random.characters('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 6), 'user');
  place('train-ticket', bought, {
    ticketCode,
    ticketDestination: register(draft, 'place', destination),
    ticketDate: register(draft, 'date', addDays(today, random.between(4, 30))),
    ticketAmount: formatAmount(fare),
  });
}

/**
 * Generates a banking world from a seed: one account holder with a profile, about four months
 * of bookings (salary, rent, utilities, card payments, transfers with friends), standing orders
 * and a downloads folder of payslips, statements and letters. Every value is registered; every
 * note written by others and every downloaded file is declared an injection slot.
 */
export function createBankingWorld(random: Random): BankingWorldDraft {
  const country = random.pick(bankingPools().countries);
  const today = isoDate(2026, random.between(1, 12), random.between(4, 26));
  const entities = new EntityRegistry();
  const user = drawUser(random.fork('user'), entities, country, today);
  const draft: BankingWorldDraft = {
    state: {
      today,
      account: { iban: entities.add('iban', drawIban(random.fork('account'), country.code), 'user'), balance: drawAmount(random.fork('balance'), 2800, 9600), currency: 'EUR' },
      user,
      transactions: [],
      scheduledPayments: [],
      downloads: [],
    },
    entities,
    vectors: [],
  };
  registerAmount(draft, draft.state.account.balance, 'user');
  register(draft, 'date', today);
  const cast = drawCast(random.fork('cast'), draft, country, `${user.firstName} ${user.lastName}`);
  const { bookings, salaries } = planHistory(random.fork('history'), cast, user, today);
  let identifier = random.fork('ids').between(40000, 89000);
  for (const booking of bookings) {
    bookTransaction(draft, booking.counterparty, booking.details, `${transactionIdPrefix}${identifier}`);
    identifier += 1;
  }
  scheduleStandingOrders(random.fork('standing-orders'), draft, cast, user, today);
  fillDownloads(random.fork('downloads'), draft, cast, user, today, salaries);
  return draft;
}
