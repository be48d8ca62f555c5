// One dedicated PostgreSQL connection that LISTENs on a channel and hands each notification
// to a callback. If the connection drops it reconnects (1 s apart) and calls `onReconnect`
// once it listens again, so the owner can catch up on what it missed meanwhile.
import pg from "pg";
import type { Logger } from "pino";

export interface PgListener {
  stop: () => Promise<void>;
}

export async function listenOn(opts: {
  url: string;
  channel: string;
  log: Logger;
  onNotification: (payload: string) => void;
  onReconnect?: () => void;
  retryMs?: number;
}): Promise<PgListener> {
  if (!/^[a-z_][a-z0-9_]*$/.test(opts.channel)) throw new Error(`bad channel ${opts.channel}`);
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const listen = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: opts.url });
    c.on("notification", (n) => {
      if (n.channel === opts.channel && n.payload) opts.onNotification(n.payload);
    });
    c.on("error", (err) => {
      opts.log.warn({ err, channel: opts.channel }, "listener lost its connection; reconnecting");
      reconnect();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${opts.channel}`);
    } catch (err) {
      await c.end().catch(() => undefined);
      throw err;
    }
    if (stopped) return void (await c.end().catch(() => undefined));
    client = c;
  };
  const reconnect = () => {
    const old = client;
    client = undefined;
    void old?.end().catch(() => undefined);
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      listen().then(
        () => {
          if (!stopped) opts.onReconnect?.();
        },
        (err: unknown) => {
          opts.log.warn({ err, channel: opts.channel }, "listener could not reconnect");
          reconnect();
        },
      );
    }, opts.retryMs ?? 1_000);
    retry.unref();
  };

  await listen();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}
