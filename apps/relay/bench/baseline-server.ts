import Fastify from 'fastify';

// The benchmark's baseline: bare Fastify with an in-memory array, the same routes and bodies as
// the relay, no auth, no schema, no durability. Prints its port on stdout.

type Msg = { seq: number; id: string; from: string; receivedAt: number; envelope: string };
const log: Msg[] = [];
const app = Fastify({ logger: false });

app.post('/v1/messages', async (request) => {
  const body = request.body as { id: string; to: string[]; envelope: string };
  log.push({
    seq: log.length + 1,
    id: body.id,
    from: '1',
    receivedAt: Date.now(),
    envelope: body.envelope,
  });
  return { id: body.id, recipients: body.to, duplicate: false };
});

app.get('/v1/inboxes/:party/messages', async (request) => {
  const q = request.query as { after?: string; limit?: string };
  const after = Number(q.after ?? 0);
  const limit = Number(q.limit ?? 100);
  const messages = log.slice(after, after + limit);
  return { messages, cursor: 0, next: messages.at(-1)?.seq ?? after };
});

await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address();
console.log(JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 }));
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
