import { expect } from 'chai';
import { dataText, javaDateString, statLines } from '../../../src/observatory/zkCliFormat';
import { escapeHtml, validateZnodePath } from '../../../src/observatory/ZnodePage';

describe('observatory: zkCli get -s formatting', () => {
  it('formats times as java.util.Date.toString() does', () => {
    // 2026-12-07T06:16:52Z was a Monday.
    expect(javaDateString(Date.UTC(2026, 11, 7, 6, 16, 52, 999), 'UTC')).to.equal('Mon Dec 07 06:16:52 UTC 2026');
    expect(javaDateString(Date.UTC(2024, 1, 29, 23, 5, 9), 'UTC')).to.equal('Thu Feb 29 23:05:09 UTC 2024');
    // A named zone shifts the wall clock (Berlin is UTC+1 in winter).
    expect(javaDateString(Date.UTC(2026, 11, 31, 23, 30, 0), 'Europe/Berlin')).to.match(/^Fri Jan 01 00:30:00 \S+ 2027$/);
  });

  it("prints the stat in StatPrinter's order with hex zxids and ephemeralOwner", () => {
    const lines = statLines(
      {
        czxid: 0x1a,
        mzxid: 0x2f,
        pzxid: 0x1a,
        ctime: Date.UTC(2026, 11, 7, 6, 16, 52),
        mtime: Date.UTC(2026, 11, 7, 6, 17, 0),
        version: 3,
        cversion: 0,
        aversion: 0,
        ephemeralOwner: '100000a2b3c0001',
        dataLength: 76,
        numChildren: 0,
      },
      'UTC',
    );
    expect(lines).to.deep.equal([
      'cZxid = 0x1a',
      'ctime = Mon Dec 07 06:16:52 UTC 2026',
      'mZxid = 0x2f',
      'mtime = Mon Dec 07 06:17:00 UTC 2026',
      'pZxid = 0x1a',
      'cversion = 0',
      'dataVersion = 3',
      'aclVersion = 0',
      'ephemeralOwner = 0x100000a2b3c0001',
      'dataLength = 76',
      'numChildren = 0',
    ]);
  });

  it('prints data as text, "null" for a node without data', () => {
    expect(dataText(Buffer.from('{"brokerid":1}'))).to.equal('{"brokerid":1}');
    expect(dataText(Buffer.alloc(0))).to.equal('');
    expect(dataText(null)).to.equal('null');
  });

  it('validates paths as ZooKeeper does and escapes HTML', () => {
    expect(validateZnodePath('/')).to.equal(null);
    expect(validateZnodePath('/brokers/ids/1')).to.equal(null);
    expect(validateZnodePath('brokers')).to.match(/must start with \//);
    expect(validateZnodePath('/brokers/')).to.match(/must not end with \//);
    expect(validateZnodePath('/a//b')).to.match(/empty node name/);
    expect(validateZnodePath('/a/../b')).to.match(/relative paths/);
    expect(escapeHtml(`<script>"x" & 'y'</script>`)).to.equal('&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;');
  });
});
