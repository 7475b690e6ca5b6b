import type { WebhookItem } from '../../../src/local-nexus/store.js';
import type { TestNexus } from '../../helpers/local-nexus.js';
import type { SeededRandom } from './seeded-random.js';

const SOURCES = ['github', 'stripe', 'linear', 'calendar'];
// Sources and ids chosen by strangers: the inbox file name has to be made safe for these.
const ODD_SOURCES = ['a/b', '.hidden', 'with space', 'ünïcødé', 'x'.repeat(180), 'back\\slash'];

/**
 * Adds `count` pending webhook items for `agentId`: mostly ordinary sources, some awkward
 * ones, ids shaped like the ones Nexus makes and some chosen by senders, payloads from a few
 * bytes to a few hundred KiB. They go straight into the local Nexus store: the HTTP ingest
 * route is not what these trials test, and 200 requests a trial would cost a second of CPU.
 * Answers the items as Nexus lists them.
 */
export function ingestWebhookBackfill(
  random: SeededRandom,
  nexus: TestNexus,
  agentId: string,
  count: number,
): WebhookItem[] {
  for (let index = 0; index < count; index += 1) {
    const source = random.chance(0.1) ? random.pick(ODD_SOURCES) : random.pick(SOURCES);
    const receivedAt = new Date().toISOString();
    const id = random.chance(0.3)
      ? chosenId(random, agentId, index)
      : `${receivedAt}_${random.hex(12)}`;
    const payload = payloadFor(random, index);
    if (!nexus.store.addWebhookItem({ id, agentId, source, receivedAt, payload })) {
      throw new Error(`webhook item id ${JSON.stringify(id)} exists already on the local Nexus`);
    }
  }

  const items = nexus.pendingItems(agentId);
  if (items.length !== count) {
    throw new Error(`ingested ${count} webhook items for ${agentId}, Nexus lists ${items.length}`);
  }
  return items;
}

/** Ids are unique across agents on Nexus, so a sender's id carries the agent id. */
function chosenId(random: SeededRandom, agentId: string, index: number): string {
  const plain = `${agentId}-evt-${index}`;
  if (random.chance(0.7)) return plain;
  const long = `${plain}-${'z'.repeat(240)}`;
  return random.pick([`../${plain}`, `${plain}/part`, `${plain} ü`, long]);
}

function payloadFor(random: SeededRandom, index: number): unknown {
  const roll = random.next();
  if (roll < 0.05) return null;
  if (roll < 0.1) return `plain text ${index}`;

  const bytes = roll < 0.98 ? random.logUniform(2, 8 * 1024) : random.logUniform(64e3, 512e3);
  return {
    event: random.pick(['push', 'charge.succeeded', 'issue.created']),
    index,
    note: 'é🙂'.repeat(random.int(0, 3)),
    body: random.hex(Math.round(bytes)),
  };
}
