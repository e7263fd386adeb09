/**
 * zookeeper-shell (Kafka's bin/zookeeper-shell.sh, which runs ZooKeeperMain): hands over to ZooKeeper's
 * own CLI, zkCli.sh -server <host:port[/chroot]> [command...], with the terminal and the exit code.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';

const ZKCLI_CANDIDATES = [process.env.ZKCLI, '/usr/share/zookeeper/bin/zkCli.sh', '/opt/zookeeper/bin/zkCli.sh'];

export function main(): void {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    console.log(
      "USAGE: zookeeper-shell zookeeper_host:port[/path] [-zk-tls-config-file file] [args...]\nRuns ZooKeeper's zkCli.sh against the given server; with args, runs that one command and exits.",
    );
    process.exitCode = argv.length === 0 ? 1 : 0;
    return;
  }
  const zkCli = ZKCLI_CANDIDATES.find((p) => p && fs.existsSync(p));
  if (!zkCli) {
    process.stderr.write("zookeeper-shell: ZooKeeper's zkCli.sh was not found (install Debian's zookeeper package or set ZKCLI)\n");
    process.exitCode = 1;
    return;
  }
  const [server, ...rest] = argv;
  const args = ['-server', server];
  for (let i = 0; i < rest.length; i++) {
    // Kafka's -zk-tls-config-file has no zkCli.sh equivalent on the command line; it is dropped.
    if (rest[i] === '-zk-tls-config-file') i++;
    else args.push(rest[i]);
  }
  const child = spawn(zkCli, args, { stdio: 'inherit', env: { ...process.env, ZOO_LOG4J_PROP: process.env.ZOO_LOG4J_PROP ?? 'WARN,CONSOLE' } });
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('error', (e) => {
    process.stderr.write(`zookeeper-shell: ${e.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (require.main === module) main();
