/**
 * Kafka's bin/kafka-delegation-tokens.sh (org.apache.kafka.tools.DelegationTokenCommand, 3.7): --create, --renew,
 * --expire and --describe of delegation tokens through a broker (--bootstrap-server, --command-config with the SASL /
 * TLS settings: token requests are refused on PLAINTEXT), with Kafka's messages and token table.
 * Like Kafka 3.7's tool, --describe without --owner-principal sends an empty owner list, which the broker answers
 * with no tokens (DescribeDelegationTokenRequest.ownersListEmpty).
 */
import { Command } from 'commander';
import { configureLogging } from '../common/logger';
import { AuthenticationError, setDefaultClientSecurity } from '../network/NetworkClient';
import { CreateDelegationTokenApi, DescribeDelegationTokenApi, ExpireDelegationTokenApi, RenewDelegationTokenApi } from '../protocol/apis';
import type { DescribedDelegationToken } from '../protocol/apis/41-describe-delegation-token';
import { errorInfo, ErrorCode } from '../protocol/errors';
import { clientSecurityFromProps } from './AdminClientSecurity';
import { sendToAny } from './AdminRequests';
import { brokerList, CommandError, loadProps, runTool } from './CommandUtils';

export interface DelegationTokenOpts {
  bootstrapServer?: string;
  commandConfig?: string;
  create?: boolean;
  renew?: boolean;
  expire?: boolean;
  describe?: boolean;
  ownerPrincipal?: string[];
  renewerPrincipal?: string[];
  maxLifeTimePeriod?: string;
  renewTimePeriod?: string;
  expiryTimePeriod?: string;
  hmac?: string;
}

/** Errors.exception()'s classes for the codes these APIs answer. */
const EXCEPTIONS: Record<number, string> = {
  [ErrorCode.UNKNOWN_SERVER_ERROR]: 'UnknownServerException',
  [ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED]: 'DelegationTokenDisabledException',
  [ErrorCode.DELEGATION_TOKEN_NOT_FOUND]: 'DelegationTokenNotFoundException',
  [ErrorCode.DELEGATION_TOKEN_OWNER_MISMATCH]: 'DelegationTokenOwnerMismatchException',
  [ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED]: 'UnsupportedByAuthenticationException',
  [ErrorCode.DELEGATION_TOKEN_AUTHORIZATION_FAILED]: 'DelegationTokenAuthorizationException',
  [ErrorCode.DELEGATION_TOKEN_EXPIRED]: 'DelegationTokenExpiredException',
  [ErrorCode.INVALID_PRINCIPAL_TYPE]: 'InvalidPrincipalTypeException',
};

/** What mainNoExit prints for an admin call that failed: the ExecutionException's message, then (shortened) its stack trace. */
function executionError(exception: string, message: string): CommandError {
  const cause = `org.apache.kafka.common.errors.${exception}: ${message}`;
  return new CommandError(`${cause}\njava.util.concurrent.ExecutionException: ${cause}`);
}

function check(errorCode: number): void {
  if (errorCode === ErrorCode.NONE) return;
  const info = errorInfo(errorCode);
  throw executionError(EXCEPTIONS[errorCode] ?? 'ApiException', info.message);
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AuthenticationError) throw executionError('SaslAuthenticationException', e.message.replace(/^SASL authentication with \S+ failed: /, ''));
    throw e;
  }
}

/** SecurityUtils.parseKafkaPrincipal. */
function principal(s: string): { principalType: string; principalName: string } {
  const t = s.trim();
  const i = t.indexOf(':');
  if (t === '' || i < 0) throw new CommandError(`expected a string in format principalType:principalName but got ${t}`);
  return { principalType: t.substring(0, i), principalName: t.substring(i + 1) };
}

const principalText = (p: { principalType: string; principalName: string }): string => `${p.principalType}:${p.principalName}`;
/** java.util.List.toString. */
const listText = (xs: string[]): string => `[${xs.join(', ')}]`;

/** SimpleDateFormat("yyyy-MM-dd'T'HH:mm") in the default (local) time zone. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** printToken: "%n%-15s %-30s %-15s %-15s %-25s %-15s %-15s %-15s%n" for the header and each token. */
export function tokenTable(tokens: DescribedDelegationToken[]): string {
  const row = (cols: string[]) => {
    const widths = [15, 30, 15, 15, 25, 15, 15, 15];
    return '\n' + cols.map((c, i) => c.padEnd(widths[i])).join(' ') + '\n';
  };
  let out = row(['TOKENID', 'HMAC', 'OWNER', 'REQUESTER', 'RENEWERS', 'ISSUEDATE', 'EXPIRYDATE', 'MAXDATE']);
  for (const t of tokens) {
    out += row([
      t.tokenId,
      t.hmac.toString('base64'),
      `${t.principalType}:${t.principalName}`,
      `${t.tokenRequesterPrincipalType}:${t.tokenRequesterPrincipalName}`,
      listText(t.renewers.map(principalText)),
      formatDate(t.issueTimestamp),
      formatDate(t.expiryTimestamp),
      formatDate(t.maxTimestamp),
    ]);
  }
  return out;
}

function long(name: string, v: string | undefined): number {
  if (v === undefined || !/^[+-]?\d+$/.test(v.trim())) throw new CommandError(`Cannot parse argument '${v ?? ''}' of option ${name}`);
  return Number(v.trim());
}

/** DelegationTokenCommandOptions.checkArgs (CommandLineUtils.checkRequiredArgs / checkInvalidArgs messages). */
export function checkArgs(o: DelegationTokenOpts): 'create' | 'renew' | 'expire' | 'describe' {
  const actions = [o.create, o.renew, o.expire, o.describe].filter(Boolean).length;
  if (actions !== 1) throw new CommandError('Command must include exactly one action: --create, --renew, --expire or --describe');
  const has: Record<string, boolean> = {
    'bootstrap-server': o.bootstrapServer !== undefined,
    'command-config': o.commandConfig !== undefined,
    'max-life-time-period': o.maxLifeTimePeriod !== undefined,
    'renew-time-period': o.renewTimePeriod !== undefined,
    'expiry-time-period': o.expiryTimePeriod !== undefined,
    hmac: o.hmac !== undefined,
    'owner-principal': o.ownerPrincipal !== undefined,
    'renewer-principal': o.renewerPrincipal !== undefined,
    renew: o.renew === true,
  };
  const required = (...names: string[]) => {
    for (const n of names) if (!has[n]) throw new CommandError(`Missing required argument "[${n}]"`);
  };
  const invalid = (action: string, ...names: string[]) => {
    for (const n of names) if (has[n]) throw new CommandError(`Option "[${action}]" can't be used with option "[${n}]"`);
  };
  required('bootstrap-server', 'command-config');
  if (o.create) required('max-life-time-period');
  if (o.renew) required('hmac', 'renew-time-period');
  if (o.expire) required('hmac', 'expiry-time-period');
  if (o.create) invalid('create', 'hmac', 'renew-time-period', 'expiry-time-period');
  if (o.renew) invalid('renew', 'renewer-principal', 'max-life-time-period', 'expiry-time-period', 'owner-principal');
  if (o.expire) invalid('expire', 'renew', 'max-life-time-period', 'renew-time-period', 'owner-principal');
  if (o.describe) invalid('describe', 'renew-time-period', 'max-life-time-period', 'hmac', 'expiry-time-period');
  return o.create ? 'create' : o.renew ? 'renew' : o.expire ? 'expire' : 'describe';
}

/** The command (DelegationTokenCommand.execute), printing with `out` (no newline added: Kafka mixes println and printf). */
export async function runDelegationTokenCommand(o: DelegationTokenOpts, out: (s: string) => void): Promise<void> {
  const action = checkArgs(o);
  setDefaultClientSecurity(clientSecurityFromProps(loadProps(o.commandConfig)));
  const bootstrap = brokerList(o.bootstrapServer);
  if (action === 'create') {
    const renewers = (o.renewerPrincipal ?? []).map(principal);
    const owners = (o.ownerPrincipal ?? []).map(principal);
    const maxLifetimeMs = long('max-life-time-period', o.maxLifeTimePeriod);
    out(`Calling create token operation with renewers :${listText(renewers.map(principalText))} , max-life-time-period :${maxLifetimeMs}\n`);
    const owner = owners[0] ?? null;
    const res = await call(() =>
      sendToAny(bootstrap, CreateDelegationTokenApi, 3, {
        ownerPrincipalType: owner?.principalType ?? null,
        ownerPrincipalName: owner?.principalName ?? null,
        renewers,
        maxLifetimeMs,
      }),
    );
    check(res.errorCode);
    out(`Created delegation token with tokenId : ${res.tokenId}\n`);
    out(
      tokenTable([
        {
          tokenId: res.tokenId,
          hmac: res.hmac,
          principalType: res.principalType,
          principalName: res.principalName,
          tokenRequesterPrincipalType: res.tokenRequesterPrincipalType,
          tokenRequesterPrincipalName: res.tokenRequesterPrincipalName,
          renewers: renewers,
          issueTimestamp: res.issueTimestampMs,
          expiryTimestamp: res.expiryTimestampMs,
          maxTimestamp: res.maxTimestampMs,
        },
      ]),
    );
  } else if (action === 'renew') {
    const period = long('renew-time-period', o.renewTimePeriod);
    out(`Calling renew token operation with hmac :${o.hmac} , renew-time-period :${period}\n`);
    const res = await call(() => sendToAny(bootstrap, RenewDelegationTokenApi, 2, { hmac: Buffer.from(o.hmac!, 'base64'), renewPeriodMs: period }));
    check(res.errorCode);
    out(`Completed renew operation. New expiry date : ${formatDate(res.expiryTimestampMs)}`);
  } else if (action === 'expire') {
    const period = long('expiry-time-period', o.expiryTimePeriod);
    out(`Calling expire token operation with hmac :${o.hmac} , expire-time-period :${period}\n`);
    const res = await call(() => sendToAny(bootstrap, ExpireDelegationTokenApi, 2, { hmac: Buffer.from(o.hmac!, 'base64'), expiryTimePeriodMs: period }));
    check(res.errorCode);
    out(`Completed expire operation. New expiry date : ${formatDate(res.expiryTimestampMs)}`);
  } else {
    const owners = (o.ownerPrincipal ?? []).map(principal);
    if (owners.length === 0) out('Calling describe token operation for current user.\n');
    else out(`Calling describe token operation for owners: ${listText(owners.map(principalText))}\n`);
    const res = await call(() => sendToAny(bootstrap, DescribeDelegationTokenApi, 3, { owners }));
    check(res.errorCode);
    out(`Total number of tokens : ${res.tokens.length}`);
    out(tokenTable(res.tokens));
  }
}

const collect = (v: string, prev: string[] = []): string[] => prev.concat([v]);

export function main(): void {
  configureLogging({ files: false, level: 'WARN' });
  const program = new Command('kafka-delegation-tokens')
    .description('This tool helps to create, renew, expire, or describe delegation tokens.')
    .option('--bootstrap-server <String>', 'REQUIRED: server(s) to use for bootstrapping.')
    .option(
      '--command-config <String>',
      'REQUIRED: A property file containing configs to be passed to Admin Client. Token management operations are allowed in secure mode only. This config file is used to pass security related configs.',
    )
    .option('--create', 'Create a new delegation token. Use --renewer-principal option to pass renewer principals.')
    .option('--renew', 'Renew delegation token. Use --renew-time-period option to set renew time period.')
    .option('--expire', 'Expire delegation token. Use --expiry-time-period option to expire the token.')
    .option(
      '--describe',
      'Describe delegation tokens for the given principals. Use --owner-principal to pass owner/renewer principals. If --owner-principal option is not supplied, all the user-owned tokens and tokens where the user has Describe permissions will be returned.',
    )
    .option('--owner-principal <String>', 'owner is a Kafka principal. They should be in principalType:name format.', collect)
    .option('--renewer-principal <String>', 'renewer is a Kafka principal. They should be in principalType:name format.', collect)
    .option(
      '--max-life-time-period <Long>',
      'Max life period for the token in milliseconds. If the value is -1, then token max life time will default to the server side config value of (delegation.token.max.lifetime.ms).',
    )
    .option(
      '--renew-time-period <Long>',
      'Renew time period in milliseconds. If the value is -1, then the renew time period will default to the server side config value of (delegation.token.expiry.time.ms).',
    )
    .option('--expiry-time-period <Long>', 'Expiry time period in milliseconds. If the value is -1, then the token will get invalidated immediately.')
    .option('--hmac <String>', 'HMAC of the delegation token');
  runTool(program, async (p) => {
    await runDelegationTokenCommand(p.opts(), (s) => process.stdout.write(s));
  });
}

if (require.main === module) main();
