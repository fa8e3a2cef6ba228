// The Bot Framework connector as the Teams platform uses it: the CloudAdapter's proactive calls
// (continue a stored conversation, create one), each bounded by a deadline and failing with a
// TeamsDeliveryError (status, Retry-After). The connector client retries 429 and 5xx itself,
// honouring Retry-After, a few times within the deadline.
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TeamsInfo,
  type Activity,
  type ConversationParameters,
  type ConversationReference,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../../config/env.js';
import { teamsCall } from './teams-errors.js';
import type { StoredConversation } from './teams-store.js';

/** A send and its retries give up after 30 s: the caller (a flow, or the outbox) decides what next. */
const CALL_DEADLINE_MS = 30_000;

export interface TeamsChannel {
  id: string;
  name: string;
}

/** Builds the CloudAdapter: authentication on unless TEAMS_ALLOW_UNAUTHENTICATED and no app id. */
export function createAdapter(config: Config): CloudAdapter {
  const unauthenticated = config.TEAMS_ALLOW_UNAUTHENTICATED && config.MICROSOFT_APP_ID === undefined;
  const auth = new ConfigurationBotFrameworkAuthentication(
    unauthenticated
      ? {}
      : {
          MicrosoftAppId: config.MICROSOFT_APP_ID,
          MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD,
          MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID,
          MicrosoftAppType: config.MICROSOFT_APP_TENANT_ID === undefined ? 'MultiTenant' : 'SingleTenant',
        },
  );
  return new CloudAdapter(auth);
}

/** The reference botbuilder needs to reach a stored conversation. */
export function referenceOf(c: StoredConversation): Partial<ConversationReference> {
  return {
    channelId: 'msteams',
    serviceUrl: c.serviceUrl,
    bot: { id: c.botId, name: '' },
    conversation: {
      id: c.id,
      isGroup: c.kind !== 'personal',
      conversationType: c.kind === 'thread' ? 'channel' : c.kind,
      tenantId: c.tenantId,
      name: '',
    },
  };
}

export class TeamsConnector {
  constructor(
    readonly adapter: CloudAdapter,
    private readonly appId: string,
  ) {}

  private within<T>(
    operation: string,
    reference: Partial<ConversationReference>,
    run: (context: TurnContext) => Promise<T>,
  ): Promise<T> {
    return teamsCall(operation, CALL_DEADLINE_MS, async () => {
      let result: { value: T } | { error: unknown } | undefined;
      // The adapter hands errors of the turn to onTurnError and resolves: keep ours to rethrow them.
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        try {
          result = { value: await run(context) };
        } catch (error) {
          result = { error };
        }
      });
      if (!result) throw new Error(`${operation} did not run`);
      if ('error' in result) throw result.error;
      return result.value;
    });
  }

  /** Posts an activity; resolves with the id Teams gave it. */
  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> {
    return this.within('send a message', reference, async (context) => {
      const sent = await context.sendActivity(activity);
      return sent?.id ?? '';
    });
  }

  async update(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<void> {
    await this.within('update a message', reference, async (context) => {
      await context.updateActivity(activity);
    });
  }

  /** Creates a conversation (a personal chat, or a new thread in a channel); resolves with its id. */
  async createConversation(serviceUrl: string, parameters: ConversationParameters): Promise<string> {
    return teamsCall('create a conversation', CALL_DEADLINE_MS, async () => {
      let id: string | undefined;
      await this.adapter.createConversationAsync(
        this.appId,
        'msteams',
        serviceUrl,
        '',
        parameters,
        (context) => {
          id = context.activity.conversation.id;
          return Promise.resolve();
        },
      );
      if (!id) throw new Error('the connector returned no conversation id');
      return id;
    });
  }

  /** The channels of a team, as the connector lists them (General has no name: it is called General). */
  async teamChannels(reference: Partial<ConversationReference>, teamId: string): Promise<TeamsChannel[]> {
    return this.within('list the team’s channels', reference, async (context) => {
      const channels = await TeamsInfo.getTeamChannels(context, teamId);
      return channels.flatMap((c) => (c.id ? [{ id: c.id, name: c.name ?? 'General' }] : []));
    });
  }
}
