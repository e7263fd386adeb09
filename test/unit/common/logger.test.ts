import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { configureLogging, formatLogLine, getLogger, shutdownLogging } from '../../../src/common/logger';

const LINE = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}\] (ERROR|WARN|INFO|DEBUG|TRACE) .* \([\w.$]+\)$/;
const tick = () => new Promise((r) => setImmediate(r));

describe('logger (log4j line shape over winston)', () => {
  let dir: string;
  let out: string;
  let sink: PassThrough;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-'));
    out = '';
    sink = new PassThrough();
    sink.on('data', (d: Buffer) => {
      out += d.toString();
    });
  });
  afterEach(async () => {
    await shutdownLogging();
    configureLogging({ files: false, stream: process.stdout, level: 'INFO' });
  });

  it('formats `[yyyy-MM-dd HH:mm:ss,SSS] LEVEL ident message (logger)`', () => {
    const d = new Date(2024, 0, 1, 12, 0, 0, 123);
    expect(formatLogLine('INFO', 'kafka.server.KafkaServer', '[KafkaServer id=1] ', 'started', undefined, d)).to.equal(
      '[2024-01-01 12:00:00,123] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)',
    );
    const withErr = formatLogLine('ERROR', 'kafka.Kafka$', '', 'boom', new Error('bad'), d).split('\n');
    expect(withErr[0]).to.equal('[2024-01-01 12:00:00,123] ERROR boom (kafka.Kafka$)');
    expect(withErr[1]).to.equal('Error: bad');
  });

  it('writes root-logger lines to the console stream and server.log', async () => {
    configureLogging({ logDir: dir, stream: sink });
    getLogger('kafka.server.KafkaServer', '[KafkaServer id=1] ').info('started');
    getLogger('kafka.server.KafkaServer').warn('careful');
    await tick();
    const lines = out.trim().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0])
      .to.match(LINE)
      .and.to.match(/ INFO \[KafkaServer id=1\] started \(kafka\.server\.KafkaServer\)$/);
    expect(lines[1]).to.match(/ WARN careful \(kafka\.server\.KafkaServer\)$/);
    await shutdownLogging();
    expect(fs.readFileSync(path.join(dir, 'server.log'), 'utf8').trim().split('\n')).to.deep.equal(lines);
  });

  it('routes kafka.controller.* to controller.log and state.change.logger to state-change.log only', async () => {
    configureLogging({ logDir: dir, stream: sink });
    getLogger('kafka.controller.KafkaController', '[Controller id=1] ').trace('trace is on for the controller');
    getLogger('state.change.logger', '[Controller id=1 epoch=1] ').info('changed partition state');
    getLogger('kafka.server.ReplicaManager').info('root');
    await tick();
    await shutdownLogging();
    expect(out).to.contain('root').and.not.to.contain('controller').and.not.to.contain('changed');
    const controller = fs.readFileSync(path.join(dir, 'controller.log'), 'utf8');
    expect(controller).to.match(/ TRACE \[Controller id=1\] trace is on for the controller \(kafka\.controller\.KafkaController\)\n$/);
    expect(fs.readFileSync(path.join(dir, 'state-change.log'), 'utf8')).to.contain(
      'INFO [Controller id=1 epoch=1] changed partition state (state.change.logger)',
    );
    expect(fs.readFileSync(path.join(dir, 'server.log'), 'utf8')).not.to.contain('controller');
  });

  it('debug/trace are dropped at INFO without formatting, enabled by level', async () => {
    configureLogging({ logDir: dir, stream: sink, files: false });
    const log = getLogger('kafka.server.KafkaApis');
    expect(log.isDebugEnabled()).to.equal(false);
    log.debug('hidden');
    log.trace('hidden');
    await tick();
    expect(out).to.equal('');
    configureLogging({ stream: sink, files: false, level: 'debug' });
    expect(log.isDebugEnabled()).to.equal(true);
    log.debug('shown');
    log.trace('still hidden');
    await tick();
    expect(out).to.match(/ DEBUG shown \(kafka\.server\.KafkaApis\)\n$/);
  });

  it('a logger created before configureLogging follows the new configuration; errors carry the stack', async () => {
    const early = getLogger('kafka.Kafka$');
    configureLogging({ logDir: dir, stream: sink, files: false });
    early.error('Exiting Kafka due to fatal exception', new Error('kaboom'));
    await tick();
    const lines = out.split('\n');
    expect(lines[0]).to.match(LINE);
    expect(lines[1]).to.equal('Error: kaboom');
    expect(lines[2]).to.match(/^ {4}at /);
  });

  it('rejects unknown levels', () => {
    expect(() => configureLogging({ files: false, stream: sink, level: 'LOUD' })).to.throw('Unknown log level LOUD');
  });
});
