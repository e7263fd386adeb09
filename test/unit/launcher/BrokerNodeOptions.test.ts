import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { brokerNodeArgs, DEFAULT_BROKER_HEAP_OPTS } from '../../../src/launcher/BrokerNodeOptions';

describe('launcher: broker node flags (KAFKA_NODE_HEAP_OPTS, KAFKA_NODE_OPTS)', () => {
  it('defaults the heap options, as kafka-server-start.sh defaults KAFKA_HEAP_OPTS', () => {
    expect(brokerNodeArgs({})).to.deep.equal(['--max-semi-space-size=8']);
  });

  it('takes the heap options from KAFKA_NODE_HEAP_OPTS (empty: node defaults) and appends KAFKA_NODE_OPTS', () => {
    expect(brokerNodeArgs({ KAFKA_NODE_HEAP_OPTS: '--max-semi-space-size=16  --max-old-space-size=512' })).to.deep.equal([
      '--max-semi-space-size=16',
      '--max-old-space-size=512',
    ]);
    expect(brokerNodeArgs({ KAFKA_NODE_HEAP_OPTS: '', KAFKA_NODE_OPTS: ' --cpu-prof ' })).to.deep.equal(['--cpu-prof']);
    expect(brokerNodeArgs({ KAFKA_NODE_OPTS: '--cpu-prof' })).to.deep.equal(['--max-semi-space-size=8', '--cpu-prof']);
  });

  it('bin/kafka-server-start started directly carries the same default', () => {
    const first = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'bin', 'kafka-server-start'), 'utf8').split('\n')[0];
    expect(first).to.equal(`#!/usr/bin/env -S node ${DEFAULT_BROKER_HEAP_OPTS}`);
  });
});
