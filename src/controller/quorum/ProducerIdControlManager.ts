/**
 * Kafka 3.7's org.apache.kafka.controller.ProducerIdControlManager: AllocateProducerIds hands a broker the next
 * block of 1000 producer ids (ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE); the ProducerIdsRecord stores the first id
 * of the block after it, so a new controller continues where the last one stopped.
 */
import { AllocateProducerIdsRequest, AllocateProducerIdsResponse } from '../../protocol/apis/67-allocate-producer-ids';
import { ErrorCode } from '../../protocol/errors';
import { MetadataImage } from '../../metadata/image/MetadataImage';
import { ClusterControlManager } from './ClusterControlManager';
import { apiException, ControllerResult, resultOf } from './ControllerResult';
import { record } from './MetadataRecords';

export const PRODUCER_ID_BLOCK_SIZE = 1000;

export class ProducerIdControlManager {
  constructor(
    private readonly image: () => MetadataImage,
    private readonly clusterControl: ClusterControlManager,
  ) {}

  generateNextProducerId(request: AllocateProducerIdsRequest): ControllerResult<AllocateProducerIdsResponse> {
    this.clusterControl.checkBrokerEpoch(request.brokerId, request.brokerEpoch);
    const first = Math.max(0, this.image().producerIds.nextProducerId);
    if (first > Number.MAX_SAFE_INTEGER - PRODUCER_ID_BLOCK_SIZE) {
      throw apiException(ErrorCode.UNKNOWN_SERVER_ERROR, "Exhausted all producerIds as the next block's end producerId has exceeded the int64 type limit");
    }
    const next = first + PRODUCER_ID_BLOCK_SIZE;
    return resultOf([record('ProducerIdsRecord', 0, { brokerId: request.brokerId, brokerEpoch: request.brokerEpoch, nextProducerId: next })], {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      producerIdStart: first,
      producerIdLen: PRODUCER_ID_BLOCK_SIZE,
    });
  }
}
