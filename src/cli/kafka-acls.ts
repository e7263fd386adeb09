/**
 * Kafka's bin/kafka-acls.sh (kafka.admin.AclCommand, 3.7): --add, --remove, --list of ACL bindings, either through a
 * broker (--bootstrap-server, with --command-config for TLS/SASL) or straight into ZooKeeper (--authorizer-properties
 * zookeeper.connect=..., deprecated in Kafka: AclAuthorizer writes the znodes and the change notifications itself).
 */
import { Command } from 'commander';
import * as readline from 'readline';
import { configureLogging } from '../common/logger';
import { setDefaultClientSecurity } from '../network/NetworkClient';
import { CreateAclsApi, DeleteAclsApi, DescribeAclsApi } from '../protocol/apis';
import { errorInfo } from '../protocol/errors';
import { AclAuthorizer } from '../security/authorizer/AclAuthorizer';
import {
  AccessControlEntry,
  AclBinding,
  AclBindingFilter,
  AclPermissionType,
  ResourcePattern,
  ResourcePatternFilter,
  entryToString,
  patternKey,
  patternToString,
} from '../security/authorizer/AclBinding';
import { AclOperation } from '../security/AclEntry';
import { PatternType, ResourceType } from '../security/authorizer/Authorizer';
import { ZkAclStore } from '../security/authorizer/ZkAclStore';
import { KafkaZkClient } from '../zk/KafkaZkClient';
import { clientSecurityFromProps } from './AdminClientSecurity';
import { sendToAny } from './AdminRequests';
import { AclCommandOpts, checkArgs, filterToString, patternType, resourceFilterToAcls, resourceFilters } from './AclCommandOptions';
import { CommandError, brokerList, collect, loadProps, parseKeyValues, runTool } from './CommandUtils';

const AUTHORIZER_DEPRECATION =
  'Warning: support for ACL configuration directly through the authorizer is deprecated and will be removed in a future release. Please use --bootstrap-server instead to set ACLs through the admin client.';

interface AclService {
  create(bindings: AclBinding[]): Promise<void>;
  describe(filter: AclBindingFilter): Promise<AclBinding[]>;
  delete(filters: AclBindingFilter[]): Promise<void>;
  close(): Promise<void>;
}

const ANY_ENTRY = { principal: null, host: null, operation: AclOperation.ANY, permissionType: AclPermissionType.ANY };

function check(errorCode: number, errorMessage: string | null): void {
  if (errorCode !== 0) throw new Error(errorMessage ?? errorInfo(errorCode).message);
}

/** AclCommand.AdminClientService: CreateAcls / DescribeAcls / DeleteAcls v3 to the bootstrap brokers. */
function adminService(bootstrap: string[]): AclService {
  return {
    async create(bindings) {
      const res = await sendToAny(bootstrap, CreateAclsApi, 3, {
        creations: bindings.map((b) => ({
          resourceType: b.pattern.resourceType,
          resourceName: b.pattern.name,
          resourcePatternType: b.pattern.patternType,
          ...b.entry,
        })),
      });
      for (const r of res.results) check(r.errorCode, r.errorMessage);
    },
    async describe(f) {
      const res = await sendToAny(bootstrap, DescribeAclsApi, 3, {
        resourceTypeFilter: f.pattern.resourceType,
        resourceNameFilter: f.pattern.name,
        patternTypeFilter: f.pattern.patternType,
        principalFilter: f.entry.principal,
        hostFilter: f.entry.host,
        operation: f.entry.operation,
        permissionType: f.entry.permissionType,
      });
      check(res.errorCode, res.errorMessage);
      return res.resources.flatMap((r) =>
        r.acls.map((a) => ({ pattern: { resourceType: r.resourceType, name: r.resourceName, patternType: r.patternType }, entry: { ...a } })),
      );
    },
    async delete(filters) {
      const res = await sendToAny(bootstrap, DeleteAclsApi, 3, {
        filters: filters.map((f) => ({
          resourceTypeFilter: f.pattern.resourceType,
          resourceNameFilter: f.pattern.name,
          patternTypeFilter: f.pattern.patternType,
          principalFilter: f.entry.principal,
          hostFilter: f.entry.host,
          operation: f.entry.operation,
          permissionType: f.entry.permissionType,
        })),
      });
      for (const r of res.filterResults) check(r.errorCode, r.errorMessage);
    },
    async close() {},
  };
}

/** AclCommand.AuthorizerService: an AclAuthorizer on ZooKeeper, as a broker's (znodes + change notifications). */
async function authorizerService(props: Map<string, string>): Promise<AclService> {
  const connect = props.get('zookeeper.connect');
  if (!connect) throw new CommandError('Missing required configuration "zookeeper.connect" in --authorizer-properties');
  const zk = await KafkaZkClient.create(connect, 30000, 30000, '[ZooKeeperClient ACL authorizer] ');
  const authorizer = new AclAuthorizer({ superUsers: props.get('super.users') ?? '', allowEveryoneIfNoAclFound: false }, new ZkAclStore(zk, -1));
  await authorizer.start();
  return {
    async create(bindings) {
      for (const r of await authorizer.createAcls(bindings)) if (r.error) throw r.error;
    },
    async describe(f) {
      return authorizer.acls(f);
    },
    async delete(filters) {
      for (const r of await authorizer.deleteAcls(filters)) if (r.error) throw r.error;
    },
    async close() {
      authorizer.close();
      await zk.close();
    },
  };
}

const lines = (acls: AccessControlEntry[]): string => acls.map((e) => '\t' + entryToString(e)).join('\n');

/**
 * listAcls: getAcls, then printResourceAcls ("Current ACLs for resource `...`:" per resource pattern); with
 * --principal, for each principal "ACLs for principal `<p>`" and only the resources with ACLs of that principal.
 */
async function listAcls(service: AclService, filters: ResourcePatternFilter[], out: (s: string) => void, principals: string[] = []): Promise<void> {
  const bindings: AclBinding[] = [];
  const fs = filters.length ? filters : [{ resourceType: ResourceType.ANY, name: null, patternType: PatternType.ANY }];
  for (const f of fs) bindings.push(...(await service.describe({ pattern: f, entry: ANY_ENTRY })));
  const byResource = new Map<string, { pattern: ResourcePattern; acls: AccessControlEntry[] }>();
  for (const b of bindings) {
    const k = patternKey(b.pattern);
    const r = byResource.get(k) ?? { pattern: b.pattern, acls: [] };
    if (!r.acls.some((e) => entryToString(e) === entryToString(b.entry))) r.acls.push(b.entry);
    byResource.set(k, r);
  }
  const print = (resources: Array<{ pattern: ResourcePattern; acls: AccessControlEntry[] }>) => {
    for (const { pattern, acls } of resources) out(`Current ACLs for resource \`${patternToString(pattern)}\`: \n ${lines(acls)} \n`);
  };
  if (principals.length === 0) {
    print([...byResource.values()]);
    return;
  }
  for (const p of principals) {
    out(`ACLs for principal \`${p}\``);
    print([...byResource.values()].map((r) => ({ pattern: r.pattern, acls: r.acls.filter((e) => e.principal === p) })).filter((r) => r.acls.length > 0));
  }
}

/** SecurityUtils.parseKafkaPrincipal of each --principal, printed back as KafkaPrincipal.toString (distinct, as Kafka's Set). */
function listPrincipals(o: AclCommandOpts): string[] {
  const out: string[] = [];
  for (const raw of o.principal ?? []) {
    const p = raw.trim();
    const i = p.indexOf(':');
    if (p === '' || i < 0) throw new CommandError(`expected a string in format principalType:principalName but got ${p}`);
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

async function confirm(o: AclCommandOpts, prompt: string): Promise<boolean> {
  if (o.force) return true;
  process.stdout.write(prompt + '\n');
  const rl = readline.createInterface({ input: process.stdin });
  const answer = await new Promise<string>((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  return answer.trim().toLowerCase() === 'y';
}

/** The command itself, for main and the tests: prints with `out` (println). */
export async function runAclCommand(
  o: AclCommandOpts & { bootstrapServer?: string; commandConfig?: string; authorizerProperties?: string[] },
  out: (s: string) => void,
): Promise<void> {
  if (o.bootstrapServer && o.authorizerProperties?.length)
    throw new CommandError('Only one of --authorizer-properties and --bootstrap-server must be specified');
  if (!o.bootstrapServer && !o.authorizerProperties?.length) throw new CommandError('One of --bootstrap-server or --authorizer-properties must be specified');
  const action = checkArgs(o);
  let service: AclService;
  if (o.bootstrapServer) {
    setDefaultClientSecurity(clientSecurityFromProps(loadProps(o.commandConfig)));
    service = adminService(brokerList(o.bootstrapServer));
  } else {
    process.stderr.write(AUTHORIZER_DEPRECATION + '\n');
    service = await authorizerService(parseKeyValues(o.authorizerProperties ?? []));
  }
  try {
    if (action === 'list') {
      await listAcls(service, resourceFilters(o, patternType(o, 'list'), false), out, listPrincipals(o));
      return;
    }
    const plan = resourceFilterToAcls(o, action);
    if (action === 'add') {
      for (const { filter, acls } of plan) {
        const pattern: ResourcePattern = { resourceType: filter.resourceType, name: filter.name ?? '', patternType: filter.patternType };
        out(`Adding ACLs for resource \`${patternToString(pattern)}\`: \n ${lines(acls)} \n`);
        await service.create(acls.map((entry) => ({ pattern, entry })));
      }
    } else {
      for (const { filter, acls } of plan) {
        const prompt =
          acls.length === 0
            ? `Are you sure you want to delete all ACLs for resource filter \`${filterToString(filter)}\`? (y/n)`
            : `Are you sure you want to remove ACLs: \n ${lines(acls)} \n from resource filter \`${filterToString(filter)}\`? (y/n)`;
        if (!(await confirm(o, prompt))) continue;
        await service.delete(acls.length === 0 ? [{ pattern: filter, entry: ANY_ENTRY }] : acls.map((e) => ({ pattern: filter, entry: { ...e } })));
      }
    }
    await listAcls(
      service,
      plan.map((p) => p.filter),
      out,
    );
  } finally {
    await service.close();
  }
}

export function main(): void {
  configureLogging({ files: false, level: 'WARN' });
  const program = new Command('kafka-acls')
    .option('--bootstrap-server <String: server to connect to>', 'A list of host/port pairs to use for establishing the connection to the Kafka cluster.')
    .option('--command-config <String: command-config>', 'A property file containing configs to be passed to Admin Client.')
    .option('--authorizer-properties <String: authorizer-properties>', 'REQUIRED: properties required to configure an instance of Authorizer.', collect)
    .option('--add', 'Indicates you are trying to add ACLs.')
    .option('--remove', 'Indicates you are trying to remove ACLs.')
    .option('--list', 'List ACLs for the specified resource, use --topic <topic> or --group <group> or --cluster to specify a resource.')
    .option('--topic <String: topic>', 'topic to which ACLs should be added or removed.', collect)
    .option('--group <String: group>', 'Consumer Group to which the ACLs should be added or removed.', collect)
    .option('--cluster', 'Add/Remove cluster ACLs.')
    .option('--transactional-id <String: transactional-id>', 'The transactionalId to which ACLs should be added or removed.', collect)
    .option(
      '--delegation-token <String: delegation-token>',
      "Delegation token to which ACLs should be added or removed. A value of '*' indicates ACL should apply to all tokens.",
      collect,
    )
    .option(
      '--user-principal <String: user-principal>',
      'Specifies a user principal as a resource in relation with the operation. For instance one could grant CreateTokens or DescribeTokens permission on a given user principal.',
      collect,
    )
    .option(
      '--principal <String: principal>',
      'List ACLs for the specified principal. principal is in principalType:name format. Note that principalType must be supported by the Authorizer being used. Multiple --principal option can be passed.',
      collect,
    )
    .option('--resource-pattern-type <ANY|MATCH|LITERAL|PREFIXED>', "The type of the resource pattern or pattern filter. (default: 'LITERAL')")
    .option('--allow-principal <String: allow-principal>', 'principal is in principalType:name format.', collect)
    .option('--deny-principal <String: deny-principal>', 'principal is in principalType:name format.', collect)
    .option('--allow-host <String: allow-host>', 'Host from which principals listed in --allow-principal will have access.', collect)
    .option('--deny-host <String: deny-host>', 'Host from which principals listed in --deny-principal will be denied access.', collect)
    .option('--operation <String>', "Operation that is being allowed or denied. (default: 'All')", collect)
    .option('--producer', 'Convenience option to add/remove ACLs for producer role.')
    .option('--consumer', 'Convenience option to add/remove ACLs for consumer role.')
    .option('--idempotent', 'Enable idempotence for the producer.')
    .option('--force', 'Assume Yes to all queries and do not prompt.');
  runTool(
    program,
    async (p) => {
      await runAclCommand(p.opts(), (s) => process.stdout.write(s + '\n'));
    },
    'Error while executing ACL command: ',
  );
}

if (require.main === module) main();
