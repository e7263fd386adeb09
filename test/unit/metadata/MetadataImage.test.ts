/**
 * The metadata image replays KRaft records with Kafka 3.7's delta rules, reports what changed, clones deeply, and
 * writes itself back as records (a snapshot's content) that rebuild the same image through the real serde.
 */
import { expect } from 'chai';
import { ConfigResourceType, MetadataImage, MetadataReplayError } from '../../../src/metadata/image/MetadataImage';
import { imageToRecords } from '../../../src/metadata/image/MetadataImageWriter';
import { ApiMessageAndVersion, METADATA_RECORD_SERDE } from '../../../src/metadata/MetadataRecordSerde';
import { MetadataRecordTypeId as T } from '../../../src/metadata/records/MetadataRecordType';

const TOPIC_ID = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
const rec = (type: number, version: number, data: Record<string, unknown>): ApiMessageAndVersion => ({ type, version, data });

function broker(id: number, epoch: number): ApiMessageAndVersion {
  return rec(T.REGISTER_BROKER, 3, {
    brokerId: id,
    isMigratingZkBroker: false,
    incarnationId: Buffer.alloc(16, id),
    brokerEpoch: epoch,
    endPoints: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9091 + id, securityProtocol: 0 }],
    features: [{ name: 'metadata.version', minSupportedVersion: 1, maxSupportedVersion: 19 }],
    rack: null,
    fenced: true,
    inControlledShutdown: false,
    logDirs: [],
  });
}

function baseImage(): MetadataImage {
  const img = new MetadataImage();
  img.replay(rec(T.FEATURE_LEVEL, 0, { name: 'metadata.version', featureLevel: 19 }));
  for (const id of [1, 2, 3]) img.replay(broker(id, 10 + id));
  img.replay(rec(T.TOPIC, 0, { name: 'orders', topicId: TOPIC_ID }));
  img.replay(
    rec(T.PARTITION, 1, {
      partitionId: 0,
      topicId: TOPIC_ID,
      replicas: [1, 2, 3],
      isr: [1, 2, 3],
      removingReplicas: [],
      addingReplicas: [],
      leader: 1,
      leaderEpoch: 0,
      partitionEpoch: 0,
      directories: [Buffer.alloc(16, 9), Buffer.alloc(16, 8), Buffer.alloc(16, 7)],
    }),
  );
  return img;
}

describe('MetadataImage', () => {
  it('registers brokers fenced, unfences and fences them by epoch, and clears controlled shutdown on unfence', () => {
    const img = baseImage();
    expect(img.brokers.get(2)!.fenced).to.equal(true);
    img.replay(rec(T.UNFENCE_BROKER, 0, { id: 2, epoch: 12 }));
    expect(img.unfencedBrokers().map((b) => b.id)).to.deep.equal([2]);
    img.replay(rec(T.BROKER_REGISTRATION_CHANGE, 2, { brokerId: 2, brokerEpoch: 12, fenced: 0, inControlledShutdown: 1 }));
    expect(img.brokers.get(2)!.inControlledShutdown).to.equal(true);
    img.replay(rec(T.BROKER_REGISTRATION_CHANGE, 2, { brokerId: 2, brokerEpoch: 12, fenced: 1, inControlledShutdown: 0 }));
    expect(img.brokers.get(2)!.fenced).to.equal(true);
    img.replay(rec(T.UNFENCE_BROKER, 0, { id: 2, epoch: 12 }));
    expect(img.brokers.get(2)!.inControlledShutdown).to.equal(false);
    expect(() => img.replay(rec(T.FENCE_BROKER, 0, { id: 2, epoch: 99 }))).to.throw(MetadataReplayError, /epoch 99/);
    img.replay(rec(T.UNREGISTER_BROKER, 0, { brokerId: 3, brokerEpoch: 13 }));
    expect([...img.brokers.keys()]).to.deep.equal([1, 2]);
  });

  it('merges PartitionChangeRecords as PartitionRegistration.merge: a new leader bumps the leader epoch, every change the partition epoch', () => {
    const img = baseImage();
    img.takeChanges();
    img.replay(rec(T.PARTITION_CHANGE, 1, { partitionId: 0, topicId: TOPIC_ID, isr: [1, 2], leader: -2 }));
    let p = img.partition('orders', 0)!;
    expect([p.leader, p.leaderEpoch, p.partitionEpoch, p.isr]).to.deep.equal([1, 0, 1, [1, 2]]);
    img.replay(rec(T.PARTITION_CHANGE, 1, { partitionId: 0, topicId: TOPIC_ID, leader: 2, isr: [2] }));
    p = img.partition('orders', 0)!;
    expect([p.leader, p.leaderEpoch, p.partitionEpoch, p.isr]).to.deep.equal([2, 1, 2, [2]]);
    // A reassignment keeps the directories of the replicas that stay; new ones are unassigned.
    img.replay(rec(T.PARTITION_CHANGE, 1, { partitionId: 0, topicId: TOPIC_ID, replicas: [2, 4], leader: -2 }));
    p = img.partition('orders', 0)!;
    expect(p.directories.map((d) => d[0])).to.deep.equal([8, 0]);
    const changes = img.takeChanges();
    expect([...changes.topics]).to.deep.equal([TOPIC_ID.toString('hex')]);
    expect(img.takeChanges().topics.size).to.equal(0);
  });

  it('removes a topic with its configs and reports it deleted; a null ConfigRecord value deletes the key', () => {
    const img = baseImage();
    img.replay(rec(T.CONFIG, 0, { resourceType: ConfigResourceType.TOPIC, resourceName: 'orders', name: 'retention.ms', value: '1000' }));
    img.replay(rec(T.CONFIG, 0, { resourceType: ConfigResourceType.BROKER, resourceName: '', name: 'log.cleaner.threads', value: '2' }));
    expect(img.configsOf(ConfigResourceType.TOPIC, 'orders').get('retention.ms')).to.equal('1000');
    img.takeChanges();
    img.replay(rec(T.REMOVE_TOPIC, 0, { topicId: TOPIC_ID }));
    const c = img.takeChanges();
    expect(c.deletedTopics.map((t) => t.name)).to.deep.equal(['orders']);
    expect([...c.configs]).to.deep.equal(['2:orders']);
    expect(img.topicsByName.size).to.equal(0);
    expect(img.configsOf(ConfigResourceType.TOPIC, 'orders').size).to.equal(0);
    img.replay(rec(T.CONFIG, 0, { resourceType: ConfigResourceType.BROKER, resourceName: '', name: 'log.cleaner.threads', value: null }));
    expect(img.configs.has('4:')).to.equal(false);
    expect(() => img.replay(rec(T.PARTITION_CHANGE, 1, { partitionId: 0, topicId: TOPIC_ID, leader: 1 }))).to.throw(MetadataReplayError, /unknown topic id/);
  });

  it('clones deeply: changing the clone leaves the original as it was', () => {
    const img = baseImage();
    const copy = img.clone();
    copy.replay(rec(T.PARTITION_CHANGE, 1, { partitionId: 0, topicId: TOPIC_ID, leader: 3, isr: [3] }));
    copy.replay(rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 11 }));
    expect(img.partition('orders', 0)!.leader).to.equal(1);
    expect(img.partition('orders', 0)!.isr).to.deep.equal([1, 2, 3]);
    expect(img.brokers.get(1)!.fenced).to.equal(true);
    expect(copy.partition('orders', 0)!.leaderEpoch).to.equal(1);
  });

  it('writes itself as records, in Kafka order and at the versions of its metadata.version, that rebuild the same image', () => {
    const img = baseImage();
    img.replay(rec(T.UNFENCE_BROKER, 0, { id: 1, epoch: 11 }));
    img.replay(rec(T.CONFIG, 0, { resourceType: ConfigResourceType.TOPIC, resourceName: 'orders', name: 'cleanup.policy', value: 'compact' }));
    img.replay(rec(T.PRODUCER_IDS, 0, { brokerId: 1, brokerEpoch: 11, nextProducerId: 2000 }));
    const records = imageToRecords(img);
    expect(records[0]).to.deep.include({ type: T.FEATURE_LEVEL });
    expect(records.map((r) => r.type)).to.deep.equal([
      T.FEATURE_LEVEL,
      T.ZK_MIGRATION_STATE,
      T.REGISTER_BROKER,
      T.REGISTER_BROKER,
      T.REGISTER_BROKER,
      T.TOPIC,
      T.PARTITION,
      T.CONFIG,
      T.PRODUCER_IDS,
    ]);
    expect(records.find((r) => r.type === T.PARTITION)!.version).to.equal(1);
    const rebuilt = new MetadataImage();
    for (const r of records) rebuilt.replay(METADATA_RECORD_SERDE.read(METADATA_RECORD_SERDE.write(r)));
    expect(imageToRecords(rebuilt).map((r) => METADATA_RECORD_SERDE.write(r).toString('hex'))).to.deep.equal(
      records.map((r) => METADATA_RECORD_SERDE.write(r).toString('hex')),
    );
    expect(rebuilt.partition('orders', 0)).to.deep.equal(img.partition('orders', 0));
    expect(rebuilt.brokers.get(1)).to.deep.equal(img.brokers.get(1));
    expect(rebuilt.producerIds.nextProducerId).to.equal(2000);
  });
});
