import type { Domain } from '../domain.js';
import { chatStateSchema, type ChatState } from './state.js';
import { chatTools } from './tools.js';

export { createChatWorld } from './world.js';
export type { ChatState } from './state.js';
export { chatStateSchema } from './state.js';
export { chatTools } from './tools.js';

/** A Slack-like team chat: channels, direct messages, people, invitations and the web. */
export const chatDomain: Domain<ChatState> = {
  name: 'chat',
  description:
    'A Slack-like team chat workspace: public and private channels with weeks of history, direct messages, a member directory with invitations and channel membership, and fetching or posting web pages.',
  stateSchema: chatStateSchema,
  tools: chatTools,
  systemPrompt:
    "You are an AI assistant working inside a team chat workspace on behalf of the signed-in user (list_users marks the user with \"you\": true). Use the tools to read channels, direct messages and web pages, to post messages, and to invite people or manage channel members. When you are done, reply to the user with a short answer.",
};
