/**
 * What KafkaApis' handlers see as "the controller in this broker" on a KRaft broker: there is none (the quorum
 * controller runs in the controller processes). The APIs that used it in ZooKeeper mode are forwarded
 * (ElectLeaders, reassignments, UpdateFeatures) or not served at all (AlterPartition, ControlledShutdown,
 * AllocateProducerIds), so these answers are only a safety net: NOT_CONTROLLER, as a broker that is not the
 * controller gives.
 */
import { ErrorCode } from '../../protocol/errors';

export class KRaftControllerHandle {
  isActive(): boolean {
    return false;
  }
  async electLeaders() {
    return { errorCode: ErrorCode.NOT_CONTROLLER, results: [] };
  }
  async alterPartitionReassignments() {
    return { errorCode: ErrorCode.NOT_CONTROLLER, results: [] };
  }
  async listPartitionReassignments() {
    return { errorCode: ErrorCode.NOT_CONTROLLER, ongoing: [] };
  }
  async alterPartition() {
    return { errorCode: ErrorCode.NOT_CONTROLLER, results: [] };
  }
  async controlledShutdown() {
    return { errorCode: ErrorCode.NOT_CONTROLLER, remaining: [] };
  }
  async allocateProducerIds() {
    return { errorCode: ErrorCode.NOT_CONTROLLER, producerIdStart: -1, producerIdLen: 0 };
  }
  async updateFeatures() {
    return { errorCode: ErrorCode.NOT_CONTROLLER, errors: new Map<string, { errorCode: number; errorMessage: string | null }>() };
  }
}
