/**
 * A small chat page at `/` for trying a channel by hand: pick a channel, be a LINE user, send
 * text, and watch what the bot sends back. It only uses the `/_emulator/` control API.
 */
import type { FastifyPluginAsync } from 'fastify';

/** A made-up user id in LINE's format, the same one the samples use. */
export const DEMO_USER_ID = 'U4af4980629a1b2c3d4e5f60718293a4b';

const SCRIPT = String.raw`
const $ = (id) => document.getElementById(id);
const sent = [];

async function call(method, path, body) {
  const init = body === undefined ? { method } : {
    method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  };
  const res = await fetch(path, init);
  return { ok: res.ok, body: await res.json() };
}

function chatPath(suffix) {
  const channel = encodeURIComponent($('channel').value);
  const user = encodeURIComponent($('user').value);
  return '/_emulator/channels/' + channel + '/users/' + user + '/' + suffix;
}

async function loadChannels() {
  const { body } = await call('GET', '/_emulator/channels');
  $('channel').replaceChildren(
    ...body.channels.map((c) => new Option(c.basicId + ' (' + c.id + ')', c.id)),
  );
}

function line(item) {
  const li = document.createElement('li');
  li.className = item.who;
  li.textContent = item.text;
  return li;
}

async function refresh() {
  const user = $('user').value;
  const channel = $('channel').value;
  if (!channel) return;
  const query = '?channel_id=' + encodeURIComponent(channel);
  const { body } = await call('GET', '/_emulator/users/' + encodeURIComponent(user) + '/messages' + query);
  const received = (body.messages || []).map((m) => ({
    at: m.at, who: 'bot', text: m.message.type === 'text' ? m.message.text : '[' + m.message.type + ']',
  }));
  const mine = sent.filter((m) => m.user === user && m.channel === channel);
  const items = [...mine, ...received].sort((a, b) => a.at.localeCompare(b.at));
  $('chat').replaceChildren(...items.map(line));
}

async function act(suffix, body) {
  const { ok, body: result } = await call('POST', chatPath(suffix), body);
  $('status').textContent = ok
    ? 'webhook answered ' + result.status + ' in ' + result.durationMs + ' ms'
    : result.error;
  await refresh();
}

$('send').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('text').value;
  sent.push({ at: new Date().toISOString(), who: 'me', text, user: $('user').value, channel: $('channel').value });
  $('text').value = '';
  await act('messages', { text });
});
$('follow').addEventListener('click', () => act('follow'));
$('unfollow').addEventListener('click', () => act('unfollow'));
loadChannels().then(refresh);
setInterval(refresh, 1000);
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>LINE emulator</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; }
  label, input, select, button { font-size: 1rem; }
  form { display: grid; gap: .5rem; margin-bottom: .5rem; }
  #chat { list-style: none; padding: 0; display: grid; gap: .4rem; }
  #chat li { padding: .4rem .7rem; border-radius: .8rem; max-width: 80%; white-space: pre-wrap; }
  #chat .bot { background: #eee; justify-self: start; }
  #chat .me { background: #06c755; color: #fff; justify-self: end; }
  #status { color: #666; }
</style>
</head>
<body>
<h1>LINE emulator</h1>
<form id="send">
  <label>Channel <select id="channel"></select></label>
  <label>LINE user id <input id="user" size="34" value="${DEMO_USER_ID}"></label>
  <span><input id="text" placeholder="Type a message" required autocomplete="off"> <button>Send</button></span>
</form>
<button id="follow" type="button">Follow</button>
<button id="unfollow" type="button">Unfollow (block)</button>
<p id="status"></p>
<ol id="chat"></ol>
<script>${SCRIPT}</script>
</body>
</html>
`;

export const uiRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
};
