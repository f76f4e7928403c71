import type { WorldDraft } from '../world-draft.js';
import { EntityRegistry } from '../entity.js';
import type { Random } from '../random.js';
import { renderTemplate } from '../text-template.js';
import { addDays, minutesOf, nextWorkday, timeOf, weekdayOf } from './calendar-date.js';
import { workspacePools } from './pools.js';
import type { Contact, WorkspaceState } from './state.js';
import {
  colleaguesOf,
  externalContactsOf,
  fictionalPhone,
  firstNameOf,
  groupThousands,
  meetingStart,
  pastTimestamp,
  personAddress,
  slugOf,
  receiveEmail,
  recordSentEmail,
  scheduleEvent,
  storeFile,
  upcomingWorkday,
} from './world-builders.js';

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The first day a world's "today" can fall on; the actual day is drawn from the following year. */
const earliestToday = '2025-01-06';

/**
 * Generates a seeded workspace: the user, an address book of colleagues and outside contacts, an
 * inbox of dozens of emails (colleagues, partners, newsletters and notifications) plus sent mail,
 * a calendar around today and a drive of documents. Every generated value is registered, and
 * every received email body, event description and file content is declared as an injection
 * vector.
 */
export function createWorkspaceWorld(random: Random): WorldDraft<WorkspaceState> {
  const pools = workspacePools();
  const entities = new EntityRegistry();
  const firstNames = random.shuffle(pools.firstNames);
  const lastNames = random.shuffle(pools.lastNames);
  const companies = random.shuffle(pools.companies);
  const userCompany = companies[0] ?? pools.companies[0]!;
  const partnerCompanies = companies.slice(1, 6);

  const userFirst = firstNames[0] ?? 'Alex';
  const userName = `${userFirst} ${lastNames[0] ?? 'Morgan'}`;
  const today = nextWorkday(addDays(earliestToday, random.int(330)));
  const state: WorkspaceState = {
    user: {
      name: userName,
      email: personAddress(userFirst, lastNames[0] ?? 'Morgan', userCompany.domain),
      company: userCompany.name,
      jobTitle: random.pick(pools.jobTitles),
    },
    today,
    currentTime: timeOf(random.between(8 * 60 + 15, 11 * 60 + 45)),
    contacts: [],
    emails: [],
    events: [],
    files: [],
    idCounters: { email: 0, event: 0, file: 0 },
  };
  const draft: WorldDraft<WorkspaceState> = { state, entities, vectors: [] };
  entities.add('person', state.user.name, 'user');
  entities.add('email-address', state.user.email, 'user');
  entities.add('company', state.user.company, 'user');
  entities.add('date', today, 'other');

  for (let index = 1; index <= 18; index += 1) {
    const first = firstNames[index] ?? `Person${index}`;
    const last = lastNames[index] ?? 'Smith';
    const company = index <= 8 ? userCompany : (partnerCompanies[index % partnerCompanies.length] ?? userCompany);
    const contact: Contact = {
      name: `${first} ${last}`,
      email: personAddress(first, last, company.domain),
      company: company.name,
      jobTitle: random.pick(pools.jobTitles),
      phone: fictionalPhone(random),
    };
    state.contacts.push(contact);
    entities.add('person', contact.name, 'contact');
    entities.add('email-address', contact.email, 'contact');
    entities.add('company', contact.company, company === userCompany ? 'user' : 'contact');
    entities.add('phone', contact.phone, 'contact');
  }

  const projects = random.sample(pools.projects, 6);
  for (const project of projects) entities.add('text', project, 'other');
  const colleagues = colleaguesOf(state);
  const externals = externalContactsOf(state);
  const amount = (): string => entities.add('amount', `$${groupThousands(random.between(8, 95) * 100)}`, 'other');
  const weekday = (): string => weekdayOf(upcomingWorkday(random, state, 1, 6));

  addMail(draft, random, { projects, colleagues, externals, amount, weekday });
  addCalendar(draft, random, { projects, colleagues, externals });
  addDrive(draft, random, { projects, colleagues, externals, amount });
  return draft;
}

interface Cast {
  projects: string[];
  colleagues: Contact[];
  externals: Contact[];
}

function addMail(draft: WorldDraft<WorkspaceState>, random: Random, cast: Cast & { amount: () => string; weekday: () => string }): void {
  const pools = workspacePools();
  const { state } = draft;
  const userFirst = firstNameOf(state.user.name);
  type Pending = { timestamp: string; add: (timestamp: string) => void };
  const pending: Pending[] = [];
  const parametersFor = (sender: { name: string; company: string }, colleague: Contact): Record<string, string> => ({
    userFirst,
    userCompany: state.user.company,
    senderFirst: firstNameOf(sender.name),
    senderName: sender.name,
    company: sender.company,
    colleagueFirst: firstNameOf(colleague.name),
    project: random.pick(cast.projects),
    weekday: cast.weekday(),
    amount: cast.amount(),
  });

  for (let index = 0; index < 18; index += 1) {
    const sender = random.pick(cast.colleagues);
    const template = random.pick(pools.colleagueEmails);
    const parameters = parametersFor(sender, random.pick(cast.colleagues.filter((colleague) => colleague !== sender)));
    pending.push({
      timestamp: pastTimestamp(random, state, 0, 24),
      add: (timestamp) =>
        receiveEmail(draft, {
          from: sender,
          subject: renderTemplate(template.subject, parameters),
          body: renderTemplate(template.body, parameters),
          timestamp,
          cc: random.chance(0.3) ? [random.pick(cast.colleagues).email].filter((address) => address !== sender.email) : [],
          unread: random.chance(0.25),
        }),
    });
  }
  for (let index = 0; index < 10; index += 1) {
    const sender = random.pick(cast.externals);
    const template = random.pick(pools.externalEmails);
    const parameters = parametersFor(sender, random.pick(cast.colleagues));
    pending.push({
      timestamp: pastTimestamp(random, state, 0, 24),
      add: (timestamp) =>
        receiveEmail(draft, {
          from: sender,
          subject: renderTemplate(template.subject, parameters),
          body: renderTemplate(template.body, parameters),
          timestamp,
          unread: random.chance(0.25),
        }),
    });
  }
  for (const template of random.sample(pools.serviceEmails, 8)) {
    const parameters = parametersFor({ name: template.senderName, company: template.senderName }, random.pick(cast.colleagues));
    draft.entities.add('company', template.senderName, 'other');
    pending.push({
      timestamp: pastTimestamp(random, state, 0, 24),
      add: (timestamp) =>
        receiveEmail(draft, {
          from: { name: template.senderName, email: template.sender },
          senderRole: 'other',
          subject: renderTemplate(template.subject, parameters),
          body: renderTemplate(template.body, parameters),
          timestamp,
          unread: random.chance(0.4),
        }),
    });
  }
  for (let index = 0; index < 7; index += 1) {
    const recipient = random.pick([...cast.colleagues, ...cast.externals]);
    const template = random.pick(pools.sentEmails);
    const parameters = { userFirst, recipientFirst: firstNameOf(recipient.name), project: random.pick(cast.projects) };
    pending.push({
      timestamp: pastTimestamp(random, state, 0, 24),
      add: (timestamp) =>
        recordSentEmail(draft, {
          recipients: [recipient.email],
          subject: renderTemplate(template.subject, parameters),
          body: renderTemplate(template.body, parameters),
          timestamp,
        }),
    });
  }
  pending.sort((left, right) => left.timestamp.localeCompare(right.timestamp));
  for (const item of pending) item.add(item.timestamp);
}

function addCalendar(draft: WorldDraft<WorkspaceState>, random: Random, cast: Cast): void {
  const pools = workspacePools();
  const { state } = draft;
  type Pending = { key: string; add: () => void };
  const pending: Pending[] = [];
  for (let index = 0; index < 26; index += 1) {
    const template = random.pick(pools.eventTemplates);
    const date = nextWorkday(addDays(state.today, random.between(-5, 14)));
    const startTime = meetingStart(random, template.minutes);
    const endTime = timeOf(minutesOf(startTime) + template.minutes);
    const contact = template.kind === 'external' ? random.pick(cast.externals) : random.pick(cast.colleagues);
    const parameters = {
      project: random.pick(cast.projects),
      contactFirst: firstNameOf(contact.name),
      contactName: contact.name,
      company: contact.company,
      room: random.pick(pools.rooms),
      userFirst: firstNameOf(state.user.name),
    };
    const team = random.sample(cast.colleagues, random.between(2, 4)).map((colleague) => colleague.email);
    const participants =
      template.kind === 'personal' ? [state.user.email] : template.kind === 'external' ? [state.user.email, contact.email] : [state.user.email, ...team];
    const organizer = template.kind === 'personal' || random.chance(0.5) ? state.user.email : template.kind === 'external' ? contact.email : (team[0] ?? state.user.email);
    pending.push({
      key: `${date} ${startTime}`,
      add: () =>
        scheduleEvent(draft, {
          title: renderTemplate(template.title, parameters),
          description: renderTemplate(template.description, parameters),
          date,
          startTime,
          endTime,
          location: renderTemplate(template.location, parameters),
          organizer,
          participants,
          status: random.chance(0.06) ? 'cancelled' : 'confirmed',
        }),
    });
  }
  pending.sort((left, right) => left.key.localeCompare(right.key));
  for (const item of pending) item.add();
}

function addDrive(draft: WorldDraft<WorkspaceState>, random: Random, cast: Cast & { amount: () => string }): void {
  const pools = workspacePools();
  const { state } = draft;
  for (const template of random.sample(pools.fileTemplates, 11)) {
    const lastModified = pastTimestamp(random, state, 1, 60);
    const monthIndex = Number(lastModified.slice(5, 7)) - 1;
    const colleague = random.pick(cast.colleagues);
    const external = random.pick(cast.externals);
    const project = random.pick(cast.projects);
    const parameters = {
      project,
      year: lastModified.slice(0, 4),
      month: monthNames[monthIndex] ?? 'January',
      quarter: `Q${Math.floor(monthIndex / 3) + 1}`,
      userName: state.user.name,
      userCompany: state.user.company,
      colleagueName: colleague.name,
      company: external.company,
      amountA: cast.amount(),
      amountB: cast.amount(),
      amountC: cast.amount(),
    };
    const nameParameters = Object.fromEntries(Object.entries(parameters).map(([key, value]) => [key, slugOf(value)]));
    const ownedByUser = random.chance(0.75);
    const sharedWith = ownedByUser
      ? random.sample(cast.colleagues, random.between(0, 2)).map((person) => ({ email: person.email, permission: random.pick(['view', 'edit'] as const) }))
      : [{ email: state.user.email, permission: random.pick(['view', 'edit'] as const) }];
    storeFile(draft, {
      name: renderTemplate(template.name, nameParameters),
      owner: ownedByUser ? state.user.email : colleague.email,
      content: renderTemplate(template.content, parameters),
      lastModified,
      sharedWith,
    });
  }
}
