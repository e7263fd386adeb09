import { expect } from 'chai';
import { ErrorCode } from '../../../../src/protocol/errors';
import { createTopicRequest, registerBrokers, startEnv } from './ControllerTestEnv';

const TOPIC = 2;
const BROKER = 4;

describe('QuorumController: configs, producer ids, features', () => {
  async function setup() {
    const env = await startEnv({ overrides: { validateTopicConfig: (name) => (name === 'bogus' ? 'Unknown topic config name: bogus' : null) } });
    const c = env.c();
    const epochs = await registerBrokers(c, [1]);
    await c.createTopics(createTopicRequest('t', 1, 1), 7);
    return { env, c, epochs, cfg: (key: string) => Object.fromEntries(c.image().configs.get(key) ?? new Map()) };
  }

  it('IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT (LIST keys only), validateOnly', async () => {
    const { c, cfg } = await setup();
    const op = (configs: Array<{ name: string; configOperation: number; value: string | null }>, validateOnly = false, resourceName = 't') =>
      c.incrementalAlterConfigs({ resources: [{ resourceType: TOPIC, resourceName, configs }], validateOnly }, 1);
    let r = await op([
      { name: 'retention.ms', configOperation: 0, value: '1000' },
      { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
    ]);
    expect(r.responses).to.deep.equal([{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 't' }]);
    // APPEND starts from the key's default (delete).
    expect(cfg('2:t')).to.deep.equal({ 'retention.ms': '1000', 'cleanup.policy': 'delete,compact' });
    await op([{ name: 'cleanup.policy', configOperation: 3, value: 'delete' }]);
    expect(cfg('2:t')['cleanup.policy']).to.equal('compact');
    await op([{ name: 'retention.ms', configOperation: 1, value: null }]);
    expect(cfg('2:t')).to.deep.equal({ 'cleanup.policy': 'compact' });
    r = await op([{ name: 'retention.ms', configOperation: 2, value: '5' }]);
    expect(r.responses[0]).to.deep.include({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Can't APPEND to key retention.ms because its type is not LIST.",
    });
    r = await op([{ name: 'bogus', configOperation: 0, value: '1' }]);
    expect(r.responses[0]).to.deep.include({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Unknown topic config name: bogus' });
    r = await op([{ name: 'retention.ms', configOperation: 0, value: '1' }], false, 'missing');
    expect(r.responses[0]).to.deep.include({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: "The topic 'missing' does not exist." });
    r = await op([{ name: 'cleanup.policy', configOperation: 2, value: null }]);
    expect(r.responses[0]).to.deep.include({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Null value not supported for : cleanup.policy' });
    await op([{ name: 'retention.ms', configOperation: 0, value: '77' }], true);
    expect(cfg('2:t')['retention.ms']).to.equal(undefined);
  });

  it('broker configs: the cluster default and a registered broker; unknown brokers and bad names are refused', async () => {
    const { c, cfg } = await setup();
    const r = await c.incrementalAlterConfigs(
      {
        resources: [
          { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', configOperation: 0, value: '5000' }] },
          { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.cleaner.threads', configOperation: 0, value: '2' }] },
          { resourceType: BROKER, resourceName: '9', configs: [{ name: 'log.cleaner.threads', configOperation: 0, value: '2' }] },
          { resourceType: BROKER, resourceName: 'x', configs: [{ name: 'log.cleaner.threads', configOperation: 0, value: '2' }] },
        ],
        validateOnly: false,
      },
      1,
    );
    expect(r.responses.map((x) => [x.resourceName, x.errorCode, x.errorMessage])).to.deep.equal([
      ['', 0, null],
      ['1', 0, null],
      ['9', ErrorCode.BROKER_ID_NOT_REGISTERED, 'No broker with id 9 found.'],
      ['x', ErrorCode.INVALID_REQUEST, 'Unable to parse broker name as a base 10 number.'],
    ]);
    expect(cfg('4:')).to.deep.equal({ 'log.retention.ms': '5000' });
    expect(cfg('4:1')).to.deep.equal({ 'log.cleaner.threads': '2' });
  });

  it('legacy AlterConfigs replaces the whole set; unclean.leader.election.enable is read from it', async () => {
    const { c, cfg } = await setup();
    await c.incrementalAlterConfigs(
      { resources: [{ resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.ms', configOperation: 0, value: '1' }] }], validateOnly: false },
      1,
    );
    const r = await c.legacyAlterConfigs(
      { resources: [{ resourceType: TOPIC, resourceName: 't', configs: [{ name: 'unclean.leader.election.enable', value: 'true' }] }], validateOnly: false },
      2,
    );
    expect(r.responses[0].errorCode).to.equal(0);
    expect(cfg('2:t')).to.deep.equal({ 'unclean.leader.election.enable': 'true' });
  });

  it('AllocateProducerIds hands out consecutive blocks of 1000 and checks the broker epoch', async () => {
    const { c, epochs } = await setup();
    const a = await c.allocateProducerIds({ brokerId: 1, brokerEpoch: epochs.get(1)! });
    const b = await c.allocateProducerIds({ brokerId: 1, brokerEpoch: epochs.get(1)! });
    expect([a.producerIdStart, a.producerIdLen, b.producerIdStart]).to.deep.equal([0, 1000, 1000]);
    expect(c.image().producerIds.nextProducerId).to.equal(2000);
    const stale = await c.allocateProducerIds({ brokerId: 1, brokerEpoch: 12345 });
    expect(stale).to.deep.equal({ throttleTimeMs: 0, errorCode: ErrorCode.STALE_BROKER_EPOCH, producerIdStart: 0, producerIdLen: 0 });
  });

  it('UpdateFeatures: refuses what the controller or a broker does not support, and a metadata.version downgrade', async () => {
    const { c } = await setup();
    const r = await c.updateFeatures(
      {
        timeoutMs: 1,
        validateOnly: false,
        featureUpdates: [
          { feature: 'metadata.version', maxVersionLevel: 14, allowDowngrade: false, upgradeType: 2 },
          { feature: 'unknown.feature', maxVersionLevel: 1, allowDowngrade: false, upgradeType: 1 },
        ],
      },
      1,
    );
    expect(r.results).to.deep.equal([
      {
        feature: 'metadata.version',
        errorCode: ErrorCode.INVALID_UPDATE_VERSION,
        errorMessage: 'Invalid metadata.version 14. Refusing to perform the requested downgrade because it might delete metadata information.',
      },
      {
        feature: 'unknown.feature',
        errorCode: ErrorCode.INVALID_UPDATE_VERSION,
        errorMessage: 'Invalid update version 1 for feature unknown.feature. Local controller 3001 does not support this feature.',
      },
    ]);
    const up = await c.updateFeatures(
      { timeoutMs: 1, validateOnly: false, featureUpdates: [{ feature: 'metadata.version', maxVersionLevel: 14, allowDowngrade: false, upgradeType: 1 }] },
      1,
    );
    expect(up.results[0].errorMessage).to.equal(
      "Invalid update version 14 for feature metadata.version. Can't downgrade the version of this feature without setting the upgrade type to either safe or unsafe downgrade.",
    );
    expect(c.image().metadataVersion()).to.equal(19);
  });
});
