/**
 * Issue 13, continued from tools-bootstrap.test.ts: kafka-configs of brokers (dynamic and --entity-default),
 * kafka-reassign-partitions (--generate/--execute/--verify/--list/--cancel), kafka-leader-election (preferred and
 * unclean, one partition and --all-topic-partitions) and kafka-cluster unregister (UnregisterBroker, KRaft only)
 * against a real KRaft cluster of 3 controllers and 3 brokers.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KRaftTestCluster } from '../../helpers/kraftCluster';
import { waitFor } from '../../helpers/ports';
import { runTool } from '../cli/cliSupport';

describe('KRaft: kafka-configs of brokers, kafka-reassign-partitions, kafka-leader-election and kafka-cluster unregister', function () {
  this.timeout(240_000);
  let cluster: KRaftTestCluster;
  let bs: string;
  let tmp: string;

  before(async () => {
    cluster = await KRaftTestCluster.start({ controllers: 3, brokers: 3 });
    bs = cluster.bootstrap();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kzk-kraft-admin-'));
    const c = await runTool('kafka-topics', ['--bootstrap-server', bs, '--create', '--topic', 'adm', '--replica-assignment', '1:2,2:3']);
    expect(c.code, c.stderr).to.equal(0);
    const p = await runTool('kafka-console-producer', ['--bootstrap-server', bs, '--topic', 'adm'], { input: 'a\nb\nc\nd\ne\n' });
    expect(p.code, p.stderr).to.equal(0);
  });
  after(async () => {
    if (cluster) await cluster.shutdown();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const election = (type: string, ...target: string[]) => runTool('kafka-leader-election', ['--bootstrap-server', bs, '--election-type', type, ...target]);

  it('with every leader preferred, --all-topic-partitions prints nothing (the controller leaves out ELECTION_NOT_NEEDED), one partition names it', async () => {
    // ReplicationControlManager.electLeaders with null partitions returns only the partitions it tried to change.
    expect(await election('preferred', '--all-topic-partitions')).to.include({ code: 0, stdout: '', stderr: '' });
    expect(await election('unclean', '--all-topic-partitions')).to.include({ code: 0, stdout: '', stderr: '' });
    expect(await election('preferred', '--topic', 'adm', '--partition', '0')).to.include({
      code: 0,
      stdout: 'Valid replica already elected for partitions adm-0\n',
    });
    expect(await election('unclean', '--topic', 'adm', '--partition', '1')).to.include({
      code: 0,
      stdout: 'Valid replica already elected for partitions adm-1\n',
    });
    const bad = await election('preferred', '--topic', 'nope', '--partition', '0');
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.contain(
      'Error completing leader election (PREFERRED) for partition: nope-0: org.apache.kafka.common.errors.UnknownTopicOrPartitionException',
    );
    expect(bad.stderr).to.equal('1 replica(s) could not be elected\n');
  });

  it('--generate/--execute/--list/--verify/--cancel, then a preferred election of all partitions moves adm-0 to its new first replica', async () => {
    const move = path.join(tmp, 'move.json');
    fs.writeFileSync(move, '{"topics":[{"topic":"adm"}],"version":1}');
    const g = await runTool('kafka-reassign-partitions', [
      '--bootstrap-server',
      bs,
      '--generate',
      '--topics-to-move-json-file',
      move,
      '--broker-list',
      '1,2,3',
    ]);
    expect(g.code, g.stderr).to.equal(0);
    const gl = g.stdout.split('\n');
    expect(gl[0]).to.equal('Current partition replica assignment');
    expect(gl[1]).to.equal(
      '{"version":1,"partitions":[{"topic":"adm","partition":0,"replicas":[1,2],"log_dirs":["any","any"]},{"topic":"adm","partition":1,"replicas":[2,3],"log_dirs":["any","any"]}]}',
    );
    expect(gl[3]).to.equal('Proposed partition reassignment configuration');
    const proposed = JSON.parse(gl[4]) as { partitions: { replicas: number[] }[] };
    expect(proposed.partitions).to.have.length(2);
    for (const p of proposed.partitions) expect(p.replicas).to.have.length(2);

    const plan = path.join(tmp, 'plan.json');
    fs.writeFileSync(plan, '{"version":1,"partitions":[{"topic":"adm","partition":0,"replicas":[3,1]}]}');
    const ex = await runTool('kafka-reassign-partitions', ['--bootstrap-server', bs, '--execute', '--reassignment-json-file', plan]);
    expect(ex.code, ex.stderr).to.equal(0);
    expect(ex.stdout).to.equal(
      'Current partition replica assignment\n\n' +
        '{"version":1,"partitions":[{"topic":"adm","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}\n\n' +
        'Save this to use as the --reassignment-json-file option during rollback\n' +
        'Successfully started partition reassignment for adm-0\n',
    );
    const v = await waitFor(
      'kafka-reassign-partitions --verify to report adm-0 completed',
      async () => {
        const out = (await runTool('kafka-reassign-partitions', ['--bootstrap-server', bs, '--verify', '--reassignment-json-file', plan])).stdout;
        return out.includes('is completed') ? out : null;
      },
      30_000,
      250,
    );
    expect(v).to.equal('Status of partition reassignment:\nReassignment of partition adm-0 is completed.\n\n');
    const list = await runTool('kafka-reassign-partitions', ['--bootstrap-server', bs, '--list']);
    expect(list).to.include({ code: 0, stdout: 'No partition reassignments found.\n' });
    // ReassignPartitionsCommand.cancelAssignment prints the second line with print, not println.
    const cancel = await runTool('kafka-reassign-partitions', ['--bootstrap-server', bs, '--cancel', '--reassignment-json-file', plan]);
    expect(cancel).to.include({
      code: 0,
      stdout: 'None of the specified partition reassignments are active.\nNone of the specified partition moves are active.',
    });

    // The reassignment kept leader 1 (still a replica); the preferred leader is now 3. Until broker 3 has caught up
    // and joined the ISR the election answers an error: wait for it to succeed.
    const all = await waitFor(
      'a preferred election of all partitions to elect adm-0',
      async () => {
        const r = await election('preferred', '--all-topic-partitions');
        return r.stdout.includes('Successfully') ? r : null;
      },
      30_000,
      250,
    );
    expect(all).to.include({ code: 0, stdout: 'Successfully completed leader election (PREFERRED) for partitions adm-0\n' });
    const d = await runTool('kafka-topics', ['--bootstrap-server', bs, '--describe', '--topic', 'adm']);
    expect(d.stdout).to.contain('\tTopic: adm\tPartition: 0\tLeader: 3\tReplicas: 3,1\tIsr: ');
    expect(await election('preferred', '--all-topic-partitions')).to.include({ code: 0, stdout: '' });
  });

  it('kafka-configs of brokers: a dynamic config of broker 1, the cluster-wide --entity-default, and their removal', async () => {
    const cfg = (...args: string[]) => runTool('kafka-configs', ['--bootstrap-server', bs, '--entity-type', 'brokers', ...args]);
    expect(await cfg('--entity-name', '1', '--alter', '--add-config', 'log.cleaner.threads=2')).to.include({
      code: 0,
      stdout: 'Completed updating config for broker 1.\n',
    });
    expect(await cfg('--entity-default', '--alter', '--add-config', 'log.cleaner.threads=3')).to.include({
      code: 0,
      stdout: 'Completed updating default config for brokers in the cluster.\n',
    });
    // Broker 1 answers from its metadata image once the controller's ConfigRecords reached it.
    const one = await waitFor(
      'broker 1 to describe both dynamic layers',
      async () => {
        const r = await cfg('--entity-name', '1', '--describe');
        return r.stdout.includes('DYNAMIC_DEFAULT_BROKER_CONFIG') ? r : null;
      },
      30_000,
      250,
    );
    expect(one).to.include({
      code: 0,
      stdout:
        'Dynamic configs for broker 1 are:\n' +
        '  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.threads=2, DYNAMIC_DEFAULT_BROKER_CONFIG:log.cleaner.threads=3, DEFAULT_CONFIG:log.cleaner.threads=1}\n',
    });
    // ConfigHelper.createBrokerConfigEntry(perBrokerConfig = false) keeps only the DYNAMIC_DEFAULT_BROKER_CONFIG synonyms.
    const defaults = await cfg('--entity-default', '--describe');
    expect(defaults).to.include({
      code: 0,
      stdout:
        'Default configs for brokers in the cluster are:\n' +
        '  log.cleaner.threads=3 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.cleaner.threads=3}\n',
    });
    const all = await cfg('--entity-name', '2', '--describe', '--all');
    expect(all.stdout.split('\n')).to.include(
      '  log.cleaner.threads=3 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.cleaner.threads=3, DEFAULT_CONFIG:log.cleaner.threads=1}',
    );
    expect((await cfg('--entity-name', '2', '--describe')).stdout).to.equal('Dynamic configs for broker 2 are:\n');

    expect(await cfg('--entity-default', '--alter', '--delete-config', 'log.cleaner.threads')).to.include({
      code: 0,
      stdout: 'Completed updating default config for brokers in the cluster.\n',
    });
    expect(await cfg('--entity-name', '1', '--alter', '--delete-config', 'log.cleaner.threads')).to.include({
      code: 0,
      stdout: 'Completed updating config for broker 1.\n',
    });
    await waitFor(
      'the dynamic broker configs to be gone',
      async () => (await cfg('--entity-name', '1', '--describe')).stdout === 'Dynamic configs for broker 1 are:\n',
      30_000,
      250,
    );
    expect(await cfg('--entity-default', '--describe')).to.include({ code: 0, stdout: 'Default configs for brokers in the cluster are:\n' });
    const unknown = await cfg('--entity-name', '1', '--alter', '--delete-config', 'log.cleaner.threads');
    expect(unknown).to.include({ code: 1, stderr: 'Invalid config(s): log.cleaner.threads\n' });
  });

  it('kafka-cluster unregister: an unknown id fails with BrokerIdNotRegisteredException; a stopped broker leaves the cluster', async () => {
    const unknown = await runTool('kafka-cluster', ['unregister', '--bootstrap-server', bs, '--id', '7']);
    expect(unknown).to.include({
      code: 1,
      stdout: '',
      stderr: 'org.apache.kafka.common.errors.BrokerIdNotRegisteredException: The given broker ID was not registered.\n',
    });
    await cluster.kill(3);
    const live = cluster.brokerIds
      .filter((id) => id !== 3)
      .map((id) => `127.0.0.1:${cluster.node(id).brokerPort}`)
      .join(',');
    const r = await runTool('kafka-cluster', ['unregister', '--bootstrap-server', live, '--id', '3']);
    expect(r).to.include({ code: 0, stdout: 'Broker 3 is no longer registered.\n', stderr: '' });
    const versions = await waitFor(
      'kafka-broker-api-versions to list brokers 1 and 2 only',
      async () => {
        const out = (await runTool('kafka-broker-api-versions', ['--bootstrap-server', live])).stdout;
        const ids = out
          .split('\n')
          .filter((l) => l.includes(' -> ('))
          .map((l) => /\(id: (\d+) /.exec(l)?.[1])
          .sort();
        return ids.join(',') === '1,2' ? ids : null;
      },
      30_000,
      250,
    );
    expect(versions).to.deep.equal(['1', '2']);
    const again = await runTool('kafka-cluster', ['unregister', '--bootstrap-server', live, '--id', '3']);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('BrokerIdNotRegisteredException');
  });
});
