import { CloseConnectionError, RequestContext, HandlerResult, ResponseBody } from '../network/RequestContext';
import { RequestHandler } from '../network/SocketServer';
import { ApiKey } from '../protocol/apiKeys';
import { API_CODECS, ApiVersionsApi, ConsumerGroupHeartbeatApi, WriteTxnMarkersApi } from '../protocol/apis';
import { encodeApiVersionsUnsupportedResponse } from '../protocol/apis/18-api-versions';
import { encodeResponse, isFlexible } from '../protocol/apis/types';
import { ErrorCode } from '../protocol/errors';
import { Reader } from '../protocol/Reader';
import { Writer } from '../protocol/Writer';
import { SUPPORTED_FEATURES } from '../common/BrokerFeatures';
import { AdminApis } from './handlers/AdminApis';
import { AuthHelper, configResourceAuthorizer } from './handlers/AuthHelper';
import { AclOperation } from '../security/AclEntry';
import { clusterOperationDenied } from './handlers/ClusterOperationGate';
import { KafkaApisDeps } from './handlers/ApiDeps';
import { ClusterApis } from './handlers/ClusterApis';
import { ControllerApis } from './handlers/ControllerApis';
import { DataPlaneApis } from './handlers/DataPlaneApis';
import { GroupApis } from './handlers/GroupApis';
import { LogDirApis } from './handlers/LogDirApis';
import { OffsetApis } from './handlers/OffsetApis';
import { ProducerStateApis } from './handlers/ProducerStateApis';
import { ReassignmentApis } from './handlers/ReassignmentApis';
import { ReplicationApis } from './handlers/ReplicationApis';
import { handleSaslAuthenticateAfterAuthentication, handleSaslHandshakeAfterAuthentication } from './handlers/SaslApis';
import { SaslAuthenticateApi } from '../protocol/apis/36-sasl-authenticate';
import { TxnOffsetCommitApis } from './handlers/TxnOffsetCommitApis';
import { TransactionApis } from './handlers/TransactionApis';
import { TxnMarkerApis } from './handlers/TxnMarkerApis';
import { AclApis } from './handlers/AclApis';
import { ClientQuotaApis } from './handlers/ClientQuotaApis';
import { AlterClientQuotasApi, DescribeClientQuotasApi } from '../protocol/apis';
import { AclAuthorizer } from '../security/authorizer/AclAuthorizer';
import { StandardAuthorizer } from '../security/authorizer/StandardAuthorizer';
import { kraftSecurityHandlers } from './handlers/KRaftSecurityApis';
import { kraftForwardAuthorizationHandlers } from './handlers/KRaftForwardAuthorization';
import { DelegationTokenApis } from './handlers/DelegationTokenApis'; // dtoken
import { CreateDelegationTokenApi, DescribeDelegationTokenApi, ExpireDelegationTokenApi, RenewDelegationTokenApi } from '../protocol/apis'; // dtoken
import { RequestThrottler } from './quota/RequestThrottler';

type Handler = (ctx: RequestContext, r: Reader) => HandlerResult;

const CLIENT_SOFTWARE = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

/**
 * kafka.server.KafkaApis: decodes each request with its API codec, does the work through the
 * replica manager, admin manager, metadata cache or controller, and encodes the response.
 */
export class KafkaApis implements RequestHandler {
  private readonly handlers = new Map<number, Handler>();
  private readonly dataPlane: DataPlaneApis;
  private readonly admin: AdminApis;
  private readonly auth: AuthHelper;
  /** quota: client quotas (produce/fetch byte rates, request_percentage); null without quota managers. */
  private readonly throttler: RequestThrottler | null;

  constructor(private readonly deps: KafkaApisDeps) {
    const auth = new AuthHelper(deps.authorizer);
    this.auth = auth;
    this.throttler = deps.quotas ? new RequestThrottler(deps.quotas) : null;
    this.dataPlane = new DataPlaneApis(deps.replicaManager, deps.config, auth, this.throttler);
    this.admin = new AdminApis(deps);
    const controllerApis = new ControllerApis(deps);
    this.handlers.set(ApiKey.ApiVersions, (ctx, r) => this.handleApiVersions(ctx, r));
    this.handlers.set(ApiKey.Produce, (ctx, r) => this.dataPlane.handleProduce(ctx, r));
    this.handlers.set(ApiKey.Fetch, (ctx, r) => this.dataPlane.handleFetch(ctx, r));
    this.handlers.set(ApiKey.ListOffsets, (ctx, r) => this.dataPlane.handleListOffsets(ctx, r));
    this.handlers.set(ApiKey.Metadata, (ctx, r) => this.admin.handleMetadata(ctx, r));
    this.handlers.set(ApiKey.CreateTopics, (ctx, r) => this.admin.handleCreateTopics(ctx, r));
    this.handlers.set(ApiKey.DeleteTopics, (ctx, r) => this.admin.handleDeleteTopics(ctx, r));
    this.handlers.set(ApiKey.CreatePartitions, (ctx, r) => this.admin.handleCreatePartitions(ctx, r));
    const reassignments = new ReassignmentApis(deps);
    this.handlers.set(ApiKey.AlterPartitionReassignments, (ctx, r) => reassignments.handleAlterPartitionReassignments(ctx, r));
    this.handlers.set(ApiKey.ListPartitionReassignments, (ctx, r) => reassignments.handleListPartitionReassignments(ctx, r));
    this.handlers.set(ApiKey.LeaderAndIsr, (ctx, r) => controllerApis.handleLeaderAndIsr(ctx, r));
    this.handlers.set(ApiKey.UpdateMetadata, (ctx, r) => controllerApis.handleUpdateMetadata(ctx, r));
    this.handlers.set(ApiKey.StopReplica, (ctx, r) => controllerApis.handleStopReplica(ctx, r));
    this.handlers.set(ApiKey.ControlledShutdown, (ctx, r) => controllerApis.handleControlledShutdown(ctx, r));
    this.handlers.set(ApiKey.ElectLeaders, (ctx, r) => controllerApis.handleElectLeaders(ctx, r));
    this.handlers.set(ApiKey.AlterPartition, (ctx, r) => controllerApis.handleAlterPartition(ctx, r));
    this.handlers.set(ApiKey.AllocateProducerIds, (ctx, r) => controllerApis.handleAllocateProducerIds(ctx, r));
    this.handlers.set(ApiKey.UpdateFeatures, (ctx, r) => controllerApis.handleUpdateFeatures(ctx, r));
    this.handlers.set(ApiKey.Envelope, (ctx) => this.handleEnvelope(ctx));
    this.handlers.set(ApiKey.ConsumerGroupHeartbeat, (ctx, r) => this.handleConsumerGroupHeartbeat(ctx, r));
    if (deps.groupCoordinator) {
      const groups = new GroupApis(deps, deps.groupCoordinator);
      const offsets = new OffsetApis(deps, deps.groupCoordinator);
      this.handlers.set(ApiKey.FindCoordinator, (ctx, r) => groups.handleFindCoordinator(ctx, r));
      this.handlers.set(ApiKey.JoinGroup, (ctx, r) => groups.handleJoinGroup(ctx, r));
      this.handlers.set(ApiKey.SyncGroup, (ctx, r) => groups.handleSyncGroup(ctx, r));
      this.handlers.set(ApiKey.Heartbeat, (ctx, r) => groups.handleHeartbeat(ctx, r));
      this.handlers.set(ApiKey.LeaveGroup, (ctx, r) => groups.handleLeaveGroup(ctx, r));
      this.handlers.set(ApiKey.OffsetCommit, (ctx, r) => offsets.handleOffsetCommit(ctx, r));
      this.handlers.set(ApiKey.OffsetFetch, (ctx, r) => offsets.handleOffsetFetch(ctx, r));
      this.handlers.set(ApiKey.DescribeGroups, (ctx, r) => groups.handleDescribeGroups(ctx, r));
      this.handlers.set(ApiKey.ListGroups, (ctx, r) => groups.handleListGroups(ctx, r));
      this.handlers.set(ApiKey.DeleteGroups, (ctx, r) => groups.handleDeleteGroups(ctx, r));
      this.handlers.set(ApiKey.OffsetDelete, (ctx, r) => offsets.handleOffsetDelete(ctx, r));
    }
    // Transactions, group side (txgroup): transactional offset commits (KIP-98, KIP-447).
    if (deps.groupCoordinator) {
      const txnOffsets = new TxnOffsetCommitApis(deps, deps.groupCoordinator);
      this.handlers.set(ApiKey.TxnOffsetCommit, (ctx, r) => txnOffsets.handleTxnOffsetCommit(ctx, r));
    }
    const replication = new ReplicationApis(deps.config.brokerId, deps.replicaManager, deps.producerIdManager ?? null, auth);
    this.handlers.set(ApiKey.OffsetForLeaderEpoch, (ctx, r) => replication.handleOffsetForLeaderEpoch(ctx, r));
    this.handlers.set(ApiKey.InitProducerId, (ctx, r) => replication.handleInitProducerId(ctx, r));
    // Transactions, coordinator side (txcoord): with a transaction coordinator, InitProducerId (transactional or not)
    // goes to it, as in Kafka's handleInitProducerIdRequest.
    const txnCoordinator = deps.transactionCoordinator;
    if (txnCoordinator) {
      const txns = new TransactionApis(deps, txnCoordinator);
      this.handlers.set(ApiKey.InitProducerId, (ctx, r) => txns.handleInitProducerId(ctx, r));
      this.handlers.set(ApiKey.AddPartitionsToTxn, (ctx, r) => txns.handleAddPartitionsToTxn(ctx, r));
      this.handlers.set(ApiKey.AddOffsetsToTxn, (ctx, r) => txns.handleAddOffsetsToTxn(ctx, r));
      this.handlers.set(ApiKey.EndTxn, (ctx, r) => txns.handleEndTxn(ctx, r));
      this.handlers.set(ApiKey.DescribeTransactions, (ctx, r) => txns.handleDescribeTransactions(ctx, r));
      this.handlers.set(ApiKey.ListTransactions, (ctx, r) => txns.handleListTransactions(ctx, r));
    }
    this.handlers.set(ApiKey.DeleteRecords, (ctx, r) => this.dataPlane.handleDeleteRecords(ctx, r));
    const cluster = new ClusterApis(deps);
    this.handlers.set(ApiKey.DescribeCluster, (ctx, r) => cluster.handleDescribeCluster(ctx, r));
    const logDirs = new LogDirApis(deps.config.brokerId, deps.replicaManager);
    this.handlers.set(ApiKey.DescribeLogDirs, (ctx, r) => logDirs.handleDescribeLogDirs(ctx, r));
    this.handlers.set(ApiKey.AlterReplicaLogDirs, (ctx, r) => logDirs.handleAlterReplicaLogDirs(ctx, r));
    const producerState = new ProducerStateApis(deps.replicaManager, auth);
    this.handlers.set(ApiKey.DescribeProducers, (ctx, r) => producerState.handleDescribeProducers(ctx, r));
    // Transactions, log side (txlog): partition leaders write the coordinator's COMMIT/ABORT markers.
    const txnMarkers = new TxnMarkerApis(deps.replicaManager, deps.groupCoordinator, deps.config.brokerId);
    this.handlers.set(WriteTxnMarkersApi.apiKey, (ctx, r) => txnMarkers.handleWriteTxnMarkers(ctx, r));
    const configs = deps.configApis;
    if (configs) {
      const describe = (ctx: RequestContext) => configResourceAuthorizer(auth, ctx, AclOperation.DESCRIBE_CONFIGS);
      const alter = (ctx: RequestContext) => configResourceAuthorizer(auth, ctx, AclOperation.ALTER_CONFIGS);
      this.handlers.set(ApiKey.DescribeConfigs, (ctx, r) => configs.handleDescribeConfigs(ctx, r, describe(ctx)));
      this.handlers.set(ApiKey.AlterConfigs, (ctx, r) => configs.handleAlterConfigs(ctx, r, alter(ctx)));
      this.handlers.set(ApiKey.IncrementalAlterConfigs, (ctx, r) => configs.handleIncrementalAlterConfigs(ctx, r, alter(ctx)));
    }
    // secnet: SaslHandshake / SaslAuthenticate reach KafkaApis only after authentication (the SocketServer's
    // SaslServerAuthenticator serves them before): Kafka answers ILLEGAL_SASL_STATE. Registered so that ApiVersions
    // advertises both on every listener, as Kafka's does.
    this.handlers.set(ApiKey.SaslHandshake, handleSaslHandshakeAfterAuthentication);
    this.handlers.set(SaslAuthenticateApi.apiKey, handleSaslAuthenticateAfterAuthentication);
    // secscram: SCRAM credential admin APIs (KIP-554), ZooKeeper mode.
    const scram = deps.scramApis;
    if (scram) {
      this.handlers.set(ApiKey.DescribeUserScramCredentials, (ctx, r) => scram.handleDescribeUserScramCredentials(ctx, r));
      this.handlers.set(ApiKey.AlterUserScramCredentials, (ctx, r) => scram.handleAlterUserScramCredentials(ctx, r));
    }
    // dtoken: delegation tokens (KIP-48), ZooKeeper mode.
    const tokens = deps.delegationTokenManager;
    if (tokens) {
      const dt = new DelegationTokenApis(tokens, auth);
      this.handlers.set(CreateDelegationTokenApi.apiKey, (ctx, r) => dt.handleCreateDelegationToken(ctx, r));
      this.handlers.set(RenewDelegationTokenApi.apiKey, (ctx, r) => dt.handleRenewDelegationToken(ctx, r));
      this.handlers.set(ExpireDelegationTokenApi.apiKey, (ctx, r) => dt.handleExpireDelegationToken(ctx, r));
      this.handlers.set(DescribeDelegationTokenApi.apiKey, (ctx, r) => dt.handleDescribeDelegationToken(ctx, r));
    }
    // qadmin: client quota admin APIs (KIP-546), ZooKeeper mode (a KRaft broker has no clientQuotaAdmin).
    if (deps.clientQuotaAdmin) {
      const quotas = new ClientQuotaApis(deps.clientQuotaAdmin, auth);
      this.handlers.set(DescribeClientQuotasApi.apiKey, (ctx, r) => quotas.handleDescribeClientQuotas(ctx, r));
      this.handlers.set(AlterClientQuotasApi.apiKey, (ctx, r) => quotas.handleAlterClientQuotas(ctx, r));
    }
    // ACLs (ZooKeeper mode): served with or without an authorizer, as Kafka's AclApis (SECURITY_DISABLED without one).
    // A KRaft broker's ACLs live in metadata records (StandardAuthorizer): see the kraft block below.
    if (!deps.kraft) {
      const acls = new AclApis(deps.authorizer instanceof AclAuthorizer ? deps.authorizer : undefined);
      this.handlers.set(ApiKey.DescribeAcls, (ctx, r) => acls.handleDescribeAcls(ctx, r));
      this.handlers.set(ApiKey.CreateAcls, (ctx, r) => acls.handleCreateAcls(ctx, r));
      this.handlers.set(ApiKey.DeleteAcls, (ctx, r) => acls.handleDeleteAcls(ctx, r));
    }
    const kraft = deps.kraft;
    if (kraft) {
      // A 3.7 KRaft broker serves neither the ZooKeeper controller's requests nor the controller-only ones (their
      // ApiKeys listeners are zkBroker/controller), so it does not advertise them either.
      for (const k of [
        ApiKey.LeaderAndIsr,
        ApiKey.StopReplica,
        ApiKey.UpdateMetadata,
        ApiKey.ControlledShutdown,
        ApiKey.AlterPartition,
        ApiKey.AllocateProducerIds,
        ApiKey.Envelope,
      ]) {
        this.handlers.delete(k);
      }
      // Admin requests that change metadata go to the active controller (ForwardingManager).
      for (const key of kraft.forwardedApis.keys()) {
        this.handlers.set(key, (ctx, r) => kraft.forward(ctx, r));
      }
      // kraftsec: SCRAM credentials and ACLs in the metadata log (describe from the image, changes forwarded).
      const sec = kraft.security;
      if (sec) {
        const authorizer = deps.authorizer instanceof StandardAuthorizer ? deps.authorizer : undefined;
        for (const [key, h] of kraftSecurityHandlers({ auth, authorizer, image: sec.image, forward: kraft.forward })) this.handlers.set(key, h);
        // With an authorizer, the client's rights are checked here before forwarding (no Envelope reaches the controller).
        if (authorizer) {
          const d = { auth, forward: kraft.forward, forwardDecoded: sec.forwardDecoded, topicName: sec.topicName };
          for (const [key, h] of kraftForwardAuthorizationHandlers(d)) this.handlers.set(key, h);
        }
      }
    }
  }

  /** The ranges we advertise: every API that has both a codec and a handler. */
  supportedApis(): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
    const out: Array<{ apiKey: number; minVersion: number; maxVersion: number }> = [];
    for (const key of [...this.handlers.keys()].sort((a, b) => a - b)) {
      const c = API_CODECS.get(key);
      // Every range starts at Kafka 3.7's minimum (0). librdkafka depends on it: it gates gzip, snappy and lz4 on
      // Produce [0,0] overlapping the broker's range (rdkafka_msgset_writer.c compr_req), and v0-2 are served.
      if (c) out.push({ apiKey: key, minVersion: c.minVersion, maxVersion: c.maxVersion });
    }
    return out;
  }

  isFlexible(apiKey: number, apiVersion: number): boolean | undefined {
    const c = API_CODECS.get(apiKey);
    if (!c || !this.handlers.has(apiKey) || apiVersion < c.minVersion || apiVersion > c.maxVersion) return undefined;
    return isFlexible(c, apiVersion);
  }

  handle(ctx: RequestContext, r: Reader): HandlerResult {
    const h = this.handlers.get(ctx.header.apiKey)!;
    // Inter-broker and cluster administration requests: one cluster operation checked first.
    const denied = clusterOperationDenied(this.auth, ctx, r);
    // quota: with a quota configured anywhere, the request is timed and its response may be throttled (KIP-219).
    const throttler = this.throttler;
    if (throttler !== null && throttler.active) return throttler.handle(ctx, () => denied ?? h(ctx, r));
    return denied ?? h(ctx, r);
  }

  /**
   * KafkaApis.handleEnvelope: forwarding is only enabled during a ZooKeeper-to-KRaft migration, so a ZK-mode
   * broker treats an Envelope as unparsable and closes the connection.
   */
  private handleEnvelope(ctx: RequestContext): never {
    throw new CloseConnectionError(`connection ${ctx.connectionId} sent an \`Envelope\` request even though forwarding has not been enabled`);
  }

  /**
   * KafkaApis.handleConsumerGroupHeartbeat: the new consumer group protocol (KIP-848) needs the new group
   * coordinator, which a ZK-mode broker does not have; the answer is UNSUPPORTED_VERSION in the response body.
   */
  private handleConsumerGroupHeartbeat(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    ConsumerGroupHeartbeatApi.decodeRequest(r, v);
    return encodeResponse(ConsumerGroupHeartbeatApi, v, { throttleTimeMs: 0, errorCode: ErrorCode.UNSUPPORTED_VERSION });
  }

  private handleApiVersions(ctx: RequestContext, r: Reader): ResponseBody {
    const v = ctx.header.apiVersion;
    if (v > ApiVersionsApi.maxVersion) {
      const w = new Writer(32);
      encodeApiVersionsUnsupportedResponse(w, ApiVersionsApi.maxVersion);
      return w.toBuffers();
    }
    const req = ApiVersionsApi.decodeRequest(r, v);
    // ApiVersionsRequest.isValid: v3 client software name and version must be non-empty [a-zA-Z0-9.-] words.
    if (v >= 3 && !(CLIENT_SOFTWARE.test(req.clientSoftwareName) && CLIENT_SOFTWARE.test(req.clientSoftwareVersion))) {
      return encodeResponse(ApiVersionsApi, v, { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [], throttleTimeMs: 0 });
    }
    const finalized = this.deps.features?.() ?? { features: new Map<string, number>(), epoch: -1 };
    return encodeResponse(ApiVersionsApi, v, {
      errorCode: ErrorCode.NONE,
      apiKeys: this.supportedApis(),
      throttleTimeMs: 0,
      supportedFeatures: [...SUPPORTED_FEATURES],
      finalizedFeaturesEpoch: finalized.epoch,
      finalizedFeatures: [...finalized.features].map(([name, level]) => ({ name, minVersionLevel: level, maxVersionLevel: level })),
      zkMigrationReady: false,
    });
  }
}
