import { LeaderAndIsr } from '../zk/ZkData';
import { ControllerContext } from './ControllerContext';

export type ElectionStrategy = 'offline' | 'controlledShutdown' | 'preferred' | 'reassignment';

/** kafka.controller.Election / PartitionLeaderElectionAlgorithms (zk-mode.md §4.1). */
export const Election = {
  /** New LeaderAndIsr (epoch + 1) or null when no replica qualifies. */
  elect(strategy: ElectionStrategy, assignment: number[], cur: LeaderAndIsr, ctx: ControllerContext, uncleanAllowed: boolean): LeaderAndIsr | null {
    const live = (b: number) => ctx.isLiveBroker(b);
    const bump = (leader: number, isr: number[], recovery = cur.leaderRecoveryState): LeaderAndIsr => ({
      leader,
      isr,
      leaderEpoch: cur.leaderEpoch + 1,
      leaderRecoveryState: recovery,
      partitionEpoch: cur.partitionEpoch,
    });
    switch (strategy) {
      case 'offline': {
        const liveIsr = cur.isr.filter(live);
        const leader = assignment.find((b) => live(b) && cur.isr.includes(b));
        if (leader !== undefined) return bump(leader, liveIsr);
        if (!uncleanAllowed) return null;
        const unclean = assignment.find(live);
        // Unclean election: ISR = [leader], leader_recovery_state RECOVERING (IBP >= 3.2).
        return unclean === undefined ? null : bump(unclean, [unclean], 1);
      }
      case 'controlledShutdown': {
        const leader = assignment.find((b) => live(b) && cur.isr.includes(b) && !ctx.shuttingDownBrokerIds.has(b));
        if (leader === undefined) return null;
        return bump(
          leader,
          cur.isr.filter((b) => !ctx.shuttingDownBrokerIds.has(b)),
        );
      }
      case 'reassignment': {
        // The assignment passed in is the target replica set: first one live and in the ISR; ISR unchanged.
        const leader = assignment.find((b) => live(b) && cur.isr.includes(b));
        return leader === undefined ? null : bump(leader, cur.isr);
      }
      case 'preferred': {
        const preferred = assignment[0];
        if (preferred === undefined || !live(preferred) || !cur.isr.includes(preferred) || cur.leader === preferred) return null;
        return bump(preferred, cur.isr);
      }
    }
  },
};
