import { expect } from 'chai';
import { TOPIC_CONFIG_NAMES } from '../../../src/log/TopicConfig';
import { TOPIC_CONFIG_DOCS } from '../../../src/log/TopicConfigDocs';

describe("TopicConfigDocs: Kafka 3.7's LogConfig documentation and types (DescribeConfigs v3+)", () => {
  it('documents every topic config this broker knows, and no other', () => {
    expect(Object.keys(TOPIC_CONFIG_DOCS).sort()).to.deep.equal([...TOPIC_CONFIG_NAMES].sort());
    for (const [name, d] of Object.entries(TOPIC_CONFIG_DOCS)) expect(d.doc, name).to.have.length.greaterThan(20);
  });

  it("keeps Kafka's text and ConfigDef types", () => {
    expect(TOPIC_CONFIG_DOCS['segment.bytes']).to.deep.equal({
      type: 'INT',
      doc: 'This configuration controls the segment file size for the log. Retention and cleaning is always done a file at a time so a larger segment size means fewer files but less granular control over retention.',
    });
    expect(TOPIC_CONFIG_DOCS['cleanup.policy'].type).to.equal('LIST');
    expect(TOPIC_CONFIG_DOCS['min.cleanable.dirty.ratio'].type).to.equal('DOUBLE');
    expect(TOPIC_CONFIG_DOCS['flush.messages'].doc).to.contain('if it were 5 we would fsync after every five messages');
  });
});
