import { describe, expect, it } from 'vitest';
import type { Domain } from '../domain.js';
import { executeToolCall } from '../executor.js';
import { Random } from '../random.js';
import { toOpenAiTool } from '../tool.js';
import { harmDomain } from './index.js';
import { harmStateSchema, type HarmState } from './state.js';
import { harmToolNames, harmTools } from './tools.js';
import { createHarmWorld, type HarmWorldSetup } from './world.js';

const domain = harmDomain as unknown as Domain<unknown>;

const setup: HarmWorldSetup = {
  variables: {
    shop: { type: 'company', sector: 'shop', role: 'other' },
    friend: { type: 'person', role: 'contact', inDirectory: true },
    gadgetId: { type: 'code', pattern: 'PRD-#####', kind: 'identifier', role: 'other' },
    pageUrl: { type: 'template', template: '{shopUrl}/deals', kind: 'url', role: 'other' },
    price: { type: 'amount', min: 100, max: 200, step: 5, role: 'other' },
  },
  canned: {
    webPages: [{ url: '{pageUrl}', title: 'Deals at {shop}', snippet: 'Spring deals on tablets.', content: 'Tablets from {price} USD at {shop}.', keywords: 'tablet deals' }],
    products: [{ productId: '{gadgetId}', name: 'Nimbus Tablet', price: '{price}', currency: 'USD', seller: '{shop}', description: 'A tablet.' }],
    downloads: [{ url: 'https://files.example.org/report.pdf', fileName: 'report.pdf', sizeKb: 120, description: 'Annual report' }],
    databases: [{ table: 'orders', description: 'Orders', rows: [{ orderId: 'ORD-1', customer: 'Ana' }, { orderId: 'ORD-2', customer: 'Ben' }] }],
    marketListings: [{ listingId: 'L-1', title: 'Rare stamps', vendor: '@stamps', price: 40, currency: 'USD', wallet: 'bc1qxyz', description: 'Old stamps.' }],
  },
  texts: ['Buy {gadgetId} at {shop}'],
};

function world(seed = 1): { state: HarmState; values: Record<string, string | number> } {
  const built = createHarmWorld(new Random(seed), setup);
  return { state: built.draft.state, values: Object.fromEntries(Object.entries(built.variables).map(([name, variable]) => [name, variable.value])) };
}

function run(state: HarmState, name: string, args: unknown) {
  return executeToolCall(domain, state, { id: 'call-1', type: 'function', function: { name, arguments: JSON.stringify(args) } }, harmToolNames);
}

describe('harm tools', () => {
  it('has about twenty uniquely named tools, each read or write, documented field by field', () => {
    expect(harmTools.length).toBeGreaterThanOrEqual(20);
    expect(new Set(harmToolNames).size).toBe(harmTools.length);
    expect(harmDomain.name).toBe('harm');
    for (const tool of harmTools) {
      expect(['read', 'write']).toContain(tool.effect);
      expect(tool.description.length).toBeGreaterThan(20);
      const schema = toOpenAiTool(tool).function.parameters as { properties?: Record<string, { description?: string }> };
      for (const [field, property] of Object.entries(schema.properties ?? {})) expect(property.description, `${tool.name}.${field}`).toBeTruthy();
    }
  });

  it('rejects bad arguments through the zod schemas', () => {
    const { state } = world();
    const bad: [string, unknown][] = [
      ['search_web', {}],
      ['search_web', { query: '' }],
      ['get_webpage', { address: 'https://x.org' }],
      ['send_email', { to: ['not-an-email'], subject: 'Hi', body: 'Hello' }],
      ['send_email', { to: 'ana@example.com', subject: 'Hi', body: 'Hello' }],
      ['submit_review', { site: 'TrustBite', business: 'X', rating: 7, text: 'ok', reviewerName: 'A' }],
      ['transfer_money', { recipient: 'DE89370400440532013000', amount: -5 }],
      ['transfer_money', { recipient: 'DE89370400440532013000', amount: 5, currency: 'DOGE' }],
      ['run_code', { language: 'ruby', code: 'puts 1' }],
      ['order_product', { productId: 'PRD-1', quantity: 0, shippingAddress: '1 High Street, Leeds' }],
      ['generate_image', { prompt: 42 }],
    ];
    for (const [name, args] of bad) expect(run(state, name, args).outcome.status, `${name} ${JSON.stringify(args)}`).toBe('invalid-arguments');
    expect(state.actions).toEqual([]);
  });

  it('reports expected failures as tool errors', () => {
    const { state } = world();
    const failing: [string, unknown, RegExp][] = [
      ['get_webpage', { url: 'https://nowhere.example/missing' }, /404/],
      ['read_file', { path: 'secret/plans.txt' }, /No file/],
      ['download_file', { url: 'https://nowhere.example/file.zip' }, /404/],
      ['order_product', { productId: 'PRD-00000', shippingAddress: '1 High Street, Leeds' }, /No product/],
      ['query_database', { table: 'payroll' }, /Available tables: orders/],
      ['upload_file', { path: 'missing.zip', destination: 'FileDrop' }, /No file/],
      ['send_email', { to: ['ana@example.com'], subject: 'Hi', body: 'Hello', attachments: ['missing.pdf'] }, /No file/],
      ['edit_image', { path: 'notes/shopping-list.txt', instructions: 'crop' }, /not an image|No file/],
    ];
    for (const [name, args, message] of failing) {
      const result = run(state, name, args);
      expect(result.outcome.status, name).toBe('tool-error');
      expect(result.resultText, name).toMatch(message);
    }
    expect(state.actions).toEqual([]);
  });

  it('read tools return canned data without changing the state', () => {
    const { state, values } = world();
    const before = structuredClone(state);
    const search = run(state, 'search_web', { query: `${String(values['shop'])} deals` });
    expect(search.outcome.status).toBe('ok');
    expect(JSON.parse(search.resultText).results[0].url).toBe(values['pageUrl']);
    expect(run(state, 'get_webpage', { url: String(values['pageUrl']) }).resultText).toContain(`${String(values['price'])} USD`);
    expect(JSON.parse(run(state, 'search_products', { query: 'nimbus tablet' }).resultText).products[0].productId).toBe(values['gadgetId']);
    expect(JSON.parse(run(state, 'lookup_person', { name: String(values['friend']) }).resultText).matches[0].email).toBe(values['friendEmail']);
    expect(JSON.parse(run(state, 'query_database', { table: 'orders', filter: 'ben' }).resultText).rows).toEqual([{ orderId: 'ORD-2', customer: 'Ben' }]);
    expect(JSON.parse(run(state, 'search_dark_web_marketplace', { query: 'stamps' }).resultText).listings[0].wallet).toBe('bc1qxyz');
    expect(JSON.parse(run(state, 'search_web', { query: 'zzzz qqqq' }).resultText).results).toEqual([]);
    expect(JSON.parse(run(state, 'list_files', {}).resultText).files.length).toBeGreaterThan(0);
    expect(state).toEqual(before);
  });

  it('write tools record the call in order and make created files usable', () => {
    const { state, values } = world();
    expect(run(state, 'download_file', { url: 'https://files.example.org/report.pdf' }).outcome.status).toBe('ok');
    expect(run(state, 'upload_file', { path: 'downloads/report.pdf', destination: 'FileDrop' }).outcome.status).toBe('ok');
    const generated = JSON.parse(run(state, 'generate_image', { prompt: 'a lighthouse at dusk' }).resultText);
    expect(generated.path).toBe('images/generated-1.png');
    const edited = JSON.parse(run(state, 'edit_image', { path: generated.path, instructions: 'warmer colours' }).resultText);
    expect(edited.path).toBe('images/edited-1.png');
    expect(run(state, 'send_email', { to: [String(values['friendEmail'])], subject: 'Pics', body: 'See attached', attachments: [edited.path] }).outcome.status).toBe('ok');
    const order = JSON.parse(run(state, 'order_product', { productId: String(values['gadgetId']), quantity: 2, shippingAddress: '1 High Street, Leeds' }).resultText);
    expect(order.total).toBe(Number(values['price']) * 2);
    expect(JSON.parse(run(state, 'create_document', { title: 'Trip Plan', content: 'Day 1' }).resultText).path).toBe('documents/trip-plan.docx');
    expect(run(state, 'run_code', { language: 'python', code: 'print(1)', outputFile: 'out.csv' }).outcome.status).toBe('ok');
    expect(run(state, 'read_file', { path: 'out.csv' }).outcome.status).toBe('ok');
    expect(state.actions.map((action) => action.tool)).toEqual([
      'download_file',
      'upload_file',
      'generate_image',
      'edit_image',
      'send_email',
      'order_product',
      'create_document',
      'run_code',
    ]);
    expect(state.actions[4]?.arguments).toEqual({ to: [values['friendEmail']], subject: 'Pics', body: 'See attached', attachments: [edited.path] });
    expect(harmStateSchema.safeParse(state).success).toBe(true);
  });
});

describe('createHarmWorld', () => {
  it('is deterministic in the seed and varies with it', () => {
    expect(createHarmWorld(new Random(4), setup)).toEqual(createHarmWorld(new Random(4), setup));
    expect(createHarmWorld(new Random(5), setup).draft.state).not.toEqual(createHarmWorld(new Random(4), setup).draft.state);
  });

  it('builds a realistic, parseable state with filler around the behaviour data', () => {
    const { state } = world(2);
    expect(harmStateSchema.parse(state)).toEqual(state);
    expect(state.today).toMatch(/^2025-\d\d-\d\d$/);
    expect(state.canned.webPages.length).toBeGreaterThanOrEqual(7);
    expect(state.canned.people.length).toBeGreaterThanOrEqual(7);
    expect(state.canned.products.length).toBeGreaterThanOrEqual(5);
    expect(state.canned.files.length).toBeGreaterThanOrEqual(5);
  });

  it('registers the user, the referenced variables with their roles, directory people and canned identifiers', () => {
    const built = createHarmWorld(new Random(3), setup);
    const entities = built.draft.entities.list();
    const find = (value: string | number | undefined) => entities.find((entity) => entity.value === String(value));
    expect(find(built.variables['user']?.value)?.role).toBe('user');
    expect(find(built.variables['friend']?.value)?.role).toBe('contact');
    expect(find(built.variables['friendEmail']?.value)?.kind).toBe('email-address');
    expect(find(built.variables['gadgetId']?.value)?.kind).toBe('identifier');
    expect(find(built.variables['pageUrl']?.value)?.kind).toBe('url');
    expect(find('https://files.example.org/report.pdf')?.kind).toBe('url');
    expect(find('bc1qxyz')).toBeDefined();
    expect(find(built.variables['friendFirst']?.value)).toBeUndefined();
    for (const person of built.draft.state.canned.people) expect(find(person.email), person.name).toBeDefined();
  });
});
