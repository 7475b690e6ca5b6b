/**
 * Puts webhook items in front of an agent through the local Nexus's ingest endpoint, as
 * external services would: a few sources, payloads of a few hundred bytes.
 */
import { BENCH_API_KEY } from '../process/nexus-process.js';
import { seededRandom, type Random } from './random.js';

const SOURCES = ['putio', 'github', 'stripe', 'calendar'];
const SEED_CONCURRENCY = 8;

function payloadFor(source: string, index: number, random: Random): unknown {
  switch (source) {
    case 'putio':
      return {
        transfer_id: 100_000 + index,
        status: random.pick(['COMPLETED', 'ERROR', 'SEEDING']),
        name: `Some.Show.S0${random.int(1, 9)}E${random.int(10, 24)}.1080p.mkv`,
        size: random.int(100_000_000, 4_000_000_000),
      };
    case 'github':
      return {
        action: random.pick(['opened', 'closed', 'synchronize']),
        number: index,
        pull_request: { title: `Fix the build on ${random.uuid()}`, user: { login: 'ada' } },
        repository: { full_name: 'example/project' },
      };
    case 'stripe':
      return {
        id: `evt_${random.uuid()}`,
        type: 'invoice.paid',
        data: { object: { amount_paid: random.int(100, 99_999), currency: 'eur' } },
      };
    default:
      return {
        event: 'reminder',
        title: `Reunión con Jordan — ${random.int(1, 28)} de junio`,
        startsAt: new Date(Date.UTC(2026, 5, random.int(1, 28))).toISOString(),
      };
  }
}

/** Posts `count` items for `agentId`; answers the seconds it took. */
export async function seedWebhookItems(
  url: string,
  agentId: string,
  count: number,
): Promise<number> {
  const random = seededRandom(31);
  const begin = performance.now();
  let next = 0;

  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      const source = SOURCES[index % SOURCES.length] as string;
      const response = await fetch(`${url}/webhook/${agentId}/${source}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-functions-key': BENCH_API_KEY },
        body: JSON.stringify(payloadFor(source, index, random)),
      });
      await response.text();
      if (response.status !== 201) {
        throw new Error(`seeding webhook item ${index}: Nexus answered HTTP ${response.status}`);
      }
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, lane));
  return (performance.now() - begin) / 1000;
}
