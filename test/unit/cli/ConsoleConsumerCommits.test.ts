import { expect } from 'chai';
import { ConsumedPositions } from '../../../src/cli/ConsumedPositions';
import { buildConsumerSettings } from '../../../src/cli/ConsoleConsumerConfig';
import { CommandError } from '../../../src/cli/CommandUtils';

describe('kafka-console-consumer: positions to commit and consumer properties', () => {
  it('a partition is committed after its last printed record, or at its first handed-out record if none was printed', () => {
    const p = new ConsumedPositions();
    p.handedOut('t', 0, '0');
    p.printed('t', 0, '1');
    p.printed('t', 0, '2');
    p.printed('t', 0, '3');
    // Handed out again later (the rest of a fetch): the printed position stands.
    p.handedOut('t', 0, '3');
    p.handedOut('t', 1, '5');
    p.handedOut('t', 2, null);
    expect(p.toCommit()).to.deep.equal([
      { topic: 't', partition: 0, offset: '3' },
      { topic: 't', partition: 1, offset: '5' },
    ]);
    expect(p.unknown({ t: [0, 1, 2], u: [0] })).to.deep.equal([
      { topic: 't', partition: 2 },
      { topic: 'u', partition: 0 },
    ]);
    // A rebalance took partition 1 away: its new owner commits it.
    p.retain({ t: [0, 2] });
    expect(p.toCommit()).to.deep.equal([{ topic: 't', partition: 0, offset: '3' }]);
  });

  it('offsets beyond 2^53 stay exact', () => {
    const p = new ConsumedPositions();
    p.printed('t', 0, '9007199254740993');
    expect(p.toCommit()[0].offset).to.equal('9007199254740993');
  });

  it('maps the keys kafkajs honours and keeps our defaults otherwise', () => {
    const s = buildConsumerSettings(
      new Map([
        ['session.timeout.ms', '30000'],
        ['heartbeat.interval.ms', '3000'],
        ['max.poll.interval.ms', '60000'],
        ['fetch.max.wait.ms', '100'],
        ['fetch.min.bytes', '10'],
        ['fetch.max.bytes', '1048576'],
        ['max.partition.fetch.bytes', '65536'],
        ['allow.auto.create.topics', 'true'],
        ['isolation.level', 'read_committed'],
        ['max.poll.records', '1'],
      ]),
    );
    expect(s).to.deep.equal({
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      rebalanceTimeout: 60000,
      maxWaitTimeInMs: 100,
      minBytes: 10,
      maxBytes: 1048576,
      maxBytesPerPartition: 65536,
      allowAutoTopicCreation: true,
      isolationLevel: 'read_committed',
      warnings: [],
    });
    const d = buildConsumerSettings(new Map());
    expect(d).to.include({ sessionTimeout: 10000, heartbeatInterval: 1000, maxWaitTimeInMs: 500, allowAutoTopicCreation: false });
  });

  it("refuses bad values with Kafka's ConfigException text", () => {
    const bad = (k: string, v: string) => {
      try {
        buildConsumerSettings(new Map([[k, v]]));
      } catch (e) {
        expect(e).to.be.instanceOf(CommandError);
        return (e as Error).message.replace('Unknown error when running consumer: org.apache.kafka.common.config.ConfigException: ', '');
      }
      throw new Error(`${k}=${v} was accepted`);
    };
    expect(bad('max.poll.records', '0')).to.equal('Invalid value 0 for configuration max.poll.records: Value must be at least 1');
    expect(bad('max.poll.records', '1.5')).to.equal('Invalid value 1.5 for configuration max.poll.records: Not a number of type INT');
    expect(bad('fetch.min.bytes', '99999999999')).to.equal('Invalid value 99999999999 for configuration fetch.min.bytes: Not a number of type INT');
    expect(bad('enable.auto.commit', 'yes')).to.equal('Invalid value yes for configuration enable.auto.commit: Expected value to be either true or false');
    expect(bad('isolation.level', 'serializable')).to.equal(
      'Invalid value serializable for configuration isolation.level: String must be one of: read_committed, read_uncommitted',
    );
  });

  it('reports the keys it cannot honour and the ones nobody knows, and nothing for PLAINTEXT or no-op keys', () => {
    const s = buildConsumerSettings(
      new Map([
        ['security.protocol', 'SSL'],
        ['ssl.truststore.location', '/x'],
        ['ssl.cipher.suites', 'TLS_AES_128_GCM_SHA256'],
        ['auto.offset.reset', 'none'],
        ['colour', 'blue'],
        ['auto.commit.interval.ms', '100'],
      ]),
    );
    expect(s.warnings).to.deep.equal([
      "auto.offset.reset=none is not supported by this tool; partitions without a committed offset start at 'latest'.",
      // security.protocol and the trust store are applied by createKafka (ClientSecurityConfig); cipher suites are not.
      'These consumer configurations are not supported by this tool and were ignored: ssl.cipher.suites',
      "These configurations '[colour]' were supplied but are not used yet.",
    ]);
    expect(buildConsumerSettings(new Map([['security.protocol', 'plaintext']])).warnings).to.deep.equal([]);
  });
});
