/** zookeeper-server-stop: see ServerStop.zookeeperServerStop. */
import { zookeeperServerStop } from './ServerStop';

export function main(): void {
  process.exitCode = zookeeperServerStop(process.argv.slice(2));
}

if (require.main === module) main();
