/**
 * DescribeCluster (KIP-700) of KafkaApis: the cluster as a broker sees it, the answer the admin client's
 * describeCluster() uses when the broker offers the API (kafka-cluster.sh cluster-id, kafka-log-dirs.sh).
 */
import type { RequestContext, ResponseBody } from '../../network/RequestContext';
import { DescribeClusterApi } from '../../protocol/apis';
import { encodeResponse } from '../../protocol/apis/types';
import { ErrorCode } from '../../protocol/errors';
import { Reader } from '../../protocol/Reader';
import type { KafkaApisDeps } from './ApiDeps';
import { AclOperation } from '../../security/AclEntry';
import { CLUSTER_NAME, ResourceType } from '../../security/authorizer/Authorizer';
import { AuthHelper } from './AuthHelper';

/** EndpointType (org.apache.kafka.common.message.EndpointType): what kind of node the caller wants to talk to. */
const ENDPOINT_BROKER = 1;
const ENDPOINT_CONTROLLER = 2;

/**
 * AclEntry.supportedOperations(CLUSTER) as Utils.to32BitField sets them: CREATE(5), ALTER(7), DESCRIBE(8),
 * CLUSTER_ACTION(9), DESCRIBE_CONFIGS(10), ALTER_CONFIGS(11), IDEMPOTENT_WRITE(12). Without an authorizer
 * (authorizer.class.name empty, our only mode) AuthHelper.authorizedOperations allows every one of them.
 */
export const ALL_CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, code) => bits | (1 << code), 0);

/** The schema's default: the caller did not ask for authorized operations. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export class ClusterApis {
  private readonly auth: AuthHelper;

  constructor(private readonly deps: KafkaApisDeps) {
    this.auth = new AuthHelper(deps.authorizer);
  }

  /**
   * KafkaApis.handleDescribeCluster via AuthHelper.computeDescribeClusterResponse: an endpoint type other than
   * broker is refused (INVALID_REQUEST on v0, else UNSUPPORTED_ENDPOINT_TYPE for an unknown type and
   * MISMATCHED_ENDPOINT_TYPE for controller); brokers are the live ones with an endpoint on the request's
   * listener; a controller id that is not among them is answered as -1.
   */
  handleDescribeCluster(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    const req = DescribeClusterApi.decodeRequest(r, v);
    const fail = (specific: number, errorMessage: string) =>
      encodeResponse(DescribeClusterApi, v, {
        throttleTimeMs: 0,
        errorCode: v === 0 ? ErrorCode.INVALID_REQUEST : specific,
        errorMessage,
        endpointType: ENDPOINT_BROKER,
        clusterId: '',
        controllerId: -1,
        brokers: [],
        clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      });
    if (req.endpointType !== ENDPOINT_BROKER && req.endpointType !== ENDPOINT_CONTROLLER) {
      return fail(ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, `Unsupported endpoint type ${req.endpointType}`);
    }
    if (req.endpointType !== ENDPOINT_BROKER) {
      return fail(ErrorCode.MISMATCHED_ENDPOINT_TYPE, 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER');
    }
    const cache = this.deps.metadataCache;
    const brokers = cache
      .aliveBrokers()
      .flatMap((b) => {
        const ep = b.endpoints.find((e) => e.listener === ctx.listenerName);
        return ep ? [{ brokerId: b.id, host: ep.host, port: ep.port, rack: b.rack }] : [];
      })
      .sort((a, b) => a.brokerId - b.brokerId);
    const controllerId = cache.controllerId ?? -1;
    return encodeResponse(DescribeClusterApi, v, {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: ENDPOINT_BROKER,
      clusterId: this.deps.clusterId,
      controllerId: brokers.some((b) => b.brokerId === controllerId) ? controllerId : -1,
      brokers,
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? this.clusterAuthorizedOperations(ctx) : AUTHORIZED_OPERATIONS_OMITTED,
    });
  }

  /** AuthHelper.computeDescribeClusterResponse: 0 without DESCRIBE on the cluster, else what the ACLs allow. */
  private clusterAuthorizedOperations(ctx: RequestContext): number {
    if (!this.auth.authorizer) return ALL_CLUSTER_OPERATIONS;
    if (!this.auth.authorize(ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, CLUSTER_NAME)) return 0;
    return this.auth.authorizedOperations(ctx, ResourceType.CLUSTER, CLUSTER_NAME);
  }
}
