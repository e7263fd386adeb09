import type { LeaderAndEpoch } from '../../raft/RaftClient';
import type { ControllerNodeProvider } from '../BrokerToControllerChannel';

/** What the provider needs of the KafkaRaftManager. */
export interface RaftLeaderSource {
  leaderAndEpoch(): LeaderAndEpoch;
  voterAddress(id: number): { host: string; port: number } | undefined;
}

/**
 * kafka.server.RaftControllerNodeProvider: in KRaft mode the active controller is the Raft leader of
 * __cluster_metadata, reached on its CONTROLLER listener at the address controller.quorum.voters gives.
 */
export function raftControllerNodeProvider(raft: RaftLeaderSource): ControllerNodeProvider {
  return () => {
    const id = raft.leaderAndEpoch().leaderId;
    if (id === undefined) return undefined;
    const a = raft.voterAddress(id);
    return a ? { id, host: a.host, port: a.port } : undefined;
  };
}
