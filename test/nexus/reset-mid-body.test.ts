import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';

import { readTranscript } from '../../src/jobs/session-upload/read-transcript.js';
import { NexusClient } from '../../src/nexus/client.js';
import { createLogger } from '../../src/worker/logger.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const KEY = 'reset-mid-body-key-0f3a';

/** How many of this process's file descriptors are open on `file`. */
function descriptorsOn(file: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

test('a connection reset halfway through the body leaves the transcript closed',
  { skip: !existsSync('/proc/self/fd') && 'needs /proc/self/fd' },
  async (t) => {
    // Takes the headers and part of the body, then resets: a load balancer dropping the link.
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      let received = 0;
      let continued = false;
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (!continued && chunk.includes('\r\n\r\n')) {
          continued = true;
          socket.write('HTTP/1.1 100 Continue\r\n\r\n');
        }
        if (received > 512 * 1024 && !socket.destroyed) socket.resetAndDestroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { port } = server.address() as AddressInfo;
    const dir = await makeTempDir(t);
    const file = path.join(dir, '60480e1e-6d95-473d-8adf-d5816f52e268.jsonl');
    await writeFile(file, `${'{"type":"message","text":"hello"}\n'.repeat(100_000)}`);
    const client = new NexusClient({
      baseUrl: `http://127.0.0.1:${port}/api`,
      apiKey: KEY,
      log: createLogger({ verbose: true, write: () => undefined, secrets: [KEY] }),
      timeoutMs: 5000,
      retry: { retries: 0 },
    });

    for (let attempt = 0; attempt < 5; attempt += 1) {
      const transcript = await readTranscript(file, { compressed: false, maxBytes: 1e8 });
      await assert.rejects(
        client.uploadSession({
          agentId: 'main',
          sessionId: '60480e1e-6d95-473d-8adf-d5816f52e268',
          fileName: path.basename(file),
          sha256: transcript.sha256,
          transcript,
        }),
        /ECONNRESET/,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));

    assert.equal(descriptorsOn(file), 0, 'failed uploads left the transcript open');
  },
);
