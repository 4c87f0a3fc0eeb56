/**
 * An OpenAI-compatible chat server on loopback, standing in for the AI
 * provider in tests. It serves `POST /v1/chat/completions` (plain JSON, or
 * server-sent events when the request asks for `stream: true`) and records
 * every request body.
 *
 *   const ai = await startAiServer({ answer: (request) => `echo: ${lastUserText(request)}` });
 *   // LLM_PROVIDER=openai-compatible LLM_BASE_URL=${ai.url} LLM_MODEL=test-model
 *   ai.requests[0].messages            // what the model was sent
 *   ai.setBehaviour({ failStatus: 500 }); // later requests fail
 *   await ai.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ChatMessage {
  readonly role: string;
  /** A string, or content parts (`[{type: 'text', text}]`) from some clients. */
  readonly content: unknown;
}

export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly stream?: boolean;
  readonly [field: string]: unknown;
}

export interface AiBehaviour {
  /** The assistant's text for a request; by default `AI: <the last user message>`. */
  answer?: (request: ChatRequest) => string;
  /** Milliseconds before answering (to make the client time out). */
  delayMs?: number;
  /** Answer with this HTTP status and an OpenAI-style error body instead. */
  failStatus?: number;
}

export interface AiServer {
  /** The API root, `http://127.0.0.1:<port>/v1`: what LLM_BASE_URL takes. */
  readonly url: string;
  /** Every chat request body received, oldest first. */
  readonly requests: ChatRequest[];
  /** Most requests that were being answered at one time. */
  readonly peakConcurrency: number;
  setBehaviour(change: AiBehaviour): void;
  close(): Promise<void>;
}

/** The text of a message, whether its content is a string or text parts. */
export function messageText(message: ChatMessage | undefined): string {
  const content = message?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';

  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string'
        ? part.text
        : '',
    )
    .join('');
}

export function systemText(request: ChatRequest): string {
  return request.messages
    .filter((message) => message.role === 'system')
    .map(messageText)
    .join('\n');
}

export function lastUserText(request: ChatRequest): string {
  return messageText(request.messages.findLast((message) => message.role === 'user'));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function completion(request: ChatRequest, text: string) {
  return {
    id: `chatcmpl-test-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

function sendStream(res: ServerResponse, request: ChatRequest, text: string): void {
  const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', model: request.model };
  const chunks = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: text } }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
  ];
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const chunk of chunks) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  res.end('data: [DONE]\n\n');
}

const defaultAnswer = (request: ChatRequest) => `AI: ${lastUserText(request)}`;

export async function startAiServer(initial: AiBehaviour = {}): Promise<AiServer> {
  let behaviour: AiBehaviour = { ...initial };
  const requests: ChatRequest[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let peak = 0;

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      sendJson(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });

      return;
    }
    const request = JSON.parse(await readBody(req)) as ChatRequest;
    requests.push(request);
    const { delayMs = 0, failStatus, answer = defaultAnswer } = behaviour;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (res.destroyed) return;
    if (failStatus !== undefined) {
      sendJson(res, failStatus, { error: { message: 'test failure', type: 'server_error' } });
    } else if (request.stream === true) {
      sendStream(res, request, answer(request));
    } else {
      sendJson(res, 200, completion(request, answer(request)));
    }
  }

  const server = createServer((req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    respond(req, res)
      .catch(() => {
        if (!res.headersSent) sendJson(res, 400, { error: { message: 'bad request' } });
      })
      .finally(() => inFlight--);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get peakConcurrency() {
      return peak;
    },
    setBehaviour(change) {
      behaviour = { ...behaviour, ...change };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
