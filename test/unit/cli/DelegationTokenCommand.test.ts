import { expect } from 'chai';
import { checkArgs, formatDate, tokenTable } from '../../../src/cli/kafka-delegation-tokens';

describe('DelegationTokenCommand (kafka-delegation-tokens) options and output', () => {
  const base = { bootstrapServer: 'h:1', commandConfig: 'f' };

  it('exactly one action; --bootstrap-server and --command-config required; per-action required and invalid options', () => {
    expect(() => checkArgs({ ...base })).to.throw('Command must include exactly one action: --create, --renew, --expire or --describe');
    expect(() => checkArgs({ ...base, create: true, describe: true })).to.throw(/exactly one action/);
    expect(() => checkArgs({ describe: true, commandConfig: 'f' })).to.throw('Missing required argument "[bootstrap-server]"');
    expect(() => checkArgs({ describe: true, bootstrapServer: 'h:1' })).to.throw('Missing required argument "[command-config]"');
    expect(() => checkArgs({ ...base, create: true })).to.throw('Missing required argument "[max-life-time-period]"');
    expect(() => checkArgs({ ...base, renew: true, hmac: 'x' })).to.throw('Missing required argument "[renew-time-period]"');
    expect(() => checkArgs({ ...base, expire: true, expiryTimePeriod: '-1' })).to.throw('Missing required argument "[hmac]"');
    expect(() => checkArgs({ ...base, create: true, maxLifeTimePeriod: '-1', hmac: 'x' })).to.throw(`Option "[create]" can't be used with option "[hmac]"`);
    expect(() => checkArgs({ ...base, renew: true, hmac: 'x', renewTimePeriod: '1', ownerPrincipal: ['User:a'] })).to.throw(
      `Option "[renew]" can't be used with option "[owner-principal]"`,
    );
    expect(() => checkArgs({ ...base, describe: true, hmac: 'x' })).to.throw(`Option "[describe]" can't be used with option "[hmac]"`);
    expect(checkArgs({ ...base, describe: true, ownerPrincipal: ['User:a'] })).to.equal('describe');
    expect(checkArgs({ ...base, expire: true, hmac: 'x', expiryTimePeriod: '-1' })).to.equal('expire');
  });

  it("printToken's table: a header and one row per token, each preceded by an empty line, columns padded as %-15s %-30s ...", () => {
    const t = Date.UTC(2026, 0, 2, 3, 4);
    const out = tokenTable([
      {
        tokenId: 'tok',
        hmac: Buffer.from('hmac'),
        principalType: 'User',
        principalName: 'alice',
        tokenRequesterPrincipalType: 'User',
        tokenRequesterPrincipalName: 'bob',
        renewers: [
          { principalType: 'User', principalName: 'r1' },
          { principalType: 'User', principalName: 'r2' },
        ],
        issueTimestamp: t,
        expiryTimestamp: t,
        maxTimestamp: t,
      },
    ]);
    const lines = out.split('\n');
    expect(lines[0]).to.equal('');
    expect(lines[1]).to.equal(
      'TOKENID         HMAC                           OWNER           REQUESTER       RENEWERS                  ISSUEDATE       EXPIRYDATE      MAXDATE        ',
    );
    expect(lines[2]).to.equal('');
    const d = formatDate(t);
    expect(d).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    expect(lines[3]).to.equal(`tok             aG1hYw==                       User:alice      User:bob        [User:r1, User:r2]        ${d} ${d} ${d}`);
    expect(lines[4]).to.equal('');
  });
});
