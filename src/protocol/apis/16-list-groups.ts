/**
 * ListGroups (key 16): the groups this broker coordinates. We serve Kafka 3.7's 0-4 (flexible from 3). v4
 * (KIP-518) adds StatesFilter (empty = all; otherwise the group's state name must be one of them, exactly as
 * GroupCoordinator.handleListGroups compares) and each group's GroupState in the response.
 */
import * as schema from '../messages/ListGroups';
import { messageApi } from './messageApi';

interface ListGroupsRequest {
  /** v4+. */
  statesFilter: string[];
}

interface ListedGroup {
  groupId: string;
  protocolType: string;
  /** v4+. */
  groupState: string;
}

interface ListGroupsResponse {
  throttleTimeMs: number;
  errorCode: number;
  groups: ListedGroup[];
}

export const ListGroupsApi = messageApi<ListGroupsRequest, ListGroupsResponse>(schema.ListGroupsRequest, schema.ListGroupsResponse, {
  minVersion: 0,
  maxVersion: 4,
});
