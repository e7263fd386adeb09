import { expect } from 'chai';
import { AclOperation, authorizedOperationsWithoutAuthorizer, supportedOperations, to32BitField } from '../../../src/security/AclEntry';

describe('AclEntry.supportedOperations and the 32-bit authorized-operations field', () => {
  it('a topic supports READ WRITE CREATE DESCRIBE DELETE ALTER DESCRIBE_CONFIGS ALTER_CONFIGS (bits 3-8, 10, 11)', () => {
    expect([...supportedOperations('TOPIC')].sort((a, b) => a - b)).to.deep.equal([3, 4, 5, 6, 7, 8, 10, 11]);
    // The value a Kafka 3.7 broker without an authorizer sends in Metadata v8+ when asked (3576).
    expect(authorizedOperationsWithoutAuthorizer('TOPIC')).to.equal(0b1101_1111_1000);
  });

  it('the cluster supports CREATE ALTER DESCRIBE CLUSTER_ACTION DESCRIBE_CONFIGS ALTER_CONFIGS IDEMPOTENT_WRITE', () => {
    expect(authorizedOperationsWithoutAuthorizer('CLUSTER')).to.equal(to32BitField([5, 7, 8, 9, 10, 11, 12]));
    expect(authorizedOperationsWithoutAuthorizer('CLUSTER')).to.equal(0x1fa0);
  });

  it('Utils.to32BitField sets one bit per operation code', () => {
    expect(to32BitField([])).to.equal(0);
    expect(to32BitField([AclOperation.READ, AclOperation.READ])).to.equal(8);
    expect(authorizedOperationsWithoutAuthorizer('GROUP')).to.equal((1 << 3) | (1 << 8) | (1 << 6));
  });
});
