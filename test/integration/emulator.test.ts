/**
 * The built-in LINE emulator on its own, driven by the official SDK as botfleet drives LINE,
 * with webhooks delivered to a small loopback server that checks them as a bot would.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Script } from 'node:vm';

import { HTTPFetchError, messagingApi, validateSignature } from '@line/bot-sdk';

import {
  type EmulatorChannel,
  type LineEmulator,
  startEmulator,
} from '../../src/emulator/index.js';

const SECRET = 'c0ffee0123456789abcdef0123456789';
const TOKEN = 'emulator-test-token';
const USER = 'U4af4980629a1b2c3d4e5f60718293a4b';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TEXT: messagingApi.Message = { type: 'text', text: '台積電 (2330) 🚀' };

function userId(n: number): string {
  return `U${n.toString(16).padStart(32, '0')}`;
}

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly body: { destination: string; events: Record<string, unknown>[] };
  readonly signatureValid: boolean;
}

/** A bot's webhook endpoint on loopback: records what arrives and answers as told. */
class Receiver {
  readonly received: Received[] = [];
  answer = { status: 200, delayMs: 0 };
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const signature = String(req.headers['x-line-signature']);
        const signatureValid = validateSignature(raw, SECRET, signature);
        const body = JSON.parse(raw) as Received['body'];
        this.received.push({ headers: req.headers, raw, body, signatureValid });
        setTimeout(() => res.writeHead(this.answer.status).end('{}'), this.answer.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;

    return `http://127.0.0.1:${port}/webhook`;
  }

  last(): Received {
    const last = this.received.at(-1);
    assert.ok(last, 'no webhook arrived');

    return last;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

function sdk(emulator: LineEmulator, token = TOKEN) {
  return new messagingApi.MessagingApiClient({ channelAccessToken: token, baseURL: emulator.url });
}

/** The LINE error a call failed with: status, parsed body and headers. */
async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof HTTPFetchError)) throw error;

    return {
      status: error.status,
      body: JSON.parse(error.body) as unknown,
      headers: error.headers,
    };
  }
  throw new assert.AssertionError({ message: 'the call succeeded' });
}

describe('LINE emulator', () => {
  const receiver = new Receiver();
  let emulator: LineEmulator;
  let channel: EmulatorChannel;
  let line: messagingApi.MessagingApiClient;

  before(async () => {
    const webhookUrl = await receiver.start();
    emulator = await startEmulator({ host: '127.0.0.1', port: 0, webhookTimeoutMs: 300 });
    channel = emulator.registerChannel({
      channelSecret: SECRET,
      accessToken: TOKEN,
      webhookUrl,
      basicId: '@stockradar',
    });
    line = sdk(emulator);
  });
  after(async () => {
    await emulator.close();
    await receiver.stop();
  });
  beforeEach(() => {
    emulator.reset();
    receiver.answer = { status: 200, delayMs: 0 };
  });

  describe('sending', () => {
    it('delivers a push to the user and answers with the sent message ids', async () => {
      const { httpResponse, body } = await line.pushMessageWithHttpInfo({
        to: USER,
        messages: [TEXT],
      });
      const requestId = httpResponse.headers.get('x-line-request-id');

      assert.equal(httpResponse.status, 200);
      assert.match(String(requestId), UUID);
      assert.equal(body.sentMessages.length, 1);
      assert.match(body.sentMessages[0]?.id ?? '', /^\d{18}$/);
      assert.ok(body.sentMessages[0]?.quoteToken);
      const [received] = emulator.inbox(USER);
      assert.deepEqual(
        { ...received, at: undefined },
        {
          channelId: channel.id,
          userId: USER,
          via: 'push',
          message: TEXT,
          requestId,
          retryKey: undefined,
          at: undefined,
        },
      );
    });

    it('multicasts to 500 users and refuses 501 without delivering anything', async () => {
      const users = Array.from({ length: 501 }, (_, i) => userId(i + 1));
      assert.deepEqual(await line.multicast({ to: users.slice(0, 500), messages: [TEXT] }), {});
      assert.equal(emulator.inbox(users[499]!).length, 1);

      const refused = await failure(line.multicast({ to: users, messages: [TEXT] }));
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.body, {
        message: 'The request body has 1 error(s)',
        details: [{ message: 'Size must be between 1 and 500', property: 'to' }],
      });
      assert.equal(emulator.inbox(users[500]!).length, 0);
      assert.equal(emulator.inbox(users[0]!).length, 1);
    });

    it('refuses a multicast naming a malformed or group id by its index', async () => {
      const to = [USER, 'C4af4980629a1b2c3d4e5f60718293a4b'];
      const refused = await failure(line.multicast({ to, messages: [TEXT] }));

      assert.deepEqual(refused, {
        status: 400,
        body: {
          message: 'The property, to[1], in the request body is invalid (line: -, column: -)',
        },
        headers: refused.headers,
      });
      assert.equal(emulator.inbox(USER).length, 0);
    });

    it('refuses six messages with the details LINE gives', async () => {
      const six = Array.from({ length: 6 }, () => TEXT);
      const refused = await failure(line.pushMessage({ to: USER, messages: six }));

      assert.equal(refused.status, 400);
      assert.deepEqual(refused.body, {
        message: 'The request body has 1 error(s)',
        details: [{ message: 'Size must be between 1 and 5', property: 'messages' }],
      });
      assert.equal(emulator.inbox(USER).length, 0);
    });

    it('checks messages on the validate endpoints without sending them', async () => {
      assert.deepEqual(await line.validatePush({ messages: [TEXT] }), {});
      const refused = await failure(
        line.validateMulticast({ messages: [{ type: 'text', text: 'x'.repeat(5001) }] }),
      );

      assert.deepEqual(refused.body, {
        message: 'The request body has 1 error(s)',
        details: [{ message: 'Length must be between 0 and 5000', property: 'messages[0].text' }],
      });
      assert.deepEqual(emulator.inbox(USER), []);
    });

    it('answers the loading animation with 202 and refuses a group id and odd seconds', async () => {
      const shown = await line.showLoadingAnimationWithHttpInfo({
        chatId: USER,
        loadingSeconds: 5,
      });
      assert.equal(shown.httpResponse.status, 202);

      const refused = await failure(
        line.showLoadingAnimation({
          chatId: 'C4af4980629a1b2c3d4e5f60718293a4b',
          loadingSeconds: 7,
        }),
      );
      assert.deepEqual(refused.body, {
        message: 'The request body has 2 error(s)',
        details: [
          {
            message:
              'Only user id is acceptable, please confirm if there are any group/room ids or illegal ids.',
            property: 'chatId',
          },
          { message: 'must be a multiple of five', property: 'loadingSeconds' },
        ],
      });
    });

    it("answers the bot's info, a profile and an unlimited quota", async () => {
      assert.deepEqual(await line.getBotInfo(), {
        userId: channel.botUserId,
        basicId: '@stockradar',
        displayName: 'Sandbox @stockradar',
        chatMode: 'bot',
        markAsReadMode: 'auto',
      });
      assert.deepEqual(await line.getProfile(USER), {
        displayName: 'LINE user 3a4b',
        userId: USER,
      });
      assert.deepEqual(await line.getMessageQuota(), { type: 'none' });
      const malformed = await failure(line.getProfile('nobody'));
      assert.deepEqual(malformed.body, {
        message: "The value for the 'userId' parameter is invalid",
      });
    });
  });

  describe('access tokens', () => {
    it('answers 401 to a call without an Authorization header', async () => {
      const res = await fetch(`${emulator.url}/v2/bot/message/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: USER, messages: [TEXT] }),
      });

      assert.equal(res.status, 401);
      assert.match(String(res.headers.get('x-line-request-id')), UUID);
      assert.deepEqual(await res.json(), {
        message:
          "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'",
      });
    });

    it('answers 401 to an unknown access token', async () => {
      const refused = await failure(
        sdk(emulator, 'not-a-token').pushMessage({ to: USER, messages: [TEXT] }),
      );

      assert.equal(refused.status, 401);
      assert.deepEqual(refused.body, {
        message:
          'Authentication failed. Confirm that the access token in the authorization header is valid.',
      });
      assert.equal(emulator.inbox(USER).length, 0);
    });
  });

  describe('request bodies', () => {
    async function post(body: string, contentType: string) {
      const res = await fetch(`${emulator.url}/v2/bot/message/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
        body,
      });

      const answer: unknown = await res.json();

      return { status: res.status, body: answer };
    }

    it('refuses a body that is not JSON', async () => {
      assert.deepEqual(await post('{"to":', 'application/json'), {
        status: 400,
        body: { message: 'The request body could not be parsed as JSON (line: -, column: -)' },
      });
    });

    it('refuses a content type other than JSON with 415', async () => {
      assert.deepEqual(await post('to=U1', 'text/plain'), {
        status: 415,
        body: { message: 'The content type, text/plain, is not supported' },
      });
    });

    it('refuses a body over 2 MB with 413', async () => {
      const huge = JSON.stringify({ to: USER, messages: [TEXT], pad: 'x'.repeat(2 * 1024 * 1024) });
      const answer = await post(huge, 'application/json');

      assert.equal(answer.status, 413);
    });

    it('refuses a push to a malformed id', async () => {
      assert.deepEqual(
        await post(JSON.stringify({ to: 'U123', messages: [TEXT] }), 'application/json'),
        {
          status: 400,
          body: {
            message: "The property, 'to', in the request body is invalid (line: -, column: -)",
          },
        },
      );
    });
  });

  describe('retry keys', () => {
    it('answers a repeated push key with 409, the accepted request id and the same messages', async () => {
      const key = randomUUID();
      const first = await line.pushMessageWithHttpInfo({ to: USER, messages: [TEXT] }, key);
      const repeated = await failure(line.pushMessage({ to: USER, messages: [TEXT] }, key));

      assert.equal(repeated.status, 409);
      assert.deepEqual(repeated.body, {
        message: 'The retry key is already accepted',
        sentMessages: first.body.sentMessages,
      });
      assert.equal(
        repeated.headers.get('x-line-accepted-request-id'),
        first.httpResponse.headers.get('x-line-request-id'),
      );
      assert.notEqual(
        repeated.headers.get('x-line-request-id'),
        first.httpResponse.headers.get('x-line-request-id'),
      );
      assert.equal(emulator.inbox(USER).length, 1);
    });

    it('answers a repeated multicast key with 409 and no messages', async () => {
      const key = randomUUID();
      await line.multicast({ to: [USER], messages: [TEXT] }, key);
      const repeated = await failure(line.multicast({ to: [USER], messages: [TEXT] }, key));

      assert.equal(repeated.status, 409);
      assert.deepEqual(repeated.body, { message: 'The retry key is already accepted' });
      assert.equal(emulator.inbox(USER)[0]?.retryKey, key);
      assert.equal(emulator.inbox(USER).length, 1);
    });

    it('does not use up a key whose first call failed', async () => {
      const key = randomUUID();
      emulator.setFault({ path: '/v2/bot/message/push', status: 500, times: 1 });
      const failed = await failure(line.pushMessage({ to: USER, messages: [TEXT] }, key));
      await line.pushMessage({ to: USER, messages: [TEXT] }, key);

      assert.equal(failed.status, 500);
      assert.equal(emulator.inbox(USER).length, 1);
    });

    it('refuses a key that is not a UUID, and any key on reply', async () => {
      const bad = await failure(line.pushMessage({ to: USER, messages: [TEXT] }, 'retry-1'));
      assert.deepEqual(
        [bad.status, bad.body],
        [400, { message: 'The X-Line-Retry-Key header must be a UUID' }],
      );

      const keyed = new messagingApi.MessagingApiClient({
        channelAccessToken: TOKEN,
        baseURL: emulator.url,
        defaultHeaders: { 'X-Line-Retry-Key': randomUUID() },
      });
      const delivery = await emulator.sendText(channel.id, USER, 'hi');
      const reply = await failure(
        keyed.replyMessage({ replyToken: delivery.replyToken!, messages: [TEXT] }),
      );
      assert.deepEqual(
        [reply.status, reply.body],
        [400, { message: 'The X-Line-Retry-Key header is not supported by this API' }],
      );
      assert.equal(emulator.inbox(USER).length, 0);
    });
  });

  describe('webhooks and replies', () => {
    it('delivers a signed text event that a bot can verify and answer once', async () => {
      const delivery = await emulator.sendText(channel.id, USER, '台積電今天為什麼大漲？🍎');
      const { headers, body, signatureValid } = receiver.last();
      const [event] = body.events;

      assert.equal(delivery.status, 200);
      assert.equal(signatureValid, true);
      assert.equal(headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(headers['user-agent'], 'LineBotWebhook/2.0');
      assert.equal(body.destination, channel.botUserId);
      assert.deepEqual(Object.keys(event ?? {}).sort(), [
        'deliveryContext',
        'message',
        'mode',
        'replyToken',
        'source',
        'timestamp',
        'type',
        'webhookEventId',
      ]);
      assert.deepEqual(
        { ...event, message: { ...(event?.message as object), id: 'x', quoteToken: 'q' } },
        {
          type: 'message',
          mode: 'active',
          timestamp: event?.timestamp,
          source: { type: 'user', userId: USER },
          webhookEventId: delivery.webhookEventId,
          deliveryContext: { isRedelivery: false },
          replyToken: delivery.replyToken,
          message: { id: 'x', type: 'text', quoteToken: 'q', text: '台積電今天為什麼大漲？🍎' },
        },
      );
      assert.match(delivery.webhookEventId, /^[0-9A-HJKMNP-TV-Z]{26}$/);

      const answered = await line.replyMessage({
        replyToken: delivery.replyToken!,
        messages: [TEXT],
      });
      assert.equal(answered.sentMessages.length, 1);
      assert.deepEqual(
        emulator.inbox(USER).map((m) => m.via),
        ['reply'],
      );
      const again = await failure(
        line.replyMessage({ replyToken: delivery.replyToken!, messages: [TEXT] }),
      );
      assert.deepEqual(again.body, { message: 'Invalid reply token' });
    });

    it('refuses a reply token it never issued', async () => {
      const refused = await failure(
        line.replyMessage({ replyToken: 'b60d432864f44d079f6d8efe86cf404b', messages: [TEXT] }),
      );

      assert.deepEqual(
        { status: refused.status, body: refused.body },
        {
          status: 400,
          body: { message: 'Invalid reply token' },
        },
      );
    });

    it('redelivers an event unchanged apart from isRedelivery', async () => {
      const first = await emulator.sendText(channel.id, USER, 'hello');
      const original = receiver.last().body.events[0];
      const again = await emulator.redeliver(first.webhookEventId);
      const redelivered = receiver.last();

      assert.equal(again.replyToken, first.replyToken);
      assert.equal(redelivered.signatureValid, true);
      assert.deepEqual(redelivered.body.events[0], {
        ...original,
        deliveryContext: { isRedelivery: true },
      });
    });

    it('sends follow with a reply token, unfollow without, and then skips the user', async () => {
      const user = userId(9001);
      const follow = await emulator.follow(channel.id, user);
      const followEvent = receiver.last().body.events[0];
      await emulator.unfollow(channel.id, user);
      const unfollowEvent = receiver.last().body.events[0];

      assert.equal(followEvent?.replyToken, follow.replyToken);
      assert.deepEqual(followEvent?.follow, { isUnblocked: false });
      assert.equal(unfollowEvent?.type, 'unfollow');
      assert.equal('replyToken' in (unfollowEvent ?? {}), false);

      await line.pushMessage({ to: user, messages: [TEXT] });
      assert.deepEqual(await line.multicast({ to: [user, USER], messages: [TEXT] }), {});
      assert.equal(emulator.inbox(user).length, 0);
      assert.equal(emulator.inbox(USER).length, 1);

      await emulator.follow(channel.id, user);
      assert.deepEqual(receiver.last().body.events[0]?.follow, { isUnblocked: true });
    });

    it('reports a non-2xx answer and a slow one as failed deliveries', async () => {
      receiver.answer = { status: 500, delayMs: 0 };
      const refused = await emulator.sendText(channel.id, USER, 'hi');
      assert.deepEqual([refused.status, refused.reason], [500, 'error_status_code']);

      receiver.answer = { status: 200, delayMs: 600 };
      const slow = await emulator.sendText(channel.id, USER, 'hi');
      assert.deepEqual([slow.status, slow.reason], [0, 'request_timeout']);
    });

    it('sends a raw body byte for byte, and a verification body with no events', async () => {
      const raw = '{"destination":"U0123456789abcdef0123456789abcdef","events":[ ]}';
      assert.equal((await emulator.sendRawWebhook(channel.id, raw)).status, 200);
      assert.equal(receiver.last().raw, raw);
      assert.equal(receiver.last().signatureValid, true);

      await emulator.sendRawWebhook(channel.id, raw, { signature: 'forged' });
      assert.equal(receiver.last().signatureValid, false);

      await emulator.verifyWebhook(channel.id);
      assert.deepEqual(receiver.last().body, { destination: channel.botUserId, events: [] });
    });
  });

  describe('faults', () => {
    it('answers with the injected status and a LINE-shaped body', async () => {
      emulator.setFault({ path: '/v2/bot/message/multicast', status: 500, times: 1 });
      const failed = await failure(line.multicast({ to: [USER], messages: [TEXT] }));

      assert.deepEqual(
        { status: failed.status, body: failed.body },
        {
          status: 500,
          body: { message: 'Internal Server Error' },
        },
      );
      assert.equal(emulator.inbox(USER).length, 0);
      assert.deepEqual(await line.multicast({ to: [USER], messages: [TEXT] }), {});
    });

    it('delivers and then fails a call marked afterProcessing, so its retry gets 409', async () => {
      const key = randomUUID();
      emulator.setFault({
        path: '/v2/bot/message/multicast',
        status: 500,
        times: 1,
        afterProcessing: true,
      });
      const failed = await failure(line.multicast({ to: [USER], messages: [TEXT] }, key));
      const retried = await failure(line.multicast({ to: [USER], messages: [TEXT] }, key));

      assert.equal(failed.status, 500);
      assert.equal(retried.status, 409);
      assert.equal(emulator.inbox(USER).length, 1);
      assert.deepEqual(
        emulator.calls({ path: '/v2/bot/message/multicast' }).map((call) => call.status),
        [500, 409],
      );
    });

    it('delays an answer and can speak for the monthly limit', async () => {
      emulator.setFault({ path: '/v2/bot/info', delayMs: 200, times: 1 });
      const started = performance.now();
      await line.getBotInfo();
      assert.ok(performance.now() - started >= 190);

      emulator.setFault({ status: 429, message: 'You have reached your monthly limit.' });
      const limited = await failure(line.getMessageQuota());
      assert.deepEqual(limited.body, { message: 'You have reached your monthly limit.' });
    });
  });

  describe('control API', () => {
    it('sends a user message and reads the inbox and calls over HTTP', async () => {
      const control = `${emulator.url}/_emulator`;
      const sent = await fetch(`${control}/channels/${channel.id}/users/${USER}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hi' }),
      });
      const delivery = (await sent.json()) as { status: number; replyToken: string };
      assert.equal(delivery.status, 200);
      await line.replyMessage({ replyToken: delivery.replyToken, messages: [TEXT] });

      const inbox = await (
        await fetch(`${control}/users/${USER}/messages?channel_id=${channel.id}`)
      ).json();
      assert.deepEqual(
        (inbox as { messages: { message: unknown }[] }).messages.map((m) => m.message),
        [TEXT],
      );
      const calls = await (await fetch(`${control}/calls?path=/v2/bot/message/reply`)).json();
      assert.deepEqual(
        (calls as { calls: { status: number; channelId: string }[] }).calls.map((c) => [
          c.status,
          c.channelId,
        ]),
        [[200, channel.id]],
      );
    });

    it('sets and clears faults, and resets, over HTTP', async () => {
      const control = `${emulator.url}/_emulator`;
      const set = await fetch(`${control}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: '/v2/bot/message/push', status: 503 }),
      });
      assert.equal(set.status, 201);
      assert.equal((await failure(line.pushMessage({ to: USER, messages: [TEXT] }))).status, 503);

      assert.equal((await fetch(`${control}/faults`, { method: 'DELETE' })).status, 200);
      await line.pushMessage({ to: USER, messages: [TEXT] });
      assert.equal((await fetch(`${control}/reset`, { method: 'POST' })).status, 200);
      assert.deepEqual(emulator.inbox(USER), []);
      assert.deepEqual(emulator.calls(), []);
    });

    it('answers 404 for an unknown channel and 400 for a malformed user id', async () => {
      const control = `${emulator.url}/_emulator`;
      const unknown = await fetch(`${control}/channels/nope/users/${USER}/follow`, {
        method: 'POST',
      });
      const malformed = await fetch(`${control}/channels/${channel.id}/users/bob/follow`, {
        method: 'POST',
      });

      assert.equal(unknown.status, 404);
      assert.deepEqual(await unknown.json(), { error: 'the LINE emulator has no channel nope' });
      assert.equal(malformed.status, 400);
    });

    it('serves the chat page', async () => {
      const page = await fetch(`${emulator.url}/`);

      assert.equal(page.status, 200);
      assert.match(String(page.headers.get('content-type')), /^text\/html/);
      const html = await page.text();
      assert.match(html, /<title>LINE emulator<\/title>/);
      const script = html.slice(
        html.indexOf('<script>') + '<script>'.length,
        html.indexOf('</script>'),
      );
      // Compiling without running it catches a syntax error in the page's script.
      assert.doesNotThrow(() => new Script(script));
    });
  });
});

describe('LINE emulator limits', () => {
  const receiver = new Receiver();
  let emulator: LineEmulator;
  let channel: EmulatorChannel;
  let line: messagingApi.MessagingApiClient;

  before(async () => {
    const webhookUrl = await receiver.start();
    emulator = await startEmulator({
      port: 0,
      replyTokenTtlMs: 100,
      rateLimits: { loading: { limit: 3, windowMs: 60_000 } },
      monthlyQuota: 2,
    });
    channel = emulator.registerChannel({ channelSecret: SECRET, accessToken: TOKEN, webhookUrl });
    line = sdk(emulator);
  });
  after(async () => {
    await emulator.close();
    await receiver.stop();
  });

  it('refuses a reply token after its time is up', async () => {
    const delivery = await emulator.sendText(channel.id, USER, 'hi');
    await sleep(150);
    const refused = await failure(
      line.replyMessage({ replyToken: delivery.replyToken!, messages: [TEXT] }),
    );

    assert.deepEqual(
      { status: refused.status, body: refused.body },
      {
        status: 400,
        body: { message: 'Invalid reply token' },
      },
    );
  });

  it('answers 429 once a burst passes the rate limit', async () => {
    const calls = Array.from({ length: 4 }, () =>
      line.showLoadingAnimation({ chatId: USER, loadingSeconds: 5 }).then(
        () => 202,
        (error: unknown) => (error instanceof HTTPFetchError ? error.status : 0),
      ),
    );
    const statuses = await Promise.all(calls);
    const limited = await failure(line.showLoadingAnimation({ chatId: USER }));

    assert.deepEqual(statuses.sort(), [202, 202, 202, 429]);
    assert.deepEqual(limited.body, {
      message: 'The API rate limit has been exceeded. Try again later.',
    });
  });

  it('counts recipients against the monthly quota, refuses past it, and lets replies through', async () => {
    await line.multicast({ to: [userId(1), userId(2)], messages: [TEXT, TEXT] });
    const refused = await failure(line.pushMessage({ to: userId(3), messages: [TEXT] }));

    assert.equal(refused.status, 429);
    assert.deepEqual(refused.body, { message: 'You have reached your monthly limit.' });
    assert.equal(emulator.inbox(userId(3)).length, 0);
    assert.deepEqual(await line.getMessageQuota(), { type: 'limited', value: 2 });
    assert.deepEqual(await line.getMessageQuotaConsumption(), { totalUsage: 2 });

    const delivery = await emulator.sendText(channel.id, userId(3), 'hi');
    await line.replyMessage({ replyToken: delivery.replyToken!, messages: [TEXT] });
    assert.equal(emulator.inbox(userId(3)).length, 1);

    emulator.setMonthlyQuota(channel.id, undefined);
    await line.pushMessage({ to: userId(3), messages: [TEXT] });
    assert.deepEqual(await line.getMessageQuotaConsumption(), { totalUsage: 3 });
  });
});
