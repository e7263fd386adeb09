import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyOverrides, loadProperties, parseKeyValueArgs, parseProperties } from '../../../../src/server/config/properties';

const parse = (text: string) => ({ ...parseProperties(text) });

describe('properties (java.util.Properties.load)', () => {
  it('separators: =, :, whitespace, with blanks around them', () => {
    expect(parse('a=1\nb:2\nc 3\nd = 4\ne\t:\t5\nf  =  6  \n')).to.deep.equal({ a: '1', b: '2', c: '3', d: '4', e: '5', f: '6  ' });
  });
  it('comments (# and !) and blank lines; leading blanks skipped', () => {
    expect(parse('# c\n! c2\n\n   \n  key=v\n\t# indented comment\n')).to.deep.equal({ key: 'v' });
  });
  it('only the first separator splits; later ones stay in the value', () => {
    expect(parse('url=http://h:1/x=y\n')).to.deep.equal({ url: 'http://h:1/x=y' });
    expect(parse('k = = v\n')).to.deep.equal({ k: '= v' });
  });
  it('a key alone has an empty value', () => {
    expect(parse('alone\nalso=\n')).to.deep.equal({ alone: '', also: '' });
  });
  it("line continuations drop the backslash, newline and the next line's leading blanks", () => {
    expect(parse('list=a,\\\n    b,\\\n\tc\nnext=1')).to.deep.equal({ list: 'a,b,c', next: '1' });
  });
  it('an even number of trailing backslashes does not continue', () => {
    expect(parse('a=x\\\\\nb=y')).to.deep.equal({ a: 'x\\', b: 'y' });
  });
  it('comment lines never continue', () => {
    expect(parse('# comment \\\nk=v')).to.deep.equal({ k: 'v' });
  });
  it('CRLF and CR line ends', () => {
    expect(parse('a=1\r\nb=2\rc=3')).to.deep.equal({ a: '1', b: '2', c: '3' });
  });
  it('escapes: \\t \\n \\r \\f \\uXXXX, escaped separators in keys, \\x → x', () => {
    expect(parse('k\\=ey\\:x\\ y=v\\tw\\n\\u00e9\\q')).to.deep.equal({ 'k=ey:x y': 'v\tw\né' + 'q' });
    expect(() => parseProperties('k=\\u12')).to.throw('Malformed \\uxxxx encoding.');
  });
  it('later duplicates win; __proto__ is an ordinary key', () => {
    const p = parseProperties('a=1\na=2\n__proto__=x\n');
    expect(p.a).to.equal('2');
    expect(p['__proto__']).to.equal('x');
  });
  it('loads files as ISO-8859-1 like Properties.load(InputStream)', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'props-')), 's.properties');
    fs.writeFileSync(file, Buffer.from([0x6b, 0x3d, 0xe9, 0x0a])); // k=é in Latin-1
    expect(loadProperties(file).k).to.equal('é');
  });
  it('overrides: key=value split at the first "=", put on top of the file', () => {
    expect({ ...parseKeyValueArgs(['a=1', 'b=x=y', 'c']) }).to.deep.equal({ a: '1', b: 'x=y', c: '' });
    expect(() => parseKeyValueArgs(['=v'])).to.throw('Invalid command line properties');
    const merged = applyOverrides({ a: '1', b: '2' }, ['b=3', 'c=4']);
    expect({ ...merged }).to.deep.equal({ a: '1', b: '3', c: '4' });
    expect({ ...applyOverrides({ a: '1' }, { a: '9' }) }).to.deep.equal({ a: '9' });
  });
  it("parses the repo's config/server.properties", () => {
    const p = loadProperties(path.join(__dirname, '../../../../../config/server.properties'));
    expect(p['broker.id']).to.equal('0');
    expect(p['log.dirs']).to.equal('/tmp/kafka-logs');
    expect(p['zookeeper.connect']).to.equal('localhost:2181');
    expect(p['listeners']).to.equal(undefined);
  });
});
