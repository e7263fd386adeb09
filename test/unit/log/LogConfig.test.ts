import { expect } from 'chai';
import { CompressionType } from '../../../src/protocol/records/compression';
import { KafkaConfig } from '../../../src/server/config/KafkaConfig';
import { logConfigWithOverrides } from '../../../src/server/config/DynamicConfigManager';

const broker = (props: Record<string, string> = {}) => KafkaConfig.fromProps({ 'zookeeper.connect': 'localhost:2181', ...props }).logConfig();

/** LogConfig.fromProps: the typed fields the produce path reads per batch, derived once per config change. */
describe('log: LogConfig typed fields (broker defaults, then topic overrides)', () => {
  it('derives Kafka defaults: CreateTime, delete policy, producer compression, min.insync.replicas 1', () => {
    const c = logConfigWithOverrides(broker(), {});
    expect([c.timestampType, c.compact, c.deletePolicy, c.targetCodec, c.minInSyncReplicas]).to.deep.equal(['CreateTime', false, true, null, 1]);
  });

  it('honours the broker defaults log.message.timestamp.type, log.cleanup.policy, compression.type', () => {
    const c = logConfigWithOverrides(
      broker({ 'log.message.timestamp.type': 'LogAppendTime', 'log.cleanup.policy': 'compact', 'compression.type': 'lz4', 'min.insync.replicas': '2' }),
      {},
    );
    expect([c.timestampType, c.compact, c.deletePolicy, c.targetCodec, c.minInSyncReplicas]).to.deep.equal([
      'LogAppendTime',
      true,
      false,
      CompressionType.LZ4,
      2,
    ]);
  });

  it('topic overrides win over the broker defaults', () => {
    const b = broker({ 'log.message.timestamp.type': 'LogAppendTime' });
    const c = logConfigWithOverrides(b, {
      'message.timestamp.type': 'CreateTime',
      'cleanup.policy': 'compact,delete',
      'compression.type': 'zstd',
      'min.insync.replicas': '3',
      'segment.bytes': '2048',
    });
    expect([c.timestampType, c.compact, c.deletePolicy, c.targetCodec, c.minInSyncReplicas, c.segmentBytes]).to.deep.equal([
      'CreateTime',
      true,
      true,
      CompressionType.ZSTD,
      3,
      2048,
    ]);
    expect(logConfigWithOverrides(broker(), { 'message.timestamp.type': 'LogAppendTime' }).timestampType).to.equal('LogAppendTime');
  });
});
