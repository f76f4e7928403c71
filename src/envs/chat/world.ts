import { EntityRegistry } from '../entity.js';
import type { Random } from '../random.js';
import { monthDay, shiftDays, shiftMinutes, workdays } from './dates.js';
import { chatPools, type ChannelTemplate, type ChatPools } from './pools.js';
import type { Channel, ChannelMessage, ChatState, ChatUser } from './state.js';
import { addUser, addWebPage, appendDirectMessage, declareChannelVectors, freshName, handleFor, type ChatDraft } from './world-edit.js';

const reactionEmoji = ['+1', 'eyes', 'tada', 'white_check_mark', 'heart', 'raised_hands', 'joy', 'pray'];

/** A working-hours time `daysAgo` days before the world's "now" (UTC). */
function workingTime(draft: ChatDraft, random: Random, daysAgo: number): string {
  const midnight = `${shiftDays(draft.state.now, -daysAgo).slice(0, 10)}T00:00:00Z`;
  return shiftMinutes(midnight, random.between(7 * 60, 19 * 60 - 1));
}

/** Fills the `{placeholders}` of a filler text with drawn values, registering the values that are entities. */
function fillFiller(
  text: string,
  draft: ChatDraft,
  random: Random,
  context: { people: readonly ChatUser[]; projects: readonly string[]; city: string; timestamp: string },
): string {
  const pools = chatPools();
  return text.replace(/\{([a-zA-Z]+)\}/g, (_match, key: string) => {
    switch (key) {
      case 'person':
        return random.pick(context.people).name;
      case 'weekday':
        return random.pick(workdays);
      case 'date':
        return draft.entities.add('date', monthDay(shiftDays(context.timestamp, random.between(2, 30))), 'other');
      case 'time':
        return draft.entities.add('time', `${String(random.between(9, 17)).padStart(2, '0')}:${random.pick(['00', '30'])}`, 'other');
      case 'amount':
        return draft.entities.add('amount', `$${(random.between(4, 180) * 250).toLocaleString('en-US')}`, 'other');
      case 'count':
        return String(random.between(3, 95));
      case 'quarter':
        return String(random.between(1, 4));
      case 'version':
        return `v${random.between(1, 4)}.${random.between(0, 20)}.${random.between(0, 9)}`;
      case 'customer':
        return draft.entities.add('company', random.pick(pools.customers), 'other');
      case 'project':
        return random.pick(context.projects);
      case 'city':
        return context.city;
      case 'link':
        return random.pick(draft.state.webPages).url;
      default:
        throw new Error(`chat filler text has an unknown placeholder {${key}}: ${text}`);
    }
  });
}

function makeUsers(draft: ChatDraft, random: Random, pools: ChatPools, company: { domain: string }): void {
  const employeeCount = random.between(24, 34);
  const firsts = random.shuffle(pools.firstNames);
  const lasts = random.shuffle(pools.lastNames);
  for (let index = 0; index < employeeCount; index += 1) {
    const first = firsts[index] as string;
    const last = lasts[index] as string;
    const handle = handleFor(first, last);
    const isCurrent = index === 0;
    const active = isCurrent || index === 1 || !random.chance(0.06);
    addUser(
      draft,
      {
        handle,
        name: `${first} ${last}`,
        email: `${handle}@${company.domain}`,
        title: isCurrent ? random.pick(pools.currentUserTitles) : index === 1 ? 'Chief Executive Officer' : random.pick(pools.titles),
        accountType: isCurrent ? 'admin' : index === 1 ? 'owner' : 'member',
        timezone: random.pick(pools.timezones),
        statusText: active ? random.pick(pools.statuses) : '',
        active,
      },
      isCurrent ? 'user' : 'contact',
    );
  }
  for (const guestCompany of random.sample(pools.guestCompanies, random.between(2, 3))) {
    const { first, last } = freshName(draft, random, pools.firstNames, pools.lastNames);
    addUser(
      draft,
      {
        handle: handleFor(first, last),
        name: `${first} ${last}`,
        email: `${first.toLowerCase()}@${guestCompany.domain}`,
        title: `${random.pick(pools.guestTitles)}, ${guestCompany.name}`,
        accountType: 'guest',
        timezone: random.pick(pools.timezones),
        statusText: '',
        active: true,
      },
      'other',
    );
  }
}

function channelIdentifier(random: Random): string {
  return `C0${random.characters('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 8)}`;
}

function makeChannel(draft: ChatDraft, random: Random, template: ChannelTemplate, employees: readonly ChatUser[], guests: readonly ChatUser[]): Channel {
  const me = draft.state.currentUser;
  let members: string[];
  if (template.everyone) {
    members = employees.map((user) => user.handle);
  } else {
    members = random.sample(employees, random.between(4, Math.min(16, employees.length))).map((user) => user.handle);
    const wantsUser = template.userMember === 'always' || (template.userMember === 'often' && random.chance(0.75));
    members = members.filter((handle) => handle !== me);
    if (wantsUser) members.unshift(me);
  }
  if (template.guests) members.push(...guests.map((user) => user.handle));
  return {
    id: channelIdentifier(random),
    name: template.name,
    isPrivate: template.private,
    topic: template.topic,
    purpose: template.purpose,
    createdBy: random.pick(members.filter((handle) => !guests.some((guest) => guest.handle === handle))),
    members,
    messages: [],
  };
}

function fillChannelMessages(draft: ChatDraft, random: Random, channel: Channel, pool: readonly string[], context: { projects: readonly string[]; city: string }): void {
  const pools = chatPools();
  const authors = draft.state.users.filter((user) => user.active && channel.members.includes(user.handle));
  const count = channel.name === 'general' || channel.name === 'random' ? random.between(12, 20) : random.between(7, 16);
  const texts = random.shuffle(pool).slice(0, count);
  while (texts.length < count) texts.push(random.pick(pools.generic));
  const messages: ChannelMessage[] = texts.map((text) => {
    const author = random.pick(authors);
    const others = authors.filter((user) => user.handle !== author.handle && user.handle !== draft.state.currentUser);
    const timestamp = workingTime(draft, random, random.between(3, 24));
    return {
      id: '',
      author: author.handle,
      timestamp,
      text: fillFiller(text, draft, random, { people: others.length > 0 ? others : authors, timestamp, ...context }),
      replyCount: random.chance(0.25) ? random.between(1, 6) : 0,
      reactions: random.chance(0.3) ? [{ emoji: random.pick(reactionEmoji), count: random.between(1, 8) }] : [],
    };
  });
  channel.messages = messages.sort((first, second) => first.timestamp.localeCompare(second.timestamp));
}

function makeDirectMessages(draft: ChatDraft, random: Random, pools: ChatPools, context: { projects: readonly string[]; city: string }): void {
  const me = draft.state.currentUser;
  const people = draft.state.users.filter((user) => user.active && user.accountType !== 'guest' && user.handle !== me);
  const lines: { from: string; to: string; text: string; timestamp: string }[] = [];
  for (const person of random.sample(people, random.between(5, 8))) {
    let timestamp = workingTime(draft, random, random.between(3, 14));
    const others = people.filter((user) => user.handle !== person.handle);
    for (let turn = 0; turn < random.between(1, 4); turn += 1) {
      const incoming = turn % 2 === 0;
      const text = fillFiller(random.pick(incoming ? pools.directIncoming : pools.directOutgoing), draft, random, { people: others, timestamp, ...context });
      lines.push({ from: incoming ? person.handle : me, to: incoming ? me : person.handle, text, timestamp });
      timestamp = shiftMinutes(timestamp, random.between(2, 90));
    }
  }
  lines.sort((first, second) => first.timestamp.localeCompare(second.timestamp));
  const minutesBefore = (timestamp: string): number => Math.round((Date.parse(draft.state.now) - Date.parse(timestamp)) / 60000);
  for (const line of lines) appendDirectMessage(draft, line.from, line.to, line.text, minutesBefore(line.timestamp));
}

/**
 * Generates a chat workspace from a seed: a company with 25–37 people (the signed-in admin, an
 * owner, employees, a few guests, sometimes a deactivated account), 14–17 channels with weeks of
 * messages, direct-message conversations and public web pages. Every name, handle, e-mail,
 * channel, URL, date, time and amount is registered; every message written by someone else and
 * every web page is declared as an injection slot.
 */
export function createChatWorld(random: Random): ChatDraft {
  const pools = chatPools();
  const company = random.pick(pools.companies);
  const city = random.pick(pools.cities);
  const start = Date.UTC(2025, 0, 6);
  const day = new Date(start + random.int(330) * 24 * 3600 * 1000);
  if (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + (day.getUTCDay() === 6 ? 2 : 1));
  day.setUTCHours(9 + random.int(4), random.pick([0, 15, 30, 45]));
  const slug = company.domain.split('.')[0] ?? 'team';
  const state: ChatState = {
    workspace: { name: company.name, domain: company.domain, url: `https://${slug}.chatspace.app` },
    currentUser: '',
    now: `${day.toISOString().slice(0, 16)}:00Z`,
    users: [],
    channels: [],
    directMessages: [],
    webPages: [],
    webRequests: [],
    invitations: [],
  };
  const draft: ChatDraft = { state, entities: new EntityRegistry(), vectors: [] };

  makeUsers(draft, random.fork('users'), pools, company);
  state.currentUser = state.users[0]?.handle ?? '';
  draft.entities.add('company', company.name, 'user');
  draft.entities.add('url', state.workspace.url, 'user');
  draft.entities.add('place', city, 'other');

  const pageRandom = random.fork('pages');
  for (const page of pageRandom.sample(pools.webPages, pageRandom.between(6, 9))) {
    const fill = (text: string): string =>
      text
        .replaceAll('{companyDomain}', company.domain)
        .replaceAll('{company}', company.name)
        .replaceAll('{citySlug}', city.toLowerCase())
        .replaceAll('{city}', city);
    addWebPage(draft, fill(page.url), fill(page.title), fill(page.content));
  }

  const channelRandom = random.fork('channels');
  const employees = state.users.filter((user) => user.active && user.accountType !== 'guest');
  const guests = state.users.filter((user) => user.accountType === 'guest');
  const projects = channelRandom.sample(pools.projects, 2);
  for (const project of projects) draft.entities.add('text', project, 'other');
  const templates: { template: ChannelTemplate; pool: readonly string[] }[] = [
    ...pools.requiredChannels.map((template) => ({ template, pool: template.messages })),
    ...channelRandom.sample(pools.optionalChannels, channelRandom.between(5, 8)).map((template) => ({ template, pool: template.messages })),
    ...projects.map((project, index) => {
      const fill = (text: string): string => text.replaceAll('{project}', project);
      const template: ChannelTemplate = {
        name: `proj-${project.toLowerCase()}`,
        private: index === 1,
        everyone: false,
        userMember: 'always',
        guests: false,
        topic: fill(pools.projectChannel.topic),
        purpose: fill(pools.projectChannel.purpose),
        messages: pools.projectChannel.messages.map(fill),
      };
      return { template, pool: template.messages };
    }),
  ];
  for (const { template, pool } of templates) {
    const channel = makeChannel(draft, channelRandom, template, employees, guests);
    if (!template.everyone && !template.guests && channelRandom.chance(0.3) && guests.length > 0) channel.members.push(channelRandom.pick(guests).handle);
    state.channels.push(channel);
    draft.entities.add('channel', channel.name, channel.members.includes(state.currentUser) ? 'user' : 'other');
    fillChannelMessages(draft, channelRandom, channel, pool, { projects, city });
  }
  let counter = 1000 + channelRandom.int(4000);
  const allMessages = state.channels.flatMap((channel) => channel.messages).sort((first, second) => first.timestamp.localeCompare(second.timestamp));
  for (const message of allMessages) message.id = `msg-${(counter += 1)}`;
  for (const channel of state.channels) declareChannelVectors(draft, channel);

  makeDirectMessages(draft, random.fork('direct-messages'), pools, { projects, city });
  return draft;
}
