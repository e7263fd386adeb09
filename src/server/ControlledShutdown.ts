import { getLogger, Logger } from '../common/logger';
import { NetworkClient } from '../network/NetworkClient';
import { ControlledShutdownApi } from '../protocol/apis';
import { errorName } from '../protocol/errors';
import { KafkaConfig } from './config/KafkaConfig';
import { MetadataCache } from './MetadataCache';

/**
 * The broker side of controlled shutdown (KafkaServer.controlledShutdown, zk-mode.md §5.4): ask the
 * controller to move our leaderships away, retrying controlled.shutdown.max.retries times with
 * controlled.shutdown.retry.backoff.ms between attempts, re-resolving the controller each time.
 */
export class ControlledShutdown {
  private readonly log: Logger;

  constructor(
    private readonly config: KafkaConfig,
    private readonly metadataCache: MetadataCache,
    private readonly brokerEpoch: () => number,
    private readonly localControllerId: () => number,
  ) {
    this.log = getLogger('kafka.server.KafkaServer', `[KafkaServer id=${config.brokerId}] `);
  }

  async run(): Promise<boolean> {
    this.log.info('Starting controlled shutdown');
    const retries = this.config.controlledShutdownMaxRetries;
    for (let attempt = 1; attempt <= retries; attempt++) {
      const controllerId = this.metadataCache.controllerId ?? this.localControllerId();
      const ep = controllerId >= 0 ? this.metadataCache.endpointFor(controllerId, this.config.interBrokerListenerName) : undefined;
      if (ep) {
        const client = new NetworkClient(ep.host, ep.port, `broker-${this.config.brokerId}-controlled-shutdown`, this.config.controllerSocketTimeoutMs);
        try {
          const res = await client.send(ControlledShutdownApi, 3, { brokerId: this.config.brokerId, brokerEpoch: this.brokerEpoch() });
          if (res.errorCode === 0 && res.remainingPartitions.length === 0) {
            this.log.info('Controlled shutdown request returned successfully after ' + attempt + ' attempt(s)');
            return true;
          }
          if (res.errorCode === 0) {
            this.log.info(`Remaining partitions to move: ${res.remainingPartitions.map((p) => `${p.topicName}-${p.partitionIndex}`).join(',')}`);
          } else {
            this.log.info(`Controlled shutdown request returned after ${attempt} attempt(s) with error ${errorName(res.errorCode)}`);
          }
        } catch (e) {
          this.log.warn(
            `Error during controlled shutdown, possibly because leader movement took longer than the configured controller.socket.timeout.ms and/or request.timeout.ms`,
            e,
          );
        } finally {
          client.close();
        }
      }
      if (attempt < retries) {
        this.log.warn('Retrying controlled shutdown after the previous attempt failed...');
        await new Promise((r) => setTimeout(r, this.config.controlledShutdownRetryBackoffMs));
      }
    }
    this.log.warn('Proceeding to do an unclean shutdown as all the controlled shutdown attempts failed');
    return false;
  }
}
