/** What the lessons ask the cluster through a real client (kafkajs admin), never through broker internals. */
import type { LessonContext } from '../../Lesson';

/** host:port of the live brokers other than `except`, for commands shown after a broker died (no connection-refused noise). */
export async function liveBootstrap(ctx: LessonContext, except: number[] = []): Promise<string> {
  const admin = ctx.kafka('lesson-admin').admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    const live = brokers.filter((b) => !except.includes(b.nodeId)).map((b) => `${b.host}:${b.port}`);
    return live.length > 0 ? live.join(',') : ctx.bootstrap;
  } finally {
    await admin.disconnect();
  }
}
